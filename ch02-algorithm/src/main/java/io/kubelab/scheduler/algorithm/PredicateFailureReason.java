package io.kubelab.scheduler.algorithm;

/**
 * Why a pod does not fit a node. {@link #getReason()} is the text counted into the {@code FitError}
 * message ({@code "2 Insufficient cpu"}).
 *
 * <p>Upstream: {@code PredicateFailureReason} and its implementations in {@code
 * pkg/scheduler/algorithm/predicates/error.go} (v1.17).
 */
public sealed interface PredicateFailureReason
    permits PredicateFailureReason.PredicateFailureError,
        PredicateFailureReason.InsufficientResourceError,
        PredicateFailureReason.FailureReason {

  String getReason();

  /**
   * A named predicate's fixed failure, e.g. {@code PredicateFailureError("MatchNodeSelector",
   * "node(s) didn't match node selector")}.
   *
   * @param predicateName the predicate
   * @param predicateDesc the reason text
   */
  record PredicateFailureError(String predicateName, String predicateDesc)
      implements PredicateFailureReason {
    @Override
    public String getReason() {
      return predicateDesc;
    }

    @Override
    public String toString() {
      return "Predicate " + predicateName + " failed";
    }
  }

  /**
   * Not enough of one resource: {@code Insufficient <resource>}.
   *
   * @param resourceName e.g. {@code cpu}, {@code nvidia.com/gpu}
   * @param requested what the pod requests
   * @param used what the node's pods already request
   * @param capacity what the node has allocatable
   */
  record InsufficientResourceError(String resourceName, long requested, long used, long capacity)
      implements PredicateFailureReason {
    @Override
    public String getReason() {
      return "Insufficient " + resourceName;
    }

    @Override
    public String toString() {
      return "Node didn't have enough resource: "
          + resourceName
          + ", requested: "
          + requested
          + ", used: "
          + used
          + ", capacity: "
          + capacity;
    }
  }

  /**
   * A free-form reason (upstream's {@code FailureReason}), used e.g. for extender failures.
   *
   * @param reason the text
   */
  record FailureReason(String reason) implements PredicateFailureReason {
    @Override
    public String getReason() {
      return reason;
    }
  }
}
