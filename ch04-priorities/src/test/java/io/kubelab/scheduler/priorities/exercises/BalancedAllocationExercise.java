package io.kubelab.scheduler.priorities.exercises;

/**
 * Write it: BalancedResourceAllocation's score, from the numbers alone.
 *
 * <p>Given what a node would have requested (the pod included) and what it can allocate, for CPU
 * (milli-cores) and memory (bytes), return the node's balanced score on the 0..100 scale, exactly
 * as v1.17's {@code balancedResourceScorer} computes it (chapter 04, "BalancedResourceAllocation").
 * The grading test is {@code BalancedAllocationExerciseTest}; run it with
 *
 * <pre>
 * ./mvnw -B -pl ch04-priorities -am test -Pexercise -Dtest=BalancedAllocationExerciseTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
public final class BalancedAllocationExercise {

  private BalancedAllocationExercise() {}

  /**
   * @param cpuRequested milli-CPU the node's pods and the new pod request
   * @param cpuAllocatable milli-CPU the node can allocate (may be 0)
   * @param memoryRequested bytes requested
   * @param memoryAllocatable bytes the node can allocate (may be 0)
   * @return the score, 0..100
   */
  public static long score(
      long cpuRequested, long cpuAllocatable, long memoryRequested, long memoryAllocatable) {
    throw new UnsupportedOperationException("exercise");
  }
}
