package io.kubelab.scheduler.spread;

import static io.kubelab.scheduler.algorithm.NodeScoreList.MAX_NODE_SCORE;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.algorithm.PriorityMetadata;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.priorities.PodPriorityMetadata;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * SelectorSpreadPriority: prefer the nodes, and the zones, that run the fewest pods of the pod's
 * own Services and controllers, so that losing one node or one zone loses as few replicas as
 * possible.
 *
 * <p>Upstream: {@code SelectorSpread}, {@code CalculateSpreadPriorityMap}, {@code
 * CalculateSpreadPriorityReduce} and {@code countMatchingPods} in {@code
 * pkg/scheduler/algorithm/priorities/selector_spreading.go} (v1.17); the v1.18 plugin {@code
 * DefaultPodTopologySpread} runs the same three steps as PreScore (the selector), Score (the count)
 * and NormalizeScore (the reduce), and calls the same functions here.
 *
 * <ul>
 *   <li><b>Map</b>: the number of pods on the node in the pod's namespace, not being deleted, that
 *       match {@link SpreadSelector#defaultSelector} (taken from the metadata when there is some).
 *   <li><b>Reduce</b>: {@code 100 × (maxByNode − count) / maxByNode} per node; when some of the
 *       scored nodes have a zone, two thirds of a zoned node's score come from its zone instead,
 *       {@code 100 × (maxByZone − zoneCount) / maxByZone}, zone counts summed over the scored nodes
 *       only. Floating point, truncated at the end, as upstream.
 * </ul>
 */
public final class SelectorSpread {

  /** {@code zoneWeighting}: 2/3 of a zoned node's score is its zone's. */
  public static final double ZONE_WEIGHTING = 2.0 / 3.0;

  /** What the reduce's formula gives a zoned node when every count is 0 (the maximum). */
  static final long ALL_ZERO_ZONED_SCORE =
      (long) ((MAX_NODE_SCORE * (1.0 - ZONE_WEIGHTING)) + (ZONE_WEIGHTING * MAX_NODE_SCORE));

  private final SpreadListers listers;

  /**
   * {@code NewSelectorSpreadPriority}.
   *
   * @param listers what selects a pod; used only when the priority runs without metadata
   */
  public SelectorSpread(SpreadListers listers) {
    this.listers = Objects.requireNonNull(listers, "listers");
  }

  /**
   * {@code CalculateSpreadPriorityMap}: matching pods on the node; through the metadata's index
   * when there is metadata.
   */
  public long calculateSpreadPriorityMap(Pod pod, PriorityMetadata meta, NodeInfo nodeInfo) {
    requireNode(nodeInfo);
    if (meta instanceof PodPriorityMetadata m) {
      PodSelectorCounts counts = m.part(SpreadMetadata.POD_SELECTOR);
      return counts == null ? 0 : counts.countMatchingPods(nodeInfo);
    }
    return countMatchingPods(
        namespace(pod), SpreadSelector.defaultSelector(pod, listers), nodeInfo);
  }

  /**
   * {@code countMatchingPods}: pods of {@code nodeInfo} in {@code namespace}, without a deletion
   * timestamp, matching {@code selector}. An empty selector counts nothing.
   */
  public static int countMatchingPods(
      String namespace, SpreadSelector selector, NodeInfo nodeInfo) {
    List<Pod> pods = nodeInfo.pods();
    if (pods.isEmpty() || selector == null || selector.isEmpty()) {
      return 0;
    }
    int count = 0;
    for (Pod p : pods) {
      // Pods being deleted are going away: spreading against them would be wrong.
      if (namespace.equals(namespace(p))
          && p.getMetadata().getDeletionTimestamp() == null
          && selector.matches(p.getMetadata().getLabels())) {
        count++;
      }
    }
    return count;
  }

  /**
   * {@code CalculateSpreadPriorityReduce}: node and zone counts to scores. The nodes of {@code
   * result} are the ones that passed filtering: only they count for their zones.
   *
   * @throws io.kubelab.scheduler.cache.Cache.CacheException for a node the snapshot does not have
   */
  public static void calculateSpreadPriorityReduce(
      Pod pod, PriorityMetadata meta, Snapshot snapshot, NodeScoreList result) {
    calculateSpreadPriorityReduce(
        meta instanceof PodPriorityMetadata m ? m.part(SpreadMetadata.POD_SELECTOR) : null,
        snapshot,
        result);
  }

  /**
   * {@code CalculateSpreadPriorityReduce} with the zones {@code counts} numbered once for the
   * filtered nodes; when there are none, or {@code result} does not list exactly those nodes, each
   * node's zone key is read from {@code snapshot}.
   *
   * @throws io.kubelab.scheduler.cache.Cache.CacheException for a node the snapshot does not have
   */
  public static void calculateSpreadPriorityReduce(
      PodSelectorCounts counts, Snapshot snapshot, NodeScoreList result) {
    int[] zones = counts == null ? null : counts.zones(result);
    if (zones != null) {
      reduce(result, zones, counts.zoneCount());
      return;
    }
    if (result.maxScore() == 0 && ALL_ZERO_ZONED_SCORE == MAX_NODE_SCORE) {
      // No node runs a matching pod: every node count and every zone count is 0, so every node,
      // zoned or not, scores the maximum, without building a zone key. Upstream still looks
      // every node up, and fails on one the snapshot lacks; so does this.
      for (int i = 0; i < result.size(); i++) {
        if (result.nodeInfo(i) == null) {
          snapshot.get(result.name(i)); // a node the list came with is the snapshot's
        }
        result.setScore(i, MAX_NODE_SCORE);
      }
      return;
    }
    // Without the counts' zones: each node's zone key from the snapshot, numbered here.
    zones = new int[result.size()];
    Map<String, Integer> ids = new HashMap<>();
    for (int i = 0; i < zones.length; i++) {
      NodeInfo ni = result.nodeInfo(i) != null ? result.nodeInfo(i) : snapshot.get(result.name(i));
      String zone = Zones.getZoneKey(ni.node());
      zones[i] = zone.isEmpty() ? -1 : ids.computeIfAbsent(zone, z -> ids.size());
    }
    reduce(result, zones, ids.size());
  }

  /**
   * The reduce over numbered zones: {@code zones[i]} is node i's zone, below {@code zoneCount}, or
   * -1 for a node without one.
   */
  private static void reduce(NodeScoreList result, int[] zones, int zoneCount) {
    int n = result.size();
    long[] countsByZone = new long[zoneCount];
    long maxCountByNodeName = 0;
    for (int i = 0; i < n; i++) {
      long score = result.score(i);
      maxCountByNodeName = Math.max(maxCountByNodeName, score);
      if (zones[i] >= 0) {
        countsByZone[zones[i]] += score;
      }
    }
    long maxCountByZone = 0;
    for (long c : countsByZone) {
      maxCountByZone = Math.max(maxCountByZone, c);
    }
    double maxNodeScore = MAX_NODE_SCORE;
    for (int i = 0; i < n; i++) {
      double fScore = maxNodeScore;
      if (maxCountByNodeName > 0) {
        fScore =
            maxNodeScore
                * ((double) (maxCountByNodeName - result.score(i)) / (double) maxCountByNodeName);
      }
      // Upstream asks haveZones first; a node with a zone implies it.
      if (zones[i] >= 0) {
        double zoneScore = maxNodeScore;
        if (maxCountByZone > 0) {
          zoneScore =
              maxNodeScore
                  * ((double) (maxCountByZone - countsByZone[zones[i]]) / (double) maxCountByZone);
        }
        fScore = (fScore * (1.0 - ZONE_WEIGHTING)) + (ZONE_WEIGHTING * zoneScore);
      }
      result.setScore(i, (long) fScore);
    }
  }

  /** A pod's namespace as upstream compares it: the field itself, "" when unset. */
  static String namespace(Pod pod) {
    String ns = pod.getMetadata() == null ? null : pod.getMetadata().getNamespace();
    return ns == null ? "" : ns;
  }

  static Node requireNode(NodeInfo nodeInfo) {
    Node node = nodeInfo.node();
    if (node == null) {
      throw new IllegalStateException("node not found");
    }
    return node;
  }

  @Override
  public String toString() {
    return "SelectorSpread{" + listers + "}";
  }
}
