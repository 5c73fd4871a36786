package io.kubelab.scheduler.algorithm;

import java.util.List;

/**
 * The verdict of one {@link FitPredicate}: fits, or does not with reasons.
 *
 * @param fits true when the pod fits
 * @param reasons why not; empty when it fits
 */
public record PredicateResult(boolean fits, List<PredicateFailureReason> reasons) {

  /** The pod fits. */
  public static final PredicateResult FIT = new PredicateResult(true, List.of());

  public PredicateResult {
    reasons = List.copyOf(reasons);
    if (fits && !reasons.isEmpty()) {
      throw new IllegalArgumentException("a fitting result has no failure reasons: " + reasons);
    }
    if (!fits && reasons.isEmpty()) {
      throw new IllegalArgumentException("a failing result needs at least one reason");
    }
  }

  /** The pod does not fit, for these reasons. */
  public static PredicateResult fail(PredicateFailureReason... reasons) {
    return new PredicateResult(false, List.of(reasons));
  }

  /** The pod does not fit, for these reasons. */
  public static PredicateResult fail(List<? extends PredicateFailureReason> reasons) {
    return new PredicateResult(false, List.copyOf(reasons));
  }
}
