package io.kubelab.scheduler.priorities;

import static io.kubelab.scheduler.algorithm.NodeScoreList.MAX_NODE_SCORE;

/**
 * MostRequestedPriority: favours the fullest node, so that pods pack and empty nodes can be
 * removed; ClusterAutoscalerProvider uses it instead of LeastRequestedPriority.
 *
 * <p>Upstream: {@code most_requested.go} (v1.17). Per resource {@code requested × 100 / capacity},
 * 0 when the node has no capacity or the request exceeds it; weighted average as {@link
 * LeastRequested}. It is not {@code 100 − least}: both truncate, so the two can differ by one.
 */
public final class MostRequested {

  private MostRequested() {}

  /** {@code mostResourcePriority}; upstream registers its map as MostRequestedPriority. */
  public static final ResourceAllocationPriority MOST_RESOURCE_PRIORITY =
      new ResourceAllocationPriority("MostResourceAllocation", MostRequested::mostResourceScorer);

  /**
   * {@code mostResourceScorer} over the default resources, CPU and memory, each of weight 1: the
   * mean of the two scores, truncated.
   */
  static long mostResourceScorer(
      long cpuRequested, long cpuAllocatable, long memoryRequested, long memoryAllocatable) {
    return (mostRequestedScore(cpuRequested, cpuAllocatable)
            + mostRequestedScore(memoryRequested, memoryAllocatable))
        / 2;
  }

  /** The used share of one resource on the 0..100 scale; fuller scores higher. */
  public static long mostRequestedScore(long requested, long capacity) {
    if (capacity == 0) {
      return 0;
    }
    if (requested > capacity) {
      return 0;
    }
    return requested * MAX_NODE_SCORE / capacity;
  }
}
