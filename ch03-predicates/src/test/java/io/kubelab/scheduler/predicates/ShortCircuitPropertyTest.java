package io.kubelab.scheduler.predicates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.FitPredicate;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Stopping at the first failing predicate (the default) versus {@code alwaysCheckAllPredicates}:
 * the verdict is the same; the reasons are a prefix of the full list.
 */
class ShortCircuitPropertyTest {

  @Test
  void shortCircuitingChangesOnlyTheReasons() {
    qt().withFixedSeed(0xc403_5c1bL)
        .withShrinkCycles(30)
        .withExamples(100)
        .forAll(PredicateGenerators.scenarios(1, 8, 2, 20))
        .checkAssert(
            s -> {
              Snapshot snap = Snapshot.of(s.bound(), s.nodes());
              Map<String, FitPredicate> predicates =
                  Predicates.all(() -> snap, PredicateGenerators.listers());
              MetadataProducer producer = new MetadataProducer();
              List<Pod> candidates = s.pending().stream().limit(3).toList();
              for (Pod pod : candidates) {
                PodPredicateMetadata meta = producer.produce(pod, snap);
                for (NodeInfo ni : snap.list()) {
                  PredicateResult all = FitChecks.podFitsOnNode(pod, meta, ni, predicates, true);
                  PredicateResult first = FitChecks.podFitsOnNode(pod, meta, ni, predicates, false);
                  assertThat(first.fits())
                      .as("%s on %s", pod.getMetadata().getName(), ni.nodeName())
                      .isEqualTo(all.fits());
                  assertThat(all.reasons())
                      .startsWith(
                          first
                              .reasons()
                              .toArray(
                                  new io.kubelab.scheduler.algorithm.PredicateFailureReason[0]));
                }
              }
            });
  }
}
