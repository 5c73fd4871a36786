package io.kubelab.scheduler.framework;

/**
 * Orders the pods waiting in the scheduling queue. Only one may be enabled, and every profile must
 * enable the same one, since all profiles share one queue.
 *
 * <p>Upstream: {@code QueueSortPlugin} and {@code LessFunc} in {@code
 * pkg/scheduler/framework/v1alpha1/interface.go} (v1.18).
 */
public interface QueueSortPlugin extends Plugin {

  /** True when {@code a} should be scheduled before {@code b}. */
  boolean less(PodInfo a, PodInfo b);
}
