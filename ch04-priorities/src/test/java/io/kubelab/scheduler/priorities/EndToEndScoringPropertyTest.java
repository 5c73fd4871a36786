package io.kubelab.scheduler.priorities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.scheduler.algorithm.AlgorithmConfig;
import io.kubelab.scheduler.algorithm.AlgorithmFactoryArgs;
import io.kubelab.scheduler.algorithm.AlgorithmProviders;
import io.kubelab.scheduler.algorithm.AlgorithmRegistry;
import io.kubelab.scheduler.algorithm.Configurator;
import io.kubelab.scheduler.algorithm.FitError;
import io.kubelab.scheduler.algorithm.GenericScheduler;
import io.kubelab.scheduler.algorithm.PredicateMetadata;
import io.kubelab.scheduler.algorithm.ScheduleResult;
import io.kubelab.scheduler.algorithm.policy.Policies;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.predicates.Predicates;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * End to end with chapters 02 and 03: a Policy of chapter 03's predicates and this chapter's share
 * of the DefaultProvider priorities, built by chapter 02's Configurator and run by its
 * GenericScheduler over chapter 01's cache. Every pending pod of a generated cluster is scheduled
 * in turn and bound; each choice must be a feasible node whose combined score, recomputed by the
 * independent {@link ScoringOracle}, is the highest among all feasible nodes.
 *
 * <p>Feasibility is chapter 03's verdict ({@code podFitsOnNode} with its metadata); what is checked
 * here is the scoring, the weights and {@code selectHost}.
 */
class EndToEndScoringPropertyTest {

  static final String POLICY =
      """
      {"kind": "Policy", "apiVersion": "v1",
       "predicates": [
         {"name": "CheckNodeUnschedulable"}, {"name": "GeneralPredicates"},
         {"name": "PodToleratesNodeTaints"}, {"name": "NoDiskConflict"},
         {"name": "MatchInterPodAffinity"}
       ],
       "priorities": [
         {"name": "InterPodAffinityPriority", "weight": 1},
         {"name": "LeastRequestedPriority", "weight": 1},
         {"name": "BalancedResourceAllocation", "weight": 1},
         {"name": "NodePreferAvoidPodsPriority", "weight": 10000},
         {"name": "NodeAffinityPriority", "weight": 1},
         {"name": "TaintTolerationPriority", "weight": 1},
         {"name": "ImageLocalityPriority", "weight": 1}
       ]}""";

  @Test
  void theChosenNodeHasTheHighestCombinedScoreAmongFeasibleNodes() {
    int[] totals = new int[3];
    qt().withFixedSeed(0xe2e_c404L)
        .withExamples(50)
        .withShrinkCycles(30)
        .forAll(ScoringGenerators.schedulableScenarios(2, 8, 6, 24))
        .checkAssert(
            s -> {
              int[] r = scheduleAll(s);
              for (int i = 0; i < 3; i++) {
                totals[i] += r[i];
              }
            });
    System.out.println(
        "end-to-end: placed "
            + totals[0]
            + " (with a choice among several feasible nodes: "
            + totals[2]
            + "), unschedulable "
            + totals[1]);
    // Worth something only if many placements had a real choice to make.
    assertThat(totals[2]).isGreaterThan(100);
    assertThat(totals[1]).isGreaterThan(10);
  }

  /** Returns {placed, unschedulable, placed with more than one feasible node}. */
  static int[] scheduleAll(ScoringGenerators.Scenario s) {
    AlgorithmRegistry registry = new AlgorithmRegistry();
    AlgorithmProviders.registerAll(registry);
    Predicates.registerAll(registry);
    Priorities.registerAll(registry);
    Snapshot snapshot = new Snapshot();
    AlgorithmConfig config =
        new Configurator(registry, AlgorithmFactoryArgs.of(snapshot))
            .createFromConfig(Policies.parse(POLICY));
    // Half the clusters start empty and every pod goes through the scheduler: more placements,
    // and later pods meet the affinity and the images of earlier ones.
    boolean fromScratch = s.nodes().size() % 2 == 0;
    List<Pod> placed = new ArrayList<>(fromScratch ? List.of() : s.bound());
    List<Pod> queue =
        fromScratch
            ? s.pods().stream()
                .map(p -> new PodBuilder(p).editSpec().withNodeName(null).endSpec().build())
                .toList()
            : s.pending();
    int[] r = new int[3];
    try (SchedulerCache cache = new SchedulerCache(new FakeClock());
        GenericScheduler scheduler =
            GenericScheduler.builder(cache, snapshot)
                .algorithm(config)
                .random(new Random(placed.size()))
                .parallelism(2)
                .build()) {
      s.nodes().forEach(cache::addNode);
      placed.forEach(cache::addPod);
      for (Pod pod : queue) {
        ScheduleResult result;
        try {
          result = scheduler.schedule(pod);
        } catch (FitError e) {
          r[1]++;
          continue;
        }
        // The snapshot is the one the decision was made on: nothing changed since.
        PredicateMetadata predicateMeta = config.predicateMetadataProducer().produce(pod, snapshot);
        List<Node> feasible = new ArrayList<>();
        for (NodeInfo ni : snapshot.list()) {
          if (scheduler.podFitsOnNode(pod, predicateMeta, ni).fits()) {
            feasible.add(ni.node());
          }
        }
        assertThat(feasible)
            .extracting(n -> n.getMetadata().getName())
            .contains(result.suggestedHost());
        if (feasible.size() > 1) {
          Map<String, Long> score =
              new ScoringOracle(s.nodes(), Collections.unmodifiableList(placed), 1, true)
                  .totals(pod, feasible);
          long best = score.values().stream().mapToLong(Long::longValue).max().orElseThrow();
          assertThat(score.get(result.suggestedHost()))
              .as(
                  "%s on %s among %s after %d placements",
                  pod.getMetadata().getName(), result.suggestedHost(), score, placed.size())
              .isEqualTo(best);
          r[2]++;
        }
        Pod bound =
            new PodBuilder(pod).editSpec().withNodeName(result.suggestedHost()).endSpec().build();
        cache.addPod(bound);
        placed.add(bound);
        r[0]++;
      }
    }
    return r;
  }
}
