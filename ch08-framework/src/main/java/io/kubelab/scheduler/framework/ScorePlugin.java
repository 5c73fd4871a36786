package io.kubelab.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.cache.NodeInfo;
import java.util.OptionalLong;

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

  /**
   * The node's raw score, the node already looked up: what the framework calls, once it has found
   * the node in the cycle's snapshot, so that a plugin need not look it up again by name (upstream
   * passes the name, and each plugin looks it up). The default looks nothing up and calls {@link
   * #score(CycleState, Pod, String)}; a plugin that overrides this must score exactly as that
   * method does.
   */
  default long score(CycleState state, Pod pod, NodeInfo nodeInfo) {
    return score(state, pod, nodeInfo.nodeName());
  }

  /**
   * The raw score every node gets in this cycle, when PreScore has settled it without looking at
   * any node: the framework then fills it in for each node instead of calling {@link #score}, and
   * normalizes as usual. Asked once per cycle, after PreScore. The default, empty, calls {@link
   * #score} on every node.
   *
   * <p>Not upstream v1.18, which calls every Score on every node; from v1.27 on, upstream skips a
   * plugin whose PreScore returns {@code Skip} (a pod without preferred node affinity, without soft
   * spread constraints, ...). Unlike upstream's skip, the scores stay those v1.18 computes, so the
   * totals and the explanation do not change.
   */
  default OptionalLong sameScoreOnEveryNode(CycleState state, Pod pod) {
    return OptionalLong.empty();
  }

  /** The normalization step, or null when the raw scores are already in range (the default). */
  default ScoreExtensions scoreExtensions() {
    return null;
  }
}
