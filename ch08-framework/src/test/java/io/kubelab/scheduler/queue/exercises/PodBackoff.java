package io.kubelab.scheduler.queue.exercises;

import java.time.Duration;

/**
 * Write it: how long a pod that failed to schedule waits before it is tried again.
 *
 * <p>Upstream's {@code calculateBackoffDuration} in {@code
 * pkg/scheduler/internal/queue/scheduling_queue.go} (v1.18): start from {@code initial}; for every
 * attempt after the first, double it; as soon as it exceeds {@code max}, the answer is {@code max}.
 * A pod never tried ({@code attempts} 0) and a pod tried once both wait {@code initial}. With the
 * defaults (1 s, 10 s) the waits are 1, 2, 4, 8, 10, 10 ... seconds.
 *
 * <p>{@code PodBackoffExerciseTest} grades it against a table and generated attempts.
 */
public final class PodBackoff {

  private PodBackoff() {}

  /**
   * The backoff of a pod popped {@code attempts} times.
   *
   * @param attempts how often the pod was popped (0 or more)
   * @param initial the first backoff ({@code podInitialBackoffSeconds}), positive
   * @param max the cap ({@code podMaxBackoffSeconds}), positive
   */
  public static Duration calculateBackoffDuration(int attempts, Duration initial, Duration max) {
    throw new UnsupportedOperationException("exercise");
  }
}
