package io.kubelab.scheduler.spread.exercises;

/**
 * Write it: SelectorSpreadPriority's reduce, from the map's counts and the nodes' zones alone.
 *
 * <p>Given, for every node that passed filtering, how many pods of the pod's Services and
 * controllers it runs (the map's output) and its zone key ("" for a node without a zone), return
 * every node's score on the 0..100 scale, exactly as v1.17's {@code CalculateSpreadPriorityReduce}
 * computes it (chapter 05, "The reduce: nodes, then zones"). The grading test is {@code
 * SelectorSpreadReduceExerciseTest}; run it with
 *
 * <pre>
 * ./mvnw -B -pl ch05-spread -am test -Pexercise -Dtest=SelectorSpreadReduceExerciseTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
public final class SelectorSpreadReduceExercise {

  private SelectorSpreadReduceExercise() {}

  /**
   * @param counts matching pods per node, in node order (never negative)
   * @param zones each node's zone key, in the same order; "" when the node has no zone
   * @return each node's score, 0..100, in the same order
   */
  public static long[] reduce(long[] counts, String[] zones) {
    throw new UnsupportedOperationException("exercise");
  }
}
