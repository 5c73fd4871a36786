package io.kubelab.scheduler.priorities;

import static io.kubelab.scheduler.algorithm.PriorityNames.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.scheduler.algorithm.GenericScheduler;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.algorithm.PriorityConfig;
import io.kubelab.scheduler.algorithm.PriorityMapFunction;
import io.kubelab.scheduler.algorithm.PriorityMetadata;
import io.kubelab.scheduler.algorithm.PriorityReduceFunction;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Chapter 02's parallel map/reduce ({@link GenericScheduler#prioritizeNodes}, three workers) run
 * with this chapter's priorities gives exactly the table a sequential computation gives, and each
 * node's total is the weighted sum of its column.
 *
 * <p>To see the whole table through the one list {@code prioritizeNodes} returns, the first
 * property weights row j with 101^j: every final score lies in 0..100, so the total is a number in
 * base 101 whose digits are the rows, and decoding it recovers the table cell by cell.
 */
class ResultsTablePropertyTest {

  private record Priority(String name, PriorityMapFunction map, PriorityReduceFunction reduce) {}

  private static final List<Priority> PRIORITIES =
      List.of(
          new Priority(LEAST_REQUESTED_PRIORITY, LeastRequested.LEAST_RESOURCE_PRIORITY, null),
          new Priority(MOST_REQUESTED_PRIORITY, MostRequested.MOST_RESOURCE_PRIORITY, null),
          new Priority(
              BALANCED_RESOURCE_ALLOCATION,
              BalancedResourceAllocation.BALANCED_RESOURCE_PRIORITY,
              null),
          new Priority(
              REQUESTED_TO_CAPACITY_RATIO_PRIORITY,
              RequestedToCapacityRatio.requestedToCapacityRatioResourceAllocationPriorityDefault(),
              null),
          new Priority(
              NODE_PREFER_AVOID_PODS_PRIORITY,
              NodePreferAvoidPods::calculateNodePreferAvoidPodsPriorityMap,
              null),
          new Priority(
              NODE_AFFINITY_PRIORITY,
              NodeAffinity::calculateNodeAffinityPriorityMap,
              NodeAffinity.CALCULATE_NODE_AFFINITY_PRIORITY_REDUCE),
          new Priority(
              TAINT_TOLERATION_PRIORITY,
              TaintToleration::computeTaintTolerationPriorityMap,
              TaintToleration.COMPUTE_TAINT_TOLERATION_PRIORITY_REDUCE),
          new Priority(IMAGE_LOCALITY_PRIORITY, ImageLocality::imageLocalityPriorityMap, null),
          new Priority(
              INTER_POD_AFFINITY_PRIORITY,
              InterPodAffinity::calculateInterPodAffinityPriorityMap,
              InterPodAffinity::calculateInterPodAffinityPriorityReduce));

  /** The table, row by row, the way a single thread would compute it. */
  private static long[][] sequential(
      Pod pod, PriorityMetadata meta, Snapshot snapshot, List<NodeInfo> nodes) {
    long[][] table = new long[PRIORITIES.size()][];
    for (int j = 0; j < PRIORITIES.size(); j++) {
      Priority p = PRIORITIES.get(j);
      NodeScoreList row = new NodeScoreList(nodes.stream().map(NodeInfo::nodeName).toList());
      for (int i = 0; i < nodes.size(); i++) {
        row.setScore(i, p.map().map(pod, meta, nodes.get(i)));
      }
      if (p.reduce() != null) {
        p.reduce().reduce(pod, meta, snapshot, row);
      }
      table[j] = row.scores();
    }
    return table;
  }

  private interface Check {
    void run(
        GenericScheduler scheduler, Pod pod, PriorityMetadata meta, Snapshot s, List<NodeInfo> n);
  }

