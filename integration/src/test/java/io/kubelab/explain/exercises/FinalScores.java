package io.kubelab.explain.exercises;

import java.util.Map;

/**
 * Write it: the final scores from the simulator's {@code finalscore-result} annotation. The
 * annotation maps node → plugin → the plugin's normalised score times its weight, as a decimal
 * string; a node's final score is the sum over its plugins, and the node the scheduler chose is one
 * with the highest sum (selectHost breaks ties at random).
 *
 * <p>Return node → sum, in any order. A value that is not a decimal integer is bad input: throw
 * {@link IllegalArgumentException} naming the node and the plugin.
 */
public final class FinalScores {
  private FinalScores() {}

  public static Map<String, Long> of(Map<String, Map<String, String>> finalScoreResult) {
    throw new UnsupportedOperationException("exercise");
  }
}
