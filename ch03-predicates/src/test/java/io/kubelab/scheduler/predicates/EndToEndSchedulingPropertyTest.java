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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * End to end with ch02: every predicate registered through {@link Predicates#registerAll}, a
 * provider of all of them, ch02's {@link GenericScheduler} over ch01's {@link SchedulerCache}. Each
 * pending pod of a generated cluster (for half the clusters: every pod, starting from empty nodes)
 * is scheduled in turn and bound; every placement is checked by {@link SchedulingOracle} against
 * the pods placed before it. This test found that a CSI limit of 0 was being ignored.
 */
class EndToEndSchedulingPropertyTest {

  static final String PROVIDER = "Ch03AllPredicates";

  @Test
  void scheduledPodsNeverViolateAPredicate() {
    int[] placedTotal = {0};
    int[] unschedulableTotal = {0};
    qt().withFixedSeed(0xe2e_c403L)
        .withShrinkCycles(30)
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
    Predicates.registerAll(registry);
    Set<String> all = new HashSet<>(Predicates.all(() -> null, VolumeListers.NONE).keySet());
    registry.registerAlgorithmProvider(PROVIDER, all, Set.of());
    Snapshot snapshot = new Snapshot();
    AlgorithmFactoryArgs args =
        new AlgorithmFactoryArgs(
            snapshot, 1, Map.of(VolumeListers.class, PredicateGenerators.listers()));
    AlgorithmConfig config = new Configurator(registry, args).createFromProvider(PROVIDER);
    assertThat(config.predicates().keySet()).isEqualTo(all);
    SchedulingOracle oracle = new SchedulingOracle(s.nodes());
    // Half the time start from the generated bindings, half from an empty cluster where every pod
    // goes through the scheduler (more placements, and pods meet the affinity of earlier ones).
    boolean fromScratch = s.seed() % 2 == 0;
    List<Pod> initial = fromScratch ? List.of() : s.bound();
    List<Pod> queue =
        fromScratch
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
                .random(new Random(s.seed()))
                .parallelism(1)
                .build()) {
      s.nodes().forEach(cache::addNode);
      initial.forEach(cache::addPod);
      for (Pod pod : queue) {
        ScheduleResult result;
        try {
          result = scheduler.schedule(pod);
        } catch (FitError e) {
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
