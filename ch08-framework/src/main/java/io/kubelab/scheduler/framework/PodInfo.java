package io.kubelab.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.Objects;

/**
 * A pod as the scheduling queue holds it: with when it was (re-)added and how often it was tried.
 *
 * <p>Upstream: {@code PodInfo} in {@code pkg/scheduler/framework/v1alpha1/interface.go} (v1.18).
 * Immutable here; the queue makes a new one when it updates a field.
 *
 * @param pod the pod
 * @param timestamp when the pod was last added to the queue; breaks priority ties in {@code
 *     PrioritySort}
 * @param attempts how many times the pod was popped for scheduling
 * @param initialAttemptTimestamp when the pod was first added; never changes
 */
public record PodInfo(Pod pod, Instant timestamp, int attempts, Instant initialAttemptTimestamp) {
  public PodInfo {
    Objects.requireNonNull(pod, "pod");
    Objects.requireNonNull(timestamp, "timestamp");
  }

  /** A pod first added at {@code timestamp}, never tried. */
  public static PodInfo of(Pod pod, Instant timestamp) {
    return new PodInfo(pod, timestamp, 0, timestamp);
  }
}
