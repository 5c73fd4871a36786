package io.kubelab.scheduler.algorithm;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.cache.NodeInfo;

/**
 * A filter: does {@code pod} fit on the node of {@code nodeInfo}?
 *
 * <p>Upstream: {@code FitPredicate} in {@code pkg/scheduler/algorithm/predicates/predicates.go}
 * (v1.17): {@code func(pod, meta, nodeInfo) (bool, []PredicateFailureReason, error)}. The Go error
 * is an exception here: a predicate that cannot decide (a malformed object, an internal
 * inconsistency) throws, and the generic scheduler aborts the attempt naming the node and the
 * predicate. {@code meta} may be null, in which case the predicate computes what it needs itself.
 */
@FunctionalInterface
public interface FitPredicate {
  PredicateResult check(Pod pod, PredicateMetadata meta, NodeInfo nodeInfo);
}
