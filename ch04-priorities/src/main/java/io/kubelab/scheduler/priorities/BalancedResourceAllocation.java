package io.kubelab.scheduler.priorities;

import static io.kubelab.scheduler.algorithm.NodeScoreList.MAX_NODE_SCORE;

/**
 * BalancedResourceAllocation: favours the node whose CPU and memory would be used in the same
 * proportion, so that neither runs out while the other idles. Meant to run next to
 * LeastRequestedPriority, never alone.
 *
 * <p>Upstream: {@code balanced_resource_allocation.go} (v1.17). With the fractions {@code f =
 * requested / capacity} (a node without capacity counts as full, 1), the score is 0 when either
 * fraction is 1 or more, else {@code (long) ((1 − |f_cpu − f_mem|) × 100)} in double arithmetic.
 * The volume variant (three fractions, {@code 1 − variance}) is in {@link #score}, for upstream's
 * BalanceAttachedNodeVolumes gate; the priority never asks for it (see {@link
 * ResourceAllocationPriority}). The resource weights are ignored, as upstream's "todo" says.
 */
public final class BalancedResourceAllocation {

  private BalancedResourceAllocation() {}

  /** {@code balancedResourcePriority}; upstream registers its map as BalancedResourceAllocation. */
  public static final ResourceAllocationPriority BALANCED_RESOURCE_PRIORITY =
      new ResourceAllocationPriority(
          "BalancedResourceAllocation", BalancedResourceAllocation::balancedResourceScorer);

  /** {@code balancedResourceScorer} as the priority calls it: without the volume counts. */
  static long balancedResourceScorer(
      long cpuRequested, long cpuAllocatable, long memoryRequested, long memoryAllocatable) {
    return score(cpuRequested, cpuAllocatable, memoryRequested, memoryAllocatable, false, 0, 0);
  }

  /**
   * The balanced score of one node.
   *
   * @param includeVolumes use the three-fraction variance (upstream: the gate is on and the node
   *     has volume counts)
   */
  public static long score(
      long cpuRequested,
      long cpuAllocatable,
      long memoryRequested,
      long memoryAllocatable,
      boolean includeVolumes,
      int requestedVolumes,
      int allocatableVolumes) {
    double cpuFraction = fractionOfCapacity(cpuRequested, cpuAllocatable);
    double memoryFraction = fractionOfCapacity(memoryRequested, memoryAllocatable);
    if (cpuFraction >= 1 || memoryFraction >= 1) {
      // A node that is (or would be) full on one resource is never preferred.
      return 0;
    }
    if (includeVolumes && allocatableVolumes > 0) {
      double volumeFraction = (double) requestedVolumes / (double) allocatableVolumes;
      if (volumeFraction >= 1) {
        return 0;
      }
      double mean = (cpuFraction + memoryFraction + volumeFraction) / 3;
      double variance =
          (((cpuFraction - mean) * (cpuFraction - mean))
                  + ((memoryFraction - mean) * (memoryFraction - mean))
                  + ((volumeFraction - mean) * (volumeFraction - mean)))
              / 3;
      return (long) ((1 - variance) * (double) MAX_NODE_SCORE);
    }
    double diff = Math.abs(cpuFraction - memoryFraction);
    return (long) ((1 - diff) * (double) MAX_NODE_SCORE);
  }

  /** {@code requested / capacity}; a node without capacity counts as full. */
  static double fractionOfCapacity(long requested, long capacity) {
    if (capacity == 0) {
      return 1;
    }
    return (double) requested / (double) capacity;
  }
}
