package io.kubelab.scheduler.predicates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.scheduler.algorithm.AlgorithmConfig;
import io.kubelab.scheduler.algorithm.AlgorithmFactoryArgs;
import io.kubelab.scheduler.algorithm.AlgorithmRegistry;
import io.kubelab.scheduler.algorithm.Configurator;
import io.kubelab.scheduler.algorithm.GenericScheduler;
import io.kubelab.scheduler.algorithm.PredicateFailureReason;
import io.kubelab.scheduler.algorithm.PredicateMetadata;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Stopping at the first failing predicate (the default) versus {@code alwaysCheckAllPredicates}, in
 * ch02's {@link GenericScheduler#podFitsOnNode} with every predicate of this chapter: the verdict
 * is the same; the short list of reasons is a prefix of the full one, and is exactly the reasons of
 * the first predicate, in {@link Predicates#ORDERING}, that fails on its own.
 */
class ShortCircuitPropertyTest {

  static final PredicateSettings GATE_ON =
      PredicateSettings.V1_17_DEFAULTS.withEvenPodsSpread(true);

  @Test
  void shortCircuitingChangesOnlyTheReasons() {
    int[] failures = {0};
    qt().withFixedSeed(0xc403_5c1bL)
        .withShrinkCycles(40)
        .withExamples(100)
        .forAll(PredicateGenerators.scenarios(1, 8, 2, 20))
        .checkAssert(s -> failures[0] += check(s));
    // Vacuous unless nodes fail, and fail for more than one reason.
    assertThat(failures[0]).isGreaterThan(100);
  }

  private static int check(PredicateGenerators.Scenario s) {
    Snapshot snap = Snapshot.of(s.bound(), s.nodes());
    AlgorithmFactoryArgs args =
        new AlgorithmFactoryArgs(snap, 1, Map.of(VolumeListers.class, s.listers()));
    AlgorithmRegistry registry = new AlgorithmRegistry();
    Predicates.registerAll(registry, GATE_ON);
    registry.registerAlgorithmProvider("All", Predicates.all(args, GATE_ON).keySet(), Set.of());
    AlgorithmConfig config = new Configurator(registry, args).createFromProvider("All");
    int failures = 0;
    try (SchedulerCache cache = new SchedulerCache(new FakeClock());
        GenericScheduler first =
            GenericScheduler.builder(cache, snap).algorithm(config).parallelism(1).build();
        GenericScheduler all =
            GenericScheduler.builder(cache, snap)
                .algorithm(config)
                .alwaysCheckAllPredicates(true)
                .parallelism(1)
                .build()) {
      for (Pod pod : s.pending().stream().limit(3).toList()) {
        PredicateMetadata meta = config.predicateMetadataProducer().produce(pod, snap);
        for (NodeInfo ni : snap.list()) {
          PredicateResult short_ = first.podFitsOnNode(pod, meta, ni);
          PredicateResult full = all.podFitsOnNode(pod, meta, ni);
          String what = pod.getMetadata().getName() + " on " + ni.nodeName();
          assertThat(short_.fits()).as(what).isEqualTo(full.fits());
          assertThat(full.reasons())
              .as(what)
              .startsWith(short_.reasons().toArray(PredicateFailureReason[]::new));
          assertThat(short_.reasons()).as(what).isEqualTo(firstFailure(config, pod, meta, ni));
          if (!full.fits()) {
            failures++;
          }
        }
      }
    }
    return failures;
  }

  /** The reasons of the first predicate in the ordering that fails on its own. */
  private static List<PredicateFailureReason> firstFailure(
      AlgorithmConfig config, Pod pod, PredicateMetadata meta, NodeInfo ni) {
    for (String name : Predicates.ORDERING) {
      var p = config.predicates().get(name);
      if (p != null) {
        PredicateResult r = p.check(pod, meta, ni);
        if (!r.fits()) {
          return r.reasons();
        }
      }
    }
    return List.of();
  }
}
