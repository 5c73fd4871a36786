package io.kubelab.scheduler.preemption;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.Victims;
import java.time.Instant;
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
    // The candidates by position in the map's order; each criterion keeps, in place and in
    // order, those tied on its best value. Positions, not names: no criterion looks a node up.
    int n = nodesToVictims.size();
    String[] names = new String[n];
    Victims[] victims = new Victims[n];
    int[] tied = new int[n];
    int count = 0;

    long minNumPDBViolatingPods = Integer.MAX_VALUE;
    int at = 0;
    for (Map.Entry<String, Victims> e : nodesToVictims.entrySet()) {
      Victims v = e.getValue();
      if (v.pods().isEmpty()) {
        // Pods terminated between the scheduling attempt and now: nothing needs evicting.
        return e.getKey();
      }
      names[at] = e.getKey();
      victims[at] = v;
      long numPDBViolatingPods = v.numPDBViolations();
      if (numPDBViolatingPods < minNumPDBViolatingPods) {
        minNumPDBViolatingPods = numPDBViolatingPods;
        count = 0;
      }
      if (numPDBViolatingPods == minNumPDBViolatingPods) {
        tied[count++] = at;
      }
      at++;
    }
    if (count == 0) {
      // Upstream starts from MaxInt32 too, keeps no node, and panics on the empty list later.
      throw new IllegalArgumentException(
          "every candidate node has more than " + Integer.MAX_VALUE + " PDB violations");
    }
    if (count == 1) {
      return names[tied[0]];
    }

    int minHighestPriority = Integer.MAX_VALUE;
    int kept = 0;
    for (int k = 0; k < count; k++) {
      int c = tied[k];
      int highestPodPriority = PodOrder.priority(victims[c].pods().get(0));
      if (highestPodPriority < minHighestPriority) {
        minHighestPriority = highestPodPriority;
        kept = 0;
      }
      if (highestPodPriority == minHighestPriority) {
        tied[kept++] = c;
      }
    }
    count = kept;
    if (count == 1) {
      return names[tied[0]];
    }

    long minSumPriorities = Long.MAX_VALUE;
    kept = 0;
    for (int k = 0; k < count; k++) {
      int c = tied[k];
      long sumPriorities = 0;
      for (Pod pod : victims[c].pods()) {
        sumPriorities += PodOrder.priority(pod) + PRIORITY_SHIFT;
      }
      if (sumPriorities < minSumPriorities) {
        minSumPriorities = sumPriorities;
        kept = 0;
      }
      if (sumPriorities == minSumPriorities) {
        tied[kept++] = c;
      }
    }
    count = kept;
    if (count == 1) {
      return names[tied[0]];
    }

    int minNumPods = Integer.MAX_VALUE;
    kept = 0;
    for (int k = 0; k < count; k++) {
      int c = tied[k];
      int numPods = victims[c].pods().size();
      if (numPods < minNumPods) {
        minNumPods = numPods;
        kept = 0;
      }
      if (numPods == minNumPods) {
        tied[kept++] = c;
      }
    }
    count = kept;
    if (count == 1) {
      return names[tied[0]];
    }

    // Every victim list here is non-empty, so the earliest start time always exists.
    int nodeToReturn = tied[0];
    Instant latestStartTime = PodOrder.earliestPodStartTime(victims[nodeToReturn], now);
    for (int k = 1; k < count; k++) {
      int c = tied[k];
      Instant earliestStartTimeOnNode = PodOrder.earliestPodStartTime(victims[c], now);
      if (earliestStartTimeOnNode.isAfter(latestStartTime)) {
        latestStartTime = earliestStartTimeOnNode;
        nodeToReturn = c;
      }
    }
    return names[nodeToReturn];
  }
}
