package io.kubelab.scheduler.cache;

import io.fabric8.kubernetes.api.model.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Node names grouped by zone, handed out round-robin across zones so that consecutive picks spread
 * over failure domains.
 *
 * <p>Upstream: {@code pkg/scheduler/internal/cache/node_tree.go} (v1.18) and {@code GetZoneKey} in
 * {@code pkg/util/node/node.go}. Not thread-safe: the {@link SchedulerCache} lock guards it.
 *
 * <p>{@link #next()} takes one node from each zone in turn, in the order zones were first seen. A
 * zone that runs out is counted as exhausted and skipped; when every zone is exhausted, all zones
 * are reset and the walk starts over. Exhausted zones are still asked for a node on every pass
 * (rather than remembered and skipped), so a node added to an exhausted zone is picked up in the
 * same cycle.
 */
final class NodeTree {

  private static final Logger LOG = Logger.getLogger(NodeTree.class.getName());

  /** {@code failure-domain.beta.kubernetes.io/zone}, read first in v1.18. */
  static final String LABEL_ZONE_FAILURE_DOMAIN = "failure-domain.beta.kubernetes.io/zone";

  /** {@code failure-domain.beta.kubernetes.io/region}, read first in v1.18. */
  static final String LABEL_ZONE_REGION = "failure-domain.beta.kubernetes.io/region";

  /** {@code topology.kubernetes.io/zone}, the stable label, the fallback in v1.18. */
  static final String LABEL_ZONE_FAILURE_DOMAIN_STABLE = "topology.kubernetes.io/zone";

  /** {@code topology.kubernetes.io/region}, the stable label, the fallback in v1.18. */
  static final String LABEL_ZONE_REGION_STABLE = "topology.kubernetes.io/region";

  /** One zone's nodes and how far the current cycle has gone through them. */
  private static final class NodeArray {
    final List<String> nodes = new ArrayList<>();
    int lastIndex;

    /** The next node, or null with {@code exhausted} set when the cycle passed the end. */
    String next(boolean[] exhausted) {
      if (nodes.isEmpty()) {
        // Upstream logs and returns ("", false): an empty name that is not "exhausted".
        LOG.severe("The nodeArray is empty. It should have been deleted from NodeTree.");
        exhausted[0] = false;
        return "";
      }
      if (lastIndex >= nodes.size()) {
        exhausted[0] = true;
        return null;
      }
      exhausted[0] = false;
      return nodes.get(lastIndex++);
    }
  }

  private final Map<String, NodeArray> tree = new HashMap<>();
  private final List<String> zones = new ArrayList<>();
  private int zoneIndex;
  private int numNodes;
  // Not upstream: counts membership changes (add, remove, zone move) so that a snapshot can tell
  // that its node order is stale even when its set of names did not change. See updateSnapshot.
  private long version;

  /**
   * The zone key of a node: {@code region + ":\0:" + zone}, or "" when both are empty (upstream's
   * {@code GetZoneKey}). The beta {@code failure-domain} labels win when present (even if empty);
   * the stable {@code topology} labels are the fallback. The NUL guards against a colon in a name.
   */
  static String zoneKey(Node node) {
    Map<String, String> labels = node.getMetadata() == null ? null : node.getMetadata().getLabels();
    if (labels == null) {
      return "";
    }
    String zone =
        labels.containsKey(LABEL_ZONE_FAILURE_DOMAIN)
            ? labels.get(LABEL_ZONE_FAILURE_DOMAIN)
            : labels.getOrDefault(LABEL_ZONE_FAILURE_DOMAIN_STABLE, "");
    String region =
        labels.containsKey(LABEL_ZONE_REGION)
            ? labels.get(LABEL_ZONE_REGION)
            : labels.getOrDefault(LABEL_ZONE_REGION_STABLE, "");
    zone = zone == null ? "" : zone;
    region = region == null ? "" : region;
    if (region.isEmpty() && zone.isEmpty()) {
      return "";
    }
    return region + ":\0:" + zone;
  }

  /** Adds a node to its zone; a name already in that zone is logged and ignored. */
  void addNode(Node n) {
    String zone = zoneKey(n);
    String name = n.getMetadata().getName();
    NodeArray na = tree.get(zone);
    if (na != null) {
      if (na.nodes.contains(name)) {
        LOG.warning(() -> "node \"" + name + "\" already exist in the NodeTree");
        return;
      }
      na.nodes.add(name);
    } else {
      zones.add(zone);
      na = new NodeArray();
      na.nodes.add(name);
      tree.put(zone, na);
    }
    LOG.fine(() -> "Added node \"" + name + "\" in group \"" + printable(zone) + "\" to NodeTree");
    numNodes++;
    version++;
  }

  /** True when the node's name is in the zone its labels name. */
  boolean contains(Node n) {
    NodeArray na = tree.get(zoneKey(n));
    return na != null && na.nodes.contains(n.getMetadata().getName());
  }

  /**
   * Removes a node from the zone its labels name; a zone left empty is removed.
   *
   * @throws Cache.CacheException {@code node "x" in group "z" was not found}
   */
  void removeNode(Node n) {
    String zone = zoneKey(n);
    String name = n.getMetadata().getName();
    NodeArray na = tree.get(zone);
    if (na != null && na.nodes.remove(name)) {
      if (na.nodes.isEmpty()) {
        tree.remove(zone);
        zones.remove(zone);
      }
      LOG.fine(() -> "Removed node \"" + name + "\" in group \"" + printable(zone) + "\"");
      numNodes--;
      version++;
      return;
    }
    throw notFound(n);
  }

  /** Upstream's error for a node that is not in the zone its labels name. */
  Cache.CacheException notFound(Node n) {
    String msg =
        "node \""
            + n.getMetadata().getName()
            + "\" in group \""
            + printable(zoneKey(n))
            + "\" was not found";
    LOG.log(Level.SEVERE, msg);
    return new Cache.CacheException(msg);
  }

  /** Moves a node to its new zone if the zone key changed; a missing old entry is ignored. */
  void updateNode(Node oldNode, Node newNode) {
    String oldZone = oldNode == null ? "" : zoneKey(oldNode);
    String newZone = zoneKey(newNode);
    // A node's name cannot change in an update, so only a zone change matters.
    if (!oldZone.equals(newZone)) {
      if (oldNode != null) {
        try {
          removeNode(oldNode);
        } catch (Cache.CacheException ignored) {
          // Upstream ignores whether the old node was there.
        }
      }
      addNode(newNode);
    }
  }

  /** Starts a new cycle: every zone from its first node, from the first zone. */
  void resetExhausted() {
    for (NodeArray na : tree.values()) {
      na.lastIndex = 0;
    }
    zoneIndex = 0;
  }

  /**
   * The next node name in zone round-robin order; "" when the tree is empty. After every node was
   * returned once, the next call starts a new cycle.
   */
  String next() {
    if (zones.isEmpty()) {
      return "";
    }
    int numExhaustedZones = 0;
    boolean[] exhausted = new boolean[1];
    while (true) {
      if (zoneIndex >= zones.size()) {
        zoneIndex = 0;
      }
      String zone = zones.get(zoneIndex);
      zoneIndex++;
      // Exhausted zones are asked again on purpose: a node added since is picked up.
      String name = tree.get(zone).next(exhausted);
      if (!exhausted[0]) {
        return name;
      }
      numExhaustedZones++;
      if (numExhaustedZones >= zones.size()) {
        resetExhausted();
      }
    }
  }

  int numNodes() {
    return numNodes;
  }

  long version() {
    return version;
  }

  /** Zone keys in the order they were first seen (for dumps and tests). */
  List<String> zones() {
    return List.copyOf(zones);
  }

  /** The nodes of one zone, in insertion order (for tests). */
  List<String> nodesOf(String zone) {
    NodeArray na = tree.get(zone);
    return na == null ? List.of() : List.copyOf(na.nodes);
  }

  /** A zone key with its NUL shown as {@code \0}, for messages. */
  static String printable(String zoneKey) {
    return zoneKey.replace("\0", "\\0");
  }
}
