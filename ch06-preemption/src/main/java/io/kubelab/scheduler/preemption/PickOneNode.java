package io.kubelab.scheduler.preemption;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.Victims;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Chooses the node to preempt on among the nodes where preemption would make the pod fit.
 *
 * <p>Upstream: {@code pickOneNodeForPreemption} in {@code pkg/scheduler/core/generic_scheduler.go}
 * (v1.17). The criteria, each applied only to the nodes tied on all earlier ones:
 *
 * <ol>
 *   <li>a node that needs no victims at all is returned at once;
 *   <li>the fewest PodDisruptionBudget violations;
 *   <li>the lowest priority of the first victim ({@code Pods[0]}: the victims are listed from the
 *       highest priority down within each PDB group, so this is the highest-priority victim unless
 *       PDB-violating victims come first);
 *   <li>the lowest sum of victim priorities, each shifted by {@code MaxInt32 + 1} so that many
 *       negative-priority victims do not beat a few of the same priority;
 *   <li>the fewest victims;
 *   <li>the latest "earliest start time among the highest-priority victims" (disturb the pods that
 *       have run for the shortest time);
 *   <li>the first node left, in the map's iteration order.
 * </ol>
 *
 * <p>Public for chapter 08, whose framework-driven preemption picks with it.
 */
public final class PickOneNode {

  private PickOneNode() {}

  /** The shift that makes every int32 priority non-negative: {@code MaxInt32 + 1}. */
  static final long PRIORITY_SHIFT = (long) Integer.MAX_VALUE + 1;

  /**
   * @param nodesToVictims node name → victims, in the order ties are broken by
   * @param now what a victim without a start time counts as having started at
   * @return the chosen node's name, or null when the map is empty
   */
  public static String pickOneNodeForPreemption(Map<String, Victims> nodesToVictims, Instant now) {
    if (nodesToVictims.isEmpty()) {
      return null;
    }
    long minNumPDBViolatingPods = Integer.MAX_VALUE;
    List<String> minNodes1 = new ArrayList<>();
    for (Map.Entry<String, Victims> e : nodesToVictims.entrySet()) {
      Victims victims = e.getValue();
      if (victims.pods().isEmpty()) {
        // Pods terminated between the scheduling attempt and now: nothing needs evicting.
        return e.getKey();
      }
      long numPDBViolatingPods = victims.numPDBViolations();
      if (numPDBViolatingPods < minNumPDBViolatingPods) {
        minNumPDBViolatingPods = numPDBViolatingPods;
        minNodes1.clear();
      }
      if (numPDBViolatingPods == minNumPDBViolatingPods) {
        minNodes1.add(e.getKey());
      }
    }
    if (minNodes1.size() == 1) {
      return minNodes1.get(0);
    }

    int minHighestPriority = Integer.MAX_VALUE;
    List<String> minNodes2 = new ArrayList<>();
    for (String node : minNodes1) {
      int highestPodPriority = PodOrder.priority(nodesToVictims.get(node).pods().get(0));
      if (highestPodPriority < minHighestPriority) {
        minHighestPriority = highestPodPriority;
        minNodes2.clear();
      }
      if (highestPodPriority == minHighestPriority) {
        minNodes2.add(node);
      }
    }
    if (minNodes2.size() == 1) {
      return minNodes2.get(0);
    }

    long minSumPriorities = Long.MAX_VALUE;
    minNodes1.clear();
    for (String node : minNodes2) {
      long sumPriorities = 0;
      for (Pod pod : nodesToVictims.get(node).pods()) {
        sumPriorities += PodOrder.priority(pod) + PRIORITY_SHIFT;
      }
      if (sumPriorities < minSumPriorities) {
        minSumPriorities = sumPriorities;
        minNodes1.clear();
      }
      if (sumPriorities == minSumPriorities) {
        minNodes1.add(node);
      }
    }
    if (minNodes1.size() == 1) {
      return minNodes1.get(0);
    }

    int minNumPods = Integer.MAX_VALUE;
    minNodes2.clear();
    for (String node : minNodes1) {
      int numPods = nodesToVictims.get(node).pods().size();
      if (numPods < minNumPods) {
        minNumPods = numPods;
        minNodes2.clear();
      }
      if (numPods == minNumPods) {
        minNodes2.add(node);
      }
    }
    if (minNodes2.size() == 1) {
      return minNodes2.get(0);
    }

    // Every victim list here is non-empty, so the earliest start time always exists.
    String nodeToReturn = minNodes2.get(0);
    Instant latestStartTime = PodOrder.earliestPodStartTime(nodesToVictims.get(nodeToReturn), now);
    for (int i = 1; i < minNodes2.size(); i++) {
      String node = minNodes2.get(i);
      Instant earliestStartTimeOnNode =
          PodOrder.earliestPodStartTime(nodesToVictims.get(node), now);
      if (earliestStartTimeOnNode.isAfter(latestStartTime)) {
        latestStartTime = earliestStartTimeOnNode;
        nodeToReturn = node;
      }
    }
    return nodeToReturn;
  }
}
