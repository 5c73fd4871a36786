package io.kubelab.scheduler.predicates;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.FitPredicate;
import io.kubelab.scheduler.algorithm.PredicateFailureReason;
import io.kubelab.scheduler.algorithm.PredicateMetadata;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.cache.NodeInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The predicate loop of upstream's {@code podFitsOnNode} (one pass, no nominated pods), for tests
 * that need the predicates run in order with or without {@code alwaysCheckAllPredicates}.
 */
final class FitChecks {

  private FitChecks() {}

  static PredicateResult podFitsOnNode(
      Pod pod,
      PredicateMetadata meta,
      NodeInfo nodeInfo,
      Map<String, FitPredicate> predicates,
      boolean alwaysCheckAllPredicates) {
    List<PredicateFailureReason> fails = new ArrayList<>();
    for (String name : Predicates.ORDERING) {
      FitPredicate p = predicates.get(name);
      if (p == null) {
        continue;
      }
      PredicateResult r = p.check(pod, meta, nodeInfo);
      if (!r.fits()) {
        fails.addAll(r.reasons());
        if (!alwaysCheckAllPredicates) {
          break;
        }
      }
    }
    return fails.isEmpty() ? PredicateResult.FIT : PredicateResult.fail(fails);
  }
}
