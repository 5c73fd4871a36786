package io.kubelab.scheduler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.kubelab.scheduler.preemption.EventRecorder;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps every event in memory, in the order recorded.
 *
 * <p>Upstream: what {@code events.EventRecorder.Eventf} ({@code k8s.io/client-go/tools/events})
 * would post as {@code events.k8s.io/v1beta1} Events; here a list that tests and the simulation
 * read. Thread-safe.
 */
public final class InMemoryEventRecorder implements EventRecorder {

  /**
   * One event.
   *
   * @param regarding {@code namespace/name} of the object the event is about
   * @param related {@code namespace/name} of the related object, or null
   */
  public record Event(
      String regarding,
      String related,
      String eventType,
      String reason,
      String action,
      String note) {}

  private final List<Event> events = new ArrayList<>();

  @Override
  public void eventf(
      HasMetadata regarding,
      HasMetadata related,
      String eventType,
      String reason,
      String action,
      String note) {
    Event e =
        new Event(
            key(regarding), related == null ? null : key(related), eventType, reason, action, note);
    synchronized (events) {
      events.add(e);
    }
  }

  /** Every event so far. */
  public List<Event> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  /** The events regarding {@code namespace/name}. */
  public List<Event> regarding(String namespacedName) {
    List<Event> out = new ArrayList<>();
    for (Event e : events()) {
      if (e.regarding().equals(namespacedName)) {
        out.add(e);
      }
    }
    return out;
  }

  private static String key(HasMetadata o) {
    return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }
}
