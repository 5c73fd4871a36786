package io.kubelab.scheduler.spread;

import io.kubelab.scheduler.cache.NodeInfo;
import java.util.List;

/**
 * Where each NodeInfo of one list is, found by the object itself: the map functions are handed a
 * NodeInfo, and the metadata keeps what it computed per node in arrays indexed by position.
 *
 * <p>Upstream has no such table: its map functions look nodes up by name in Go maps. Here a lookup
 * by identity reads one slot of one array, where a lookup by name hashes the name and follows a
 * chain of entries. Open addressing with linear probing over a table at most two thirds full;
 * immutable once built, so the scheduler's workers may read it at once. A NodeInfo that is not in
 * the list (another object for the same node, say a clone) is not found: callers then take their
 * by-name path.
 */
final class NodePositions {

  private final NodeInfo[] keys;
  private final int[] positions;
  private final int mask;
  private final int size;

  /** The positions of {@code nodes}; for a NodeInfo listed twice, the first. */
  NodePositions(List<NodeInfo> nodes) {
    // The smallest power of two of at least 1.5 × the nodes: always a free slot to end a probe.
    int n = nodes.size();
    int capacity = Integer.highestOneBit(Math.max(4, n + (n >> 1)) - 1) << 1;
    this.keys = new NodeInfo[capacity];
    this.positions = new int[capacity];
    this.mask = capacity - 1;
    this.size = nodes.size();
    for (int i = 0; i < nodes.size(); i++) {
      NodeInfo ni = nodes.get(i);
      if (ni == null) {
        continue;
      }
      int slot = slot(ni);
      while (keys[slot] != null && keys[slot] != ni) {
        slot = (slot + 1) & mask;
      }
      if (keys[slot] == null) {
        keys[slot] = ni;
        positions[slot] = i;
      }
    }
  }

  /** The position of {@code nodeInfo} (this very object) in the list, or -1. */
  int get(NodeInfo nodeInfo) {
    if (nodeInfo == null) {
      return -1;
    }
    int slot = slot(nodeInfo);
    for (NodeInfo k = keys[slot]; k != null; k = keys[slot]) {
      if (k == nodeInfo) {
        return positions[slot];
      }
      slot = (slot + 1) & mask;
    }
    return -1;
  }

  /** The length of the list the table was built from. */
  int size() {
    return size;
  }

  private int slot(NodeInfo ni) {
    // Identity hash codes are not well spread in their low bits: mix them first.
    int h = System.identityHashCode(ni) * 0x9E3779B9;
    return (h ^ (h >>> 16)) & mask;
  }
}
