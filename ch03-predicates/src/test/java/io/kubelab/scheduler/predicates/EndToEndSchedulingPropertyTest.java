package io.kubelab.scheduler.predicates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.scheduler.algorithm.AlgorithmConfig;
import io.kubelab.scheduler.algorithm.AlgorithmFactoryArgs;
import io.kubelab.scheduler.algorithm.AlgorithmRegistry;
import io.kubelab.scheduler.algorithm.Configurator;
import io.kubelab.scheduler.algorithm.FitError;
import io.kubelab.scheduler.algorithm.GenericScheduler;
import io.kubelab.scheduler.algorithm.ScheduleResult;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * End to end with ch02: every predicate v1.17 registers (EvenPodsSpread with its gate on),
 * registered through {@link Predicates#registerAll}, in one provider, run by ch02's {@link
 * GenericScheduler} over ch01's {@link SchedulerCache}. Each pending pod of a generated cluster
 * (for half the clusters: every pod, starting from empty nodes) is scheduled in turn and bound.
 *
 * <p>Both verdicts are checked against {@link SchedulingOracle}: a placement must break no rule
 * given the pods placed before it; an unschedulable pod must break at least one rule on every node
 * (the clusters have fewer than 100 nodes, so the scheduler examines them all). This found a CSI
 * limit of 0 being ignored.
 */
class EndToEndSchedulingPropertyTest {

  static final String PROVIDER = "Ch03AllPredicates";
  static final PredicateSettings GATE_ON =
      PredicateSettings.V1_17_DEFAULTS.withEvenPodsSpread(true);

  @Test
  void everyVerdictAgreesWithTheOracle() {
    int[] placedTotal = {0};
    int[] unschedulableTotal = {0};
    qt().withFixedSeed(0xe2e_c403L)
        .withShrinkCycles(40)
        .withExamples(60)
        .forAll(PredicateGenerators.scenarios(2, 8, 8, 24))
        .checkAssert(
            s -> {
              int[] r = scheduleAll(s);
              placedTotal[0] += r[0];
              unschedulableTotal[0] += r[1];
            });
    System.out.println(
        "end-to-end: placed " + placedTotal[0] + ", unschedulable " + unschedulableTotal[0]);
    // The property is only worth something if both outcomes happen often.
    assertThat(placedTotal[0]).isGreaterThan(100);
    assertThat(unschedulableTotal[0]).isGreaterThan(20);
  }

  /** Schedules the pending pods in order; returns {placed, unschedulable}. */
  static int[] scheduleAll(PredicateGenerators.Scenario s) {
    AlgorithmRegistry registry = new AlgorithmRegistry();
    Predicates.registerAll(registry, GATE_ON);
    Snapshot snapshot = new Snapshot();
    AlgorithmFactoryArgs args =
        new AlgorithmFactoryArgs(snapshot, 1, Map.of(VolumeListers.class, s.listers()));
    Set<String> all = Predicates.all(args, GATE_ON).keySet();
    registry.registerAlgorithmProvider(PROVIDER, all, Set.of());
    AlgorithmConfig config = new Configurator(registry, args).createFromProvider(PROVIDER);
    assertThat(config.predicates().keySet()).isEqualTo(all);
    SchedulingOracle oracle = new SchedulingOracle(s);
    List<Pod> initial = s.fromScratch() ? List.of() : s.bound();
    List<Pod> queue =
        s.fromScratch()
            ? s.pods().stream()
                .map(p -> new PodBuilder(p).editSpec().withNodeName(null).endSpec().build())
                .toList()
            : s.pending();
    List<Pod> placed = new ArrayList<>(initial);
    int ok = 0;
    int unschedulable = 0;
    try (SchedulerCache cache = new SchedulerCache(new FakeClock());
        GenericScheduler scheduler =
            GenericScheduler.builder(cache, snapshot)
                .algorithm(config)
                .random(new Random(7))
                .parallelism(1)
                .build()) {
      s.nodes().forEach(cache::addNode);
      initial.forEach(cache::addPod);
      for (Pod pod : queue) {
        ScheduleResult result;
        try {
          result = scheduler.schedule(pod);
        } catch (FitError e) {
          for (Node n : s.nodes()) {
            assertThat(oracle.violations(pod, n, placed))
                .as(
                    "%s refused on %s for %s, yet it breaks no rule there",
                    pod.getMetadata().getName(),
                    n.getMetadata().getName(),
                    e.failedPredicates().get(n.getMetadata().getName()))
                .isNotEmpty();
          }
          unschedulable++;
          continue;
        }
        Node node = s.node(result.suggestedHost());
        assertThat(oracle.violations(pod, node, placed))
            .as(
                "%s placed on %s after %s",
                pod.getMetadata().getName(), result.suggestedHost(), placed.size())
            .isEmpty();
        Pod bound =
            new PodBuilder(pod).editSpec().withNodeName(result.suggestedHost()).endSpec().build();
        cache.addPod(bound);
        placed.add(bound);
        ok++;
      }
    }
    return new int[] {ok, unschedulable};
  }
}
