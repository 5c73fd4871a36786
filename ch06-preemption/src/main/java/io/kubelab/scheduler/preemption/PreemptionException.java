package io.kubelab.scheduler.preemption;

/**
 * Preemption could not complete: a PodDisruptionBudget list, an extender or an API call failed, or
 * the chosen node left the snapshot. Upstream returns these as Go errors from {@code Preempt} and
 * {@code Scheduler.preempt} (v1.17); the scheduler logs them and retries the pod later.
 */
public final class PreemptionException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public PreemptionException(String message, Throwable cause) {
    super(message, cause);
  }
}
