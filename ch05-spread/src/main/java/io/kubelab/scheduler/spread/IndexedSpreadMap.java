package io.kubelab.scheduler.spread;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.Predicate;

/**
 * A {@link PodTopologySpreadMap} in arrays: what {@code buildPodTopologySpreadMap} computes, read
 * through a {@link PodClassIndex} kept across cycles, with every per-node and per-pair value in an
 * array indexed by node position or by label number instead of a map keyed by names and label
 * values.
 *
 * <ul>
 *   <li>A topology pair is (key number, value number) of the index's numbered node labels; its
 *       count is {@code counts[key][value]}, and {@code paired[key][value]} says that some eligible
 *       filtered node has it (upstream's {@code initialize}).
 *   <li>The eligible nodes are a boolean per filtered position (upstream's {@code nodeNameSet}).
 *   <li>The map's answer for each node is computed here, once, into {@code scoreByNode} by the
 *       node's position in the snapshot's list; the map function finds the position by identity.
 * </ul>
 *
 * <p>Upstream's {@code processNode} runs under {@code workqueue.ParallelizeUntil(16,
 * len(allNodes))}; the per-node work here (reading a node's pairs, checking its node selector,
 * counting its matching pods) runs on the scheduler's workers too, each worker writing only its own
 * nodes' slots, and the sums per pair are taken afterwards on the calling thread.
 */
final class IndexedSpreadMap {

  private final PodClassIndex.View view;
  private final Snapshot snapshot;
  private final List<NodeInfo> filtered;
  private final boolean[] eligible;
  private final long[] scoreByNode;
  private final String[] keys;
  private final int[] keyIds;
  private final long[][] counts;
  private final boolean[][] paired;

  private IndexedSpreadMap(
      PodClassIndex.View view,
      Snapshot snapshot,
      List<NodeInfo> filtered,
      boolean[] eligible,
      long[] scoreByNode,
      String[] keys,
      int[] keyIds,
      long[][] counts,
      boolean[][] paired) {
    this.view = view;
    this.snapshot = snapshot;
    this.filtered = filtered;
    this.eligible = eligible;
    this.scoreByNode = scoreByNode;
    this.keys = keys;
    this.keyIds = keyIds;
    this.counts = counts;
    this.paired = paired;
  }

