package io.kubelab.scheduler.framework;

/**
 * What a plugin says about a pod: the code of a {@link Status}.
 *
 * <p>Upstream: {@code Code} and its constants in {@code pkg/scheduler/framework/v1alpha1/
 * interface.go} (v1.18), in the same order ({@code Success = iota}). {@link #toString()} is
 * upstream's {@code Code.String()}, the text that appears in metrics and logs.
 */
public enum Code {
  /** The plugin ran and found the pod schedulable. A null status means the same. */
  SUCCESS("Success"),
  /** An internal plugin error or unexpected input: the scheduling attempt is aborted. */
  ERROR("Error"),
  /**
   * The pod does not fit, but preemption may help: removing pods could make room. The message says
   * why.
   */
  UNSCHEDULABLE("Unschedulable"),
  /**
   * The pod does not fit and removing pods cannot change that (a node selector, a taint, a host
   * name): preemption skips the node.
   */
  UNSCHEDULABLE_AND_UNRESOLVABLE("UnschedulableAndUnresolvable"),
  /** A permit plugin asks the pod to wait before binding. */
  WAIT("Wait"),
  /** A bind plugin declines to bind this pod; the next bind plugin is asked. */
  SKIP("Skip");

  private final String upstreamName;

  Code(String upstreamName) {
    this.upstreamName = upstreamName;
  }

  @Override
  public String toString() {
    return upstreamName;
  }
}
