package io.kubelab.scheduler.priorities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.Generators;
import io.kubelab.scheduler.algorithm.PriorityMapFunction;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each resource scorer agrees with {@link ScoringOracle}'s direct computation from the raw pods and
 * nodes, over generated clusters: requests with and without CPU or memory (the non-zero defaults),
 * init containers and overhead, nodes with zero or absent allocatable, over-committed nodes. The
 * scores are compared with and without metadata.
 */
class ResourceScorerPropertyTest {

  /** The oracle's score of a pod on a node. */
  interface Reference {
    long score(ScoringOracle oracle, Pod pod, Node node);
  }

  private static void check(PriorityMapFunction priority, Reference reference, String name) {
    int[] checked = new int[2];
    qt().withFixedSeed(0x5c0_4e5L + name.hashCode())
        .withExamples(80)
        .withShrinkCycles(50)
        .forAll(ScoringGenerators.scenarios(1, 6, 0, 16), Generators.pods())
        .checkAssert(
            (s, extra) -> {
              Snapshot snapshot = Snapshot.of(s.bound(), s.nodes());
              ScoringOracle oracle = new ScoringOracle(s.nodes(), s.bound(), 1, false);
              List<Pod> incoming = new ArrayList<>(s.pending());
              incoming.add(extra);
              for (Pod pod : incoming) {
                PodPriorityMetadata meta =
                    new MetadataFactory().produce(pod, snapshot.list(), snapshot);
                for (NodeInfo ni : snapshot.list()) {
                  long expected = reference.score(oracle, pod, ni.node());
                  assertThat(priority.map(pod, null, ni))
                      .as("%s of %s on %s", name, pod.getMetadata().getName(), ni.nodeName())
                      .isEqualTo(expected);
                  assertThat(priority.map(pod, meta, ni)).isEqualTo(expected);
                  checked[0]++;
                  if (expected > 0 && expected < 100) {
                    checked[1]++;
                  }
                }
              }
            });
    // Scores strictly between the ends: the arithmetic was exercised, not only its corners.
    assertThat(checked[1]).isGreaterThan(checked[0] / 5);
  }

  @Test
  void leastRequestedMatchesTheReference() {
    check(LeastRequested.LEAST_RESOURCE_PRIORITY, ScoringOracle::leastRequested, "LeastRequested");
  }

  @Test
  void mostRequestedMatchesTheReference() {
    check(MostRequested.MOST_RESOURCE_PRIORITY, ScoringOracle::mostRequested, "MostRequested");
  }

  @Test
  void balancedResourceAllocationMatchesTheReference() {
    check(
        BalancedResourceAllocation.BALANCED_RESOURCE_PRIORITY, ScoringOracle::balanced, "Balanced");
  }

  @Test
  void theDefaultRequestedToCapacityRatioShapeMatchesTheReference() {
    check(
        RequestedToCapacityRatio.requestedToCapacityRatioResourceAllocationPriorityDefault(),
        ScoringOracle::requestedToCapacityRatioDefault,
        "RequestedToCapacityRatio");
  }
}
