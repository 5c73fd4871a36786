package io.kubelab.scheduler.priorities;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.algorithm.PriorityMetadata;
import io.kubelab.scheduler.algorithm.PriorityReduceFunction;
import io.kubelab.scheduler.cache.Snapshot;

/**
 * The shared reduce: scales a row of map scores to [0, {@code maxPriority}] by the row's highest
 * score, and optionally flips it so that the lowest raw score wins.
 *
 * <p>Upstream: {@code NormalizeReduce(maxPriority, reverse)} in {@code
 * pkg/scheduler/algorithm/priorities/reduce.go} (v1.17). Integer arithmetic: {@code maxPriority ×
 * score / maxCount}, truncated. The highest score starts at 0, so a row of zeros (or of negative
 * scores) stays as it is, or becomes all {@code maxPriority} when reversed. NodeAffinityPriority
 * uses it forward, TaintTolerationPriority reversed; chapter 05's spreading priorities can use it
 * too.
 *
 * @param maxPriority the top of the scale, normally {@link NodeScoreList#MAX_NODE_SCORE}
 * @param reverse {@code maxPriority − normalized}, so that fewer is better
 */
public record NormalizeReduce(long maxPriority, boolean reverse) implements PriorityReduceFunction {

  @Override
  public void reduce(Pod pod, PriorityMetadata meta, Snapshot snapshot, NodeScoreList result) {
    long maxCount = result.maxScore();
    if (maxCount == 0) {
      if (reverse) {
        for (int i = 0; i < result.size(); i++) {
          result.setScore(i, maxPriority);
        }
      }
      return;
    }
    for (int i = 0; i < result.size(); i++) {
      long score = maxPriority * result.score(i) / maxCount;
      result.setScore(i, reverse ? maxPriority - score : score);
    }
  }
}
