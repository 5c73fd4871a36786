package io.kubelab.scheduler.predicates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.AlgorithmFactoryArgs;
import io.kubelab.scheduler.algorithm.FitPredicate;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Random sequences of {@code addPod}/{@code removePod} on one metadata object (the nominated pods
 * and preemption victims of ch02 and ch06), checked after every step against metadata computed from
 * scratch for the same set of pods, with every predicate's verdict on every node compared between
 * the two. A differential test: the reference is the producer itself, which shares the per-pod pair
 * computation with {@code addPod}; {@link MetadataTest} pins that computation with examples.
 */
class MetadataPropertyTest {

  static final long SEED = 0x5eed_c403L;

  /** A scenario, the incoming pod made demanding, and the indices of the pods to toggle. */
  record Case(PredicateGenerators.Scenario scenario, Pod incoming, List<Integer> ops) {
    @Override
    public String toString() {
      return "Case[incoming="
          + incoming.getMetadata().getName()
          + ", ops="
          + ops
          + ", "
          + scenario
          + "]";
    }
  }

  static Gen<Case> cases() {
    Gen<PredicateGenerators.Scenario> scenarios = PredicateGenerators.scenarios(1, 6, 6, 18);
    Gen<Case> g =
        in -> {
          PredicateGenerators.Scenario s = scenarios.generate(in);
          Pod incoming =
              s.pending().isEmpty() ? null : PredicateGenerators.sharpen(s.pending().get(0), in);
          List<Integer> ops = new ArrayList<>();
          for (int i = 0; i < 8; i++) {
            ops.add(Generate.range(0, 99).generate(in));
          }
          return new Case(s, incoming, ops);
        };
    return g.describedAs(Case::toString);
  }

  @Test
  void incrementalMetadataEqualsMetadataFromScratch() {
    qt().withFixedSeed(SEED)
        .withShrinkCycles(40)
        .withExamples(80)
        .forAll(cases())
        .assuming(c -> c.incoming() != null && !c.scenario().bound().isEmpty())
        .checkAssert(MetadataPropertyTest::check);
  }

  private static void check(Case c) {
    PredicateGenerators.Scenario s = c.scenario();
    Pod incoming = c.incoming();
    List<Pod> bound = s.bound();
    MetadataProducer producer = new MetadataProducer();
    Set<Pod> present = new LinkedHashSet<>(bound);
    PodPredicateMetadata meta =
        producer.produce(incoming, Snapshot.of(List.copyOf(present), s.nodes()));
    PodPredicateMetadata frozen = meta.shallowCopy();
    PodPredicateMetadata initial =
        producer.produce(incoming, Snapshot.of(List.copyOf(present), s.nodes()));
    List<String> ops = new ArrayList<>();
    for (int index : c.ops()) {
      Pod p = bound.get(index % bound.size());
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
          Predicates.all(
              new AlgorithmFactoryArgs(snap, 1, Map.of(VolumeListers.class, s.listers())),
              PredicateSettings.V1_17_DEFAULTS.withEvenPodsSpread(true));
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
