package io.kubelab.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Ranks the nodes that passed filtering: what used to be a priority's map function, with {@link
 * ScoreExtensions#normalizeScore} as its reduce.
 *
 * <p>Upstream: {@code ScorePlugin} in {@code pkg/scheduler/framework/v1alpha1/interface.go}
 * (v1.18). Called for many nodes at once from several threads. After normalizing, every score must
 * lie in [{@link io.kubelab.scheduler.algorithm.NodeScoreList#MIN_NODE_SCORE}, {@link
 * io.kubelab.scheduler.algorithm.NodeScoreList#MAX_NODE_SCORE}]; the framework then multiplies it
 * by the plugin's weight.
 */
public interface ScorePlugin extends Plugin {

  /**
   * The node's raw score. Go returns {@code (int64, *Status)}; here a failure is thrown as a {@link
   * StatusException}, and the cycle is aborted naming this plugin.
   */
  long score(CycleState state, Pod pod, String nodeName);

  /** The normalization step, or null when the raw scores are already in range (the default). */
  default ScoreExtensions scoreExtensions() {
    return null;
  }
}
