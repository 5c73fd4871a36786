package io.kubelab.scheduler.preemption.exercises;

import io.kubelab.scheduler.algorithm.Victims;
import java.time.Instant;
import java.util.Map;

/**
 * Write it: choose the node to preempt on, as upstream's {@code pickOneNodeForPreemption} does
 * (chapter 06, "Choosing the node"). {@code TieBreakExerciseTest} grades it.
 */
public final class TieBreak {

  private TieBreak() {}

  /**
   * The node to preempt on.
   *
   * @param nodesToVictims node name → the victims there (each list from the highest priority down);
   *     ties left after every criterion go to the first node in the map's order
   * @param now what a victim without {@code status.startTime} counts as having started at
   * @return the chosen node, or null when the map is empty
   */
  public static String pickOneNodeForPreemption(Map<String, Victims> nodesToVictims, Instant now) {
    throw new UnsupportedOperationException("exercise");
  }
}
