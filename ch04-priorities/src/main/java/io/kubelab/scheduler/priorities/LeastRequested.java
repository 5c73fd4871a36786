package io.kubelab.scheduler.priorities;

import static io.kubelab.scheduler.algorithm.NodeScoreList.MAX_NODE_SCORE;

/**
 * LeastRequestedPriority: favours the node with the most room left, so that pods spread out.
 *
 * <p>Upstream: {@code least_requested.go} (v1.17). Per resource {@code (capacity − requested) × 100
 * / capacity} in integer arithmetic, 0 when the node has no capacity or the request exceeds it; the
 * node's score is the weighted average {@code Σ score × weight / Σ weight}, truncated (with the
 * default cpu:1, memory:1, {@code (cpu + memory) / 2}).
 */
public final class LeastRequested {

  private LeastRequested() {}

  /** {@code leastResourcePriority}; upstream registers its map as LeastRequestedPriority. */
  public static final ResourceAllocationPriority LEAST_RESOURCE_PRIORITY =
      new ResourceAllocationPriority(
          "LeastResourceAllocation", LeastRequested::leastResourceScorer);

  /**
   * {@code leastResourceScorer} over the default resources, CPU and memory, each of weight 1: the
   * mean of the two scores, truncated.
   */
  static long leastResourceScorer(
      long cpuRequested, long cpuAllocatable, long memoryRequested, long memoryAllocatable) {
    return (leastRequestedScore(cpuRequested, cpuAllocatable)
            + leastRequestedScore(memoryRequested, memoryAllocatable))
        / 2;
  }

  /** The unused share of one resource on the 0..100 scale; more room scores higher. */
  public static long leastRequestedScore(long requested, long capacity) {
    if (capacity == 0) {
      return 0;
    }
    if (requested > capacity) {
      return 0;
    }
    return (capacity - requested) * MAX_NODE_SCORE / capacity;
  }
}
