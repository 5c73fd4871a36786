package io.kubelab.scheduler.algorithm.exercises;

import io.kubelab.scheduler.algorithm.NodeScoreList;
import java.util.random.RandomGenerator;

/**
 * Write it: pick the node to run on from the scored list, as upstream's {@code selectHost} does
 * (chapter 02, "selectHost: reservoir sampling"). {@code SelectHostExerciseTest} grades it.
 */
public final class SelectHost {

  private SelectHost() {}

  /**
   * One of the nodes with the highest score, each of them with the same probability, in one pass
   * over the list and without collecting the tied nodes first.
   *
   * @param list node names and their total scores
   * @param random the only source of randomness to use
   * @return the chosen node's name
   * @throws IllegalArgumentException {@code empty priorityList} for an empty list
   */
  public static String selectHost(NodeScoreList list, RandomGenerator random) {
    throw new UnsupportedOperationException("exercise");
  }
}
