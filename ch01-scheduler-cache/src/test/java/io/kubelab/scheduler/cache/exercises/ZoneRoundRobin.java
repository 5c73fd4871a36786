package io.kubelab.scheduler.cache.exercises;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

  private final Map<String, List<String>> tree = new HashMap<>();
  private final Map<String, Integer> lastIndex = new HashMap<>();
  private final List<String> zones = new ArrayList<>();
  private int zoneIndex;

  public void add(String zone, String node) {
    if (!tree.containsKey(zone)) {
      zones.add(zone);
      tree.put(zone, new ArrayList<>());
      lastIndex.put(zone, 0);
    }
    tree.get(zone).add(node);
  }

  public String next() {
    if (zones.isEmpty()) {
      return "";
    }
    int exhausted = 0;
    while (true) {
      if (zoneIndex >= zones.size()) {
        zoneIndex = 0;
      }
      String zone = zones.get(zoneIndex++);
      int i = lastIndex.get(zone);
      List<String> nodes = tree.get(zone);
      if (i < nodes.size()) {
        lastIndex.put(zone, i + 1);
        return nodes.get(i);
      }
      // Exhausted, but asked again on every pass: a node added here is still found.
      if (++exhausted >= zones.size()) {
        lastIndex.replaceAll((z, x) -> 0);
        zoneIndex = 0;
        exhausted = 0;
      }
    }
  }
}
