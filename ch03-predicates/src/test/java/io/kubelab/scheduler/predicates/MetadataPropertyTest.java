package io.kubelab.scheduler.predicates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.FitPredicate;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/**
 * Model-based: random sequences of {@code addPod}/{@code removePod} on one metadata object, checked
 * after every step against metadata computed from scratch for the same set of pods, and every
 * predicate's verdict on every node compared between the two.
 */
class MetadataPropertyTest {

  static final long SEED = 0x5eed_c403L;

  @Test
  void incrementalMetadataEqualsMetadataFromScratch() {
    qt().withFixedSeed(SEED)
        .withShrinkCycles(30)
        .withExamples(80)
        .forAll(PredicateGenerators.scenarios(1, 6, 6, 18), Generate.longRange(0, Long.MAX_VALUE))
        .assuming((s, opsSeed) -> !s.pending().isEmpty() && !s.bound().isEmpty())
        .checkAssert(MetadataPropertyTest::check);
  }

  private static void check(PredicateGenerators.Scenario s, long opsSeed) {
    Random r = new Random(opsSeed);
    Pod incoming = PredicateGenerators.sharpen(s.pending().get(0), r);
    List<Pod> bound = s.bound();
    MetadataProducer producer = new MetadataProducer();
    Set<Pod> present = new LinkedHashSet<>(bound);
    PodPredicateMetadata meta =
        producer.produce(incoming, Snapshot.of(List.copyOf(present), s.nodes()));
    PodPredicateMetadata frozen = meta.shallowCopy();
    PodPredicateMetadata initial =
        producer.produce(incoming, Snapshot.of(List.copyOf(present), s.nodes()));
    List<String> ops = new ArrayList<>();
    for (int step = 0; step < 8; step++) {
      Pod p = bound.get(r.nextInt(bound.size()));
      Node node = s.node(p.getSpec().getNodeName());
      if (present.remove(p)) {
        meta.removePod(p, node);
        ops.add("-" + p.getMetadata().getName());
      } else {
        present.add(p);
        meta.addPod(p, node);
        ops.add("+" + p.getMetadata().getName());
      }
      Snapshot snap = Snapshot.of(List.copyOf(present), s.nodes());
      PodPredicateMetadata scratch = producer.produce(incoming, snap);
      assertThat(meta).as("after %s", ops).isEqualTo(scratch);
      Map<String, FitPredicate> predicates =
          Predicates.all(() -> snap, PredicateGenerators.listers());
      for (NodeInfo ni : snap.list()) {
        for (Map.Entry<String, FitPredicate> e : predicates.entrySet()) {
          assertThat(e.getValue().check(incoming, meta, ni))
              .as("%s on %s after %s", e.getKey(), ni.nodeName(), ops)
              .isEqualTo(e.getValue().check(incoming, scratch, ni));
        }
      }
    }
    assertThat(frozen).as("a shallow copy is independent of later updates").isEqualTo(initial);
  }
}
