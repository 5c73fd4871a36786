package io.kubelab.scheduler.cache.exercises;

/**
 * Write it: hand out node names one zone at a time, as upstream's {@code nodeTree.next()} does
 * (chapter 01, "NodeTree: zone round-robin"). {@code ZoneRoundRobinExerciseTest} grades it.
 *
 * <p>Zones come in the order they were first seen; within a zone, nodes in the order they were
 * added. Each call to {@link #next()} asks the next zone for its next node. A zone that has given
 * out all its nodes counts as exhausted for the round; once every zone is exhausted, all start over
 * from their first node. An exhausted zone is still asked on later calls, so a node added to it is
 * handed out before the next start-over.
 */
public final class ZoneRoundRobin {

  /**
   * Files {@code node} under {@code zone}; a zone seen for the first time goes last in the order.
   */
  public void add(String zone, String node) {
    throw new UnsupportedOperationException("exercise");
  }

  /** The next node name in zone round-robin order, or {@code ""} when there are no zones. */
  public String next() {
    throw new UnsupportedOperationException("exercise");
  }
}
