package io.kubelab.scheduler.preemption;

/**
 * The framework's pods that wait at a Permit plugin; a victim among them must not be bound.
 *
 * <p>Upstream: {@code fwk.GetWaitingPod(victim.UID).Reject("preempted")} in {@code
 * Scheduler.preempt}, {@code pkg/scheduler/scheduler.go} (v1.17). The framework arrives with ch08,
 * which supplies the real one.
 */
@FunctionalInterface
public interface WaitingPods {

  /** No framework, so no pod ever waits. */
  WaitingPods NONE = (uid, message) -> false;

  /**
   * Rejects the waiting pod with this UID, if there is one.
   *
   * @return true when a waiting pod was rejected
   */
  boolean reject(String podUid, String message);
}
