package io.kubelab.scheduler.preemption;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Where preemption reports what it did, as Kubernetes events.
 *
 * <p>Upstream: {@code events.EventRecorder.Eventf} ({@code k8s.io/client-go/tools/events}) as
 * {@code Scheduler.preempt} in {@code pkg/scheduler/scheduler.go} (v1.17) calls it: one {@code
 * Normal} event with reason {@code Preempted}, action {@code Preempting} and note {@code "Preempted
 * by <ns>/<name> on node <node>"} per victim, regarding the victim and related to the preemptor.
 * ch08 and the integration supply a recorder that writes events; tests record them in memory.
 */
@FunctionalInterface
public interface EventRecorder {

  /** {@code v1.EventTypeNormal}. */
  String EVENT_TYPE_NORMAL = "Normal";

  /**
   * Records one event.
   *
   * @param regarding the object the event is about
   * @param related a second object involved, or null
   * @param eventType {@value #EVENT_TYPE_NORMAL} or {@code Warning}
   * @param reason why, in one CamelCase word
   * @param action what was done, in one CamelCase word
   * @param note a human-readable description
   */
  void eventf(
      HasMetadata regarding,
      HasMetadata related,
      String eventType,
      String reason,
      String action,
      String note);
}