  /**
   * Builds the arrays for {@code pod}'s soft {@code constraints}; null when a filtered node is not
   * one of {@code allNodes} (the very NodeInfo), in which case the caller builds the direct way.
   *
   * @param filteredNodes kept, not copied: the caller does not change it while the map is in use
   * @param allNodes {@code snapshot.list()}
   */
  static IndexedSpreadMap build(
      Pod pod,
      List<PodTopologySpreadMap.Constraint> constraints,
      List<NodeInfo> filteredNodes,
      Snapshot snapshot,
      List<NodeInfo> allNodes,
      PodClassIndex index,
      Parallelizer workers) {
    // The distinct keys (constraints with the same key share their pairs).
    List<String> keyList = new ArrayList<>();
    int[] keyOf = new int[constraints.size()];
    for (int j = 0; j < keyOf.length; j++) {
      String key = constraints.get(j).topologyKey();
      int k = keyList.indexOf(key);
      if (k < 0) {
        k = keyList.size();
        keyList.add(key);
      }
      keyOf[j] = k;
    }
    PodClassIndex.View view = index.refresh(allNodes, allNodes.size(), workers, keyList);
    int n = allNodes.size();
    int[] filteredAt = new int[filteredNodes.size()];
    for (int i = 0; i < filteredAt.length; i++) {
      NodeInfo ni = filteredNodes.get(i);
      filteredAt[i] = view.current(ni);
      if (filteredAt[i] < 0) {
        return null;
      }
    }
    String[] keys = keyList.toArray(new String[0]);
    int[] keyIds = new int[keys.length];
    int[][] domains = new int[keys.length][];
    long[][] counts = new long[keys.length][];
    boolean[][] paired = new boolean[keys.length][];
    for (int k = 0; k < keys.length; k++) {
      keyIds[k] = view.keyId(keys[k]);
      domains[k] = view.domains(keys[k]);
      int values = keyIds[k] < 0 ? 0 : view.valueCount(keyIds[k]);
      counts[k] = new long[values];
      paired[k] = new boolean[values];
    }
    // initialize: the eligible filtered nodes and their pairs.
    boolean[] eligible = new boolean[filteredAt.length];
    for (int i = 0; i < filteredAt.length; i++) {
      if (hasEveryKey(domains, filteredAt[i])) {
        eligible[i] = true;
        for (int k = 0; k < keys.length; k++) {
          paired[k][domains[k][filteredAt[i]]] = true;
        }
      }
    }
    // Each constraint's verdict on each kind of pod, asked once.
    String namespace = SelectorSpread.namespace(pod);
    List<boolean[]> matching = new ArrayList<>(constraints.size());
    for (PodTopologySpreadMap.Constraint c : constraints) {
      matching.add(
          view.matching(
              c.selector().requirements(),
              k ->
                  PodTopologySpreadMap.counts(
                      c, false, namespace, k.namespace(), k.terminating(), k.labels())));
    }
    // processNode, per node on the workers: its matching pods per constraint, into its own slots
    // (-1: the node is not counted).
    Predicate<Node> nodeSelectorAndAffinity =
        PodTopologySpreadMap.podMatchesNodeSelectorAndAffinityTerms(pod);
    int m = constraints.size();
    int[] countOf = new int[m * n];
    IntConsumer processNode =
        a -> {
          if (!hasEveryKey(domains, a) || !nodeSelectorAndAffinity.test(allNodes.get(a).node())) {
            countOf[a] = -1;
            return;
          }
          PodClassIndex.NodeEntry e = view.entry(a);
          for (int j = 0; j < m; j++) {
            // A pair no eligible node has is never read: skip counting it.
            countOf[j * n + a] =
                paired[keyOf[j]][domains[keyOf[j]][a]]
                    ? (int) PodClassIndex.View.count(e, matching.get(j))
                    : 0;
          }
        };
    if (workers != null && workers.workers() > 1 && n >= PodClassIndex.PARALLEL_MIN_NODES) {
      workers.until(null, n, processNode);
    } else {
      for (int a = 0; a < n; a++) {
        processNode.accept(a);
      }
    }
    for (int a = 0; a < n; a++) {
      if (countOf[a] < 0) {
        continue;
      }
      for (int j = 0; j < m; j++) {
        int k = keyOf[j];
        counts[k][domains[k][a]] += countOf[j * n + a];
      }
    }
    // The map's answer per node: the counts of its pairs, one term per constraint.
    long[] scoreByNode = new long[n];
    for (int i = 0; i < filteredAt.length; i++) {
      if (!eligible[i]) {
        continue;
      }
      int a = filteredAt[i];
      long score = 0;
      for (int j = 0; j < m; j++) {
        score += counts[keyOf[j]][domains[keyOf[j]][a]];
      }
      scoreByNode[a] = score;
    }
    return new IndexedSpreadMap(
        view, snapshot, filteredNodes, eligible, scoreByNode, keys, keyIds, counts, paired);
  }

  /**
   * Whether the node at position {@code a} has every key (upstream's {@code
   * nodeLabelsMatchSpreadConstraints}); a node without a node, or a key no node has, has none.
   */
  private static boolean hasEveryKey(int[][] domains, int a) {
    for (int[] column : domains) {
      if (column[a] < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The map's score of {@code nodeInfo}, or -1 when it is not a NodeInfo this map was built from
   * (another object for the node, or the same one changed since).
   */
  long score(NodeInfo nodeInfo) {
    int a = view.current(nodeInfo);
    return a < 0 ? -1 : scoreByNode[a];
  }

  /**
   * Eligibility by position in {@code result}; null unless {@code result} names exactly the
   * filtered nodes, in order, and {@code snapshot} is the one the map was built from.
   */
  boolean[] eligibleInOrder(Snapshot snapshot, NodeScoreList result) {
    if (snapshot != this.snapshot || result.size() != filtered.size()) {
      return null;
    }
    for (int i = 0; i < eligible.length; i++) {
      if (!result.name(i).equals(filtered.get(i).nodeName())) {
        return null;
      }
    }
    return eligible;
  }

  /** The names and per-(key, value) counts upstream keeps, drawn from the arrays. */
  PodTopologySpreadMap.ByName byName(List<PodTopologySpreadMap.Constraint> constraints) {
    PodTopologySpreadMap.ByName b = new PodTopologySpreadMap.ByName(constraints);
    for (int i = 0; i < eligible.length; i++) {
      if (eligible[i]) {
        b.nodeNameSet.add(filtered.get(i).node().getMetadata().getName());
      }
    }
    for (int k = 0; k < keys.length; k++) {
      Map<String, long[]> values = b.countsByKey.get(keys[k]);
      for (int d = 0; d < paired[k].length; d++) {
        if (paired[k][d]) {
          values.put(view.labelValue(keyIds[k], d), new long[] {counts[k][d]});
        }
      }
    }
    return b;
  }
}