  private static void forEveryPendingPod(long seed, long[] weights, Check check) {
    qt().withFixedSeed(seed)
        .withExamples(40)
        .withShrinkCycles(30)
        .forAll(ScoringGenerators.scenarios(1, 12, 0, 30))
        .checkAssert(
            s -> {
              List<PriorityConfig> configs = new ArrayList<>();
              for (int j = 0; j < PRIORITIES.size(); j++) {
                Priority p = PRIORITIES.get(j);
                configs.add(new PriorityConfig(p.name(), p.map(), p.reduce(), weights[j]));
              }
              Snapshot snapshot = new Snapshot();
              MetadataFactory factory = new MetadataFactory();
              try (SchedulerCache cache = new SchedulerCache(new FakeClock());
                  GenericScheduler scheduler =
                      GenericScheduler.builder(cache, snapshot)
                          .prioritizers(configs)
                          .priorityMetadataProducer(factory)
                          .parallelism(3)
                          .build()) {
                s.nodes().forEach(cache::addNode);
                s.bound().forEach(cache::addPod);
                cache.updateSnapshot(snapshot);
                List<NodeInfo> nodes = snapshot.list();
                for (Pod pod : s.pending()) {
                  check.run(scheduler, pod, factory.produce(pod, nodes, snapshot), snapshot, nodes);
                }
              }
            });
  }

  @Test
  void theParallelTableEqualsTheSequentialOneCellByCell() {
    long[] weights = new long[PRIORITIES.size()];
    long w = 1;
    for (int j = 0; j < weights.length; j++) {
      weights[j] = w;
      w *= 101;
    }
    forEveryPendingPod(
        0x7ab1eL,
        weights,
        (scheduler, pod, meta, snapshot, nodes) -> {
          NodeScoreList totals = scheduler.prioritizeNodes(pod, meta, nodes);
          long[][] expected = sequential(pod, meta, snapshot, nodes);
          for (int i = 0; i < nodes.size(); i++) {
            assertThat(totals.name(i)).isEqualTo(nodes.get(i).nodeName());
            long total = totals.score(i);
            for (int j = 0; j < PRIORITIES.size(); j++) {
              assertThat(total % 101)
                  .as(
                      "%s of %s on %s",
                      PRIORITIES.get(j).name(), pod.getMetadata().getName(), totals.name(i))
                  .isEqualTo(expected[j][i]);
              total /= 101;
            }
            assertThat(total).isZero();
          }
        });
  }

  @Test
  void theTotalIsTheWeightedSumWithUpstreamsWeights() {
    long[] weights = new long[PRIORITIES.size()];
    for (int j = 0; j < weights.length; j++) {
      weights[j] = Priorities.defaultWeight(PRIORITIES.get(j).name());
    }
    assertThat(weights).contains(10000L);
    forEveryPendingPod(
        0x5e1_9147L,
        weights,
        (scheduler, pod, meta, snapshot, nodes) -> {
          NodeScoreList totals = scheduler.prioritizeNodes(pod, meta, nodes);
          long[][] table = sequential(pod, meta, snapshot, nodes);
          for (int i = 0; i < nodes.size(); i++) {
            long sum = 0;
            for (int j = 0; j < PRIORITIES.size(); j++) {
              sum += weights[j] * table[j][i];
            }
            assertThat(totals.score(i)).isEqualTo(sum);
          }
        });
  }

  @Test
  void withoutPrioritiesEveryNodeScoresOne() {
    Snapshot snapshot =
        Snapshot.of(
            List.of(), List.of(TestSupport.makeNode("a", 1, 1), TestSupport.makeNode("b", 1, 1)));
    try (SchedulerCache cache = new SchedulerCache(new FakeClock());
        GenericScheduler scheduler = GenericScheduler.builder(cache, snapshot).build()) {
      assertThat(TestSupport.scores(scheduler.prioritizeNodes(null, null, snapshot.list())))
          .isEqualTo(Map.of("a", 1L, "b", 1L));
    }
  }
}
