package io.kubelab.scheduler.algorithm;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.cache.NodeInfo;

/**
 * The map half of a priority: one node's raw score for {@code pod}.
 *
 * <p>Upstream: {@code PriorityMapFunction} in {@code pkg/scheduler/algorithm/priorities/types.go}
 * (v1.17). Runs in parallel over nodes, so it must not mutate shared state. A raw score may be on
 * any scale when a {@link PriorityReduceFunction} normalizes it; otherwise it must lie in [0,
 * {@link NodeScoreList#MAX_NODE_SCORE}]. An exception aborts the scheduling attempt.
 */
@FunctionalInterface
public interface PriorityMapFunction {
  long map(Pod pod, PriorityMetadata meta, NodeInfo nodeInfo);
}
