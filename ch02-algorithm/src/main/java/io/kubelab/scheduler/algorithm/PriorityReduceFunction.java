package io.kubelab.scheduler.algorithm;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.cache.Snapshot;

/**
 * The reduce half of a priority: rewrites the whole list of map scores in place, typically
 * normalizing them to [0, {@link NodeScoreList#MAX_NODE_SCORE}].
 *
 * <p>Upstream: {@code PriorityReduceFunction} in {@code pkg/scheduler/algorithm/priorities/
 * types.go} (v1.17); {@code NormalizeReduce} is the common one. An exception aborts the attempt.
 */
@FunctionalInterface
public interface PriorityReduceFunction {
  void reduce(Pod pod, PriorityMetadata meta, Snapshot snapshot, NodeScoreList result);
}
