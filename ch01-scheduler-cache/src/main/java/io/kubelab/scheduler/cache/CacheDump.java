package io.kubelab.scheduler.cache;

import java.util.Map;
import java.util.Set;

/**
 * A copy of the cache's contents for debugging: every NodeInfo by node name (ghosts included, as
 * clones) and the keys of the assumed pods.
 *
 * <p>Upstream: {@code Dump} in {@code pkg/scheduler/internal/cache/interface.go} (v1.18), filled by
 * {@code schedulerCache.Dump()}.
 *
 * @param nodes node name → a clone of its NodeInfo, sorted by name
 * @param assumedPods the UIDs of the pods in the Assumed state
 */
public record CacheDump(Map<String, NodeInfo> nodes, Set<String> assumedPods) {
  public CacheDump {
    nodes = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(nodes));
    assumedPods = Set.copyOf(assumedPods);
  }
}
