package io.kubelab.kubelet.prober;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Where the prober reports probe failures and warnings as Kubernetes events.
 *
 * <p>Upstream: {@code record.EventRecorder} as used by {@code pkg/kubelet/prober/prober.go} ({@code
 * recordContainerEvent}); reasons from {@code pkg/kubelet/events/event.go}.
 */
public interface EventRecorder {

  /** Upstream {@code events.ContainerUnhealthy}. */
  String CONTAINER_UNHEALTHY = "Unhealthy";

  /** Upstream {@code events.ContainerProbeWarning}. */
  String CONTAINER_PROBE_WARNING = "ProbeWarning";

  /** {@code type} is "Normal" or "Warning", as in the API. */
  void event(Pod pod, String containerName, String type, String reason, String message);

  /** Drops every event. */
  EventRecorder NONE = (pod, container, type, reason, message) -> {};
}
