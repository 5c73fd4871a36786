package io.kubelab.scheduler.exercises;

import io.fabric8.kubernetes.api.model.Node;

/**
 * Exercise: which node updates should send unschedulable pods back to be tried again?
 *
 * <p>Implement {@link #nodeSchedulingPropertiesChange} as upstream's {@code
 * nodeSchedulingPropertiesChange} in {@code pkg/scheduler/eventhandlers.go} (v1.18): return the
 * name of the first of these changes that happened, in this order, or null for none:
 *
 * <ol>
 *   <li>{@code "NodeSpecUnschedulableChange"}: the node was cordoned and is not any more ({@code
 *       spec.unschedulable} turned from true to false; the other way round is no reason to retry);
 *   <li>{@code "NodeAllocatableChange"}: {@code status.allocatable} changed;
 *   <li>{@code "NodeLabelChange"}: the labels changed;
 *   <li>{@code "NodeTaintChange"}: {@code spec.taints} changed;
 *   <li>{@code "NodeConditionChange"}: some condition type now has another status (only type and
 *       status count: a heartbeat that moves {@code lastHeartbeatTime} changes nothing).
 * </ol>
 *
 * Treat an absent map or list like an empty one. Graded by {@code NodeEventsExerciseTest}.
 */
public final class NodeEvents {

  private NodeEvents() {}

  public static String nodeSchedulingPropertiesChange(Node newNode, Node oldNode) {
    throw new UnsupportedOperationException("exercise");
  }
}
