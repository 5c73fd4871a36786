package io.kubelab.kubelet.events;

import java.util.Map;

/**
 * An event the kubelet records about an object (a pod or its node).
 *
 * <p>Upstream: {@code record.EventRecorder.Eventf} / {@code AnnotatedEventf} as the kubelet calls
 * them; reasons from {@code pkg/kubelet/events/event.go}.
 *
 * @param kind {@code Pod} or {@code Node}
 * @param type {@code Normal} or {@code Warning}
 * @param annotations extra annotations (the eviction manager's offending containers), or empty
 */
public record Event(
    String kind,
    String namespace,
    String name,
    String type,
    String reason,
    String message,
    Map<String, String> annotations) {

  public Event {
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  /** Upstream {@code v1.EventTypeNormal}. */
  public static final String NORMAL = "Normal";

  /** Upstream {@code v1.EventTypeWarning}. */
  public static final String WARNING = "Warning";
}
