package io.kubelab.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.NodeScoreList;

/**
 * Rewrites one plugin's scores for all nodes at once, typically onto [0, 100].
 *
 * <p>Upstream: {@code ScoreExtensions} in {@code pkg/scheduler/framework/v1alpha1/interface.go}
 * (v1.18). The list is chapter 02's {@link NodeScoreList}, upstream's {@code
 * framework.NodeScoreList}, changed in place.
 */
public interface ScoreExtensions {
  Status normalizeScore(CycleState state, Pod pod, NodeScoreList scores);
}
