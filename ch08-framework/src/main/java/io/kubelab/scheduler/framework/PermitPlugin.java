package io.kubelab.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;

/**
 * The last say before binding: allow the pod, reject it, or make it wait (for a gang to assemble,
 * for a quota) until someone calls {@link WaitingPod#allow} or the timeout passes.
 *
 * <p>Upstream: {@code PermitPlugin} in {@code pkg/scheduler/framework/v1alpha1/interface.go}
 * (v1.18). A wait lasts at most 15 minutes; longer timeouts are cut to that.
 */
public interface PermitPlugin extends Plugin {

  /** Go's {@code (*Status, time.Duration)}; the duration matters only with {@link Code#WAIT}. */
  Result permit(CycleState state, Pod pod, String nodeName);

  /**
   * A permit verdict.
   *
   * @param status success, Wait, Unschedulable, or an error
   * @param timeout how long to wait for an allow when the status is Wait
   */
  record Result(Status status, Duration timeout) {
    /** Allowed at once. */
    public static final Result ALLOW = new Result(Status.SUCCESS, Duration.ZERO);

    public Result {
      status = Status.orSuccess(status);
      timeout = timeout == null ? Duration.ZERO : timeout;
    }

    /** Wait up to {@code timeout} for every waiting plugin to allow. */
    public static Result waitFor(Duration timeout) {
      return new Result(Status.of(Code.WAIT), timeout);
    }
  }
}
