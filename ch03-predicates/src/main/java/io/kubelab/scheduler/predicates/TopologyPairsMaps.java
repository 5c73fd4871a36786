package io.kubelab.scheduler.predicates;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Topology pair → pods in it, kept together with its inverse, pod → pairs, so that removing a pod
 * (a preemption victim) costs only the pairs that pod is in.
 *
 * <p>Upstream: {@code topologyPairsMaps} in {@code pkg/scheduler/algorithm/predicates/metadata.go}
 * (v1.17). Pods are identified by their full name, {@code name_namespace}, as upstream's {@code
 * GetPodFullName} does. A pair whose last pod leaves disappears, so {@link #isEmpty()} means "no
 * pod anywhere", which the self-affinity exception relies on.
 */
final class TopologyPairsMaps {

  private final Map<TopologyPair, Set<String>> topologyPairToPods = new HashMap<>();
  private final Map<String, Set<TopologyPair>> podToTopologyPairs = new HashMap<>();

  TopologyPairsMaps() {}

  void addTopologyPair(TopologyPair pair, String podFullName) {
    topologyPairToPods.computeIfAbsent(pair, k -> new HashSet<>()).add(podFullName);
    podToTopologyPairs.computeIfAbsent(podFullName, k -> new HashSet<>()).add(pair);
  }

  void removePod(String podFullName) {
    Set<TopologyPair> pairs = podToTopologyPairs.remove(podFullName);
    if (pairs == null) {
      return;
    }
    for (TopologyPair pair : pairs) {
      Set<String> pods = topologyPairToPods.get(pair);
      pods.remove(podFullName);
      if (pods.isEmpty()) {
        topologyPairToPods.remove(pair);
      }
    }
  }

  void appendMaps(TopologyPairsMaps other) {
    other.topologyPairToPods.forEach(
        (pair, pods) -> {
          for (String p : pods) {
            addTopologyPair(pair, p);
          }
        });
  }

  boolean containsPair(TopologyPair pair) {
    return topologyPairToPods.containsKey(pair);
  }

  boolean isEmpty() {
    return topologyPairToPods.isEmpty();
  }

  TopologyPairsMaps copy() {
    TopologyPairsMaps c = new TopologyPairsMaps();
    c.appendMaps(this);
    return c;
  }

  /** A sorted, printable view: pair → sorted pod names. */
  Map<String, Set<String>> asSortedMap() {
    Map<String, Set<String>> m = new TreeMap<>();
    topologyPairToPods.forEach((pair, pods) -> m.put(pair.toString(), new TreeSet<>(pods)));
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TopologyPairsMaps t && t.topologyPairToPods.equals(topologyPairToPods);
  }

  @Override
  public int hashCode() {
    return topologyPairToPods.hashCode();
  }

  @Override
  public String toString() {
    return asSortedMap().toString();
  }
}
