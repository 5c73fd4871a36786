package io.kubelab.scheduler.spread;

import static io.kubelab.scheduler.algorithm.NodeScoreList.MAX_NODE_SCORE;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.algorithm.PriorityMetadata;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.priorities.PodPriorityMetadata;

/**
 * EvenPodsSpreadPriority: the soft ({@code ScheduleAnyway}) topology spread constraints. A node
 * scores the matching pods of its topology pairs, summed over the constraints; the reduce turns
 * "fewest" into "best".
 *
 * <p>Upstream: {@code CalculateEvenPodsSpreadPriorityMap} and {@code
 * CalculateEvenPodsSpreadPriorityReduce} in {@code
 * pkg/scheduler/algorithm/priorities/even_pods_spread.go} (v1.17), registered only with the
 * EvenPodsSpread feature gate (alpha, off, in v1.17); in v1.18 the {@code PodTopologySpread}
 * plugin's Score and NormalizeScore. Without metadata (or without soft constraints) every node maps
 * to 0 and the reduce leaves the scores alone.
 *
 * <p>Reduce: over the eligible nodes, {@code total} = the sum of their scores and {@code min} the
 * smallest; if {@code total − min} is 0 every node gets 100 (ineligible ones too); otherwise an
 * ineligible node gets 0 and an eligible one {@code 100 × (total − score) / (total − min)},
 * truncated.
 */
public final class EvenPodsSpreadPriority {

  private EvenPodsSpreadPriority() {}

  /** {@code CalculateEvenPodsSpreadPriorityMap}. */
  public static long calculateEvenPodsSpreadPriorityMap(
      Pod pod, PriorityMetadata meta, NodeInfo nodeInfo) {
    SelectorSpread.requireNode(nodeInfo);
    PodTopologySpreadMap m = spreadMap(meta);
    return m == null ? 0 : m.mapScore(nodeInfo);
  }

  /**
   * {@code CalculateEvenPodsSpreadPriorityReduce}.
   *
   * @throws io.kubelab.scheduler.cache.Cache.CacheException for a node the snapshot does not have
   */
  public static void calculateEvenPodsSpreadPriorityReduce(
      Pod pod, PriorityMetadata meta, Snapshot snapshot, NodeScoreList result) {
    PodTopologySpreadMap m = spreadMap(meta);
    if (m == null) {
      return;
    }
    reduce(m, snapshot, result);
  }

  /**
   * The reduce over a built map; also v1.18's {@code PodTopologySpread} NormalizeScore.
   *
   * @throws io.kubelab.scheduler.cache.Cache.CacheException for a node the snapshot does not have
   */
  public static void reduce(PodTopologySpreadMap m, Snapshot snapshot, NodeScoreList result) {
    long minScore = Long.MAX_VALUE;
    long total = 0;
    // The filtered nodes of the snapshot the map was built from, in order: eligibility by
    // position, and every node known to the snapshot. Otherwise by name, and looked up.
    boolean[] inOrder = m.eligibleInOrder(snapshot, result);
    boolean[] eligible = inOrder != null ? inOrder : new boolean[result.size()];
    for (int i = 0; i < result.size(); i++) {
      if (inOrder == null) {
        eligible[i] = m.isEligible(result.name(i));
      }
      if (!eligible[i]) {
        continue;
      }
      total += result.score(i);
      minScore = Math.min(minScore, result.score(i));
    }
    long maxMinDiff = total - minScore;
    for (int i = 0; i < result.size(); i++) {
      if (inOrder == null) {
        // Upstream looks every node up, failing for one the snapshot does not have.
        snapshot.get(result.name(i));
      }
      if (maxMinDiff == 0) {
        result.setScore(i, MAX_NODE_SCORE);
        continue;
      }
      if (!eligible[i]) {
        result.setScore(i, 0);
        continue;
      }
      long flippedScore = total - result.score(i);
      double fScore = (double) MAX_NODE_SCORE * ((double) flippedScore / (double) maxMinDiff);
      result.setScore(i, (long) fScore);
    }
  }

  private static PodTopologySpreadMap spreadMap(PriorityMetadata meta) {
    return meta instanceof PodPriorityMetadata m
        ? m.part(SpreadMetadata.POD_TOPOLOGY_SPREAD_MAP)
        : null;
  }
}
