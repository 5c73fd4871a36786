package io.kubelab.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.kubelab.apimachinery.manifest.Manifest;
import io.kubelab.apimachinery.testing.Generators;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Over generated clusters, the recorded decisions are consistent with themselves: the chosen node
 * has the highest final score, every node the filters rejected has a reason, and every final score
 * is the sum over the Score plugins of weight × normalised score. The oracle is arithmetic over the
 * recorded numbers, never the scheduler.
 */
class DecisionPropertyTest {

  @ParameterizedTest
  @ValueSource(strings = {"default-1.18", "legacy-1.17"})
  void selectedNodeHasTheHighestFinalScoreRejectedNodesHaveReasonsFinalIsWeightedSum(
      String profile) {
    int[] seen = new int[2];
    qt().withFixedSeed(0x21L)
        .withExamples(60)
        .withShrinkCycles(20)
        .forAll(Generators.clusters(2, 6, 4, 16))
        .checkAssert(c -> check(c, profile, seen));
    // The generated clusters exercise both halves: pods scored on two or more nodes, and nodes
    // rejected by a filter.
    assertThat(seen[0]).isGreaterThan(30);
    assertThat(seen[1]).isGreaterThan(30);
  }

  private static void check(Generators.Cluster c, String profile, int[] seen) {
    List<HasMetadata> objects = new ArrayList<>(c.nodes());
    // Every generated pod pending, so that each run schedules many pods onto a filling cluster.
    for (io.fabric8.kubernetes.api.model.Pod p : c.pods()) {
      objects.add(
          new io.fabric8.kubernetes.api.model.PodBuilder(p)
              .editSpec()
              .withNodeName(null)
              .endSpec()
              .editOrNewStatus()
              .withPhase("Pending")
              .endStatus()
              .build());
    }
    List<PodResult> results;
    try (FrameworkSimulation sim =
        new FrameworkSimulation(new Manifest(objects), ExplainGoldenTest.profile(profile), 1)) {
      results = sim.run();
    }
    for (PodResult r : results) {
      Decision d = r.decision();
      for (String node : d.filter().keySet()) {
        if (!d.feasibleNodes().contains(node)) {
          seen[1]++;
          assertThat(d.filterReason(node)).as("%s rejected on %s", r.key(), node).isNotBlank();
        }
      }
      if (r.bound()) {
        assertThat(d.selectedNode()).isEqualTo(r.node());
        assertThat(d.feasibleNodes()).contains(r.node());
      }
      if (d.finalScores().isEmpty()) {
        continue;
      }
      seen[0]++;
      long max = d.finalScores().values().stream().mapToLong(Long::longValue).max().orElseThrow();
      assertThat(d.finalScores().get(d.selectedNode())).as(r.key()).isEqualTo(max);
      for (Map.Entry<String, Long> e : d.finalScores().entrySet()) {
        long sum = 0;
        for (Decision.PluginScores s : d.scores().values()) {
          long normalized = s.normalized().get(e.getKey());
          assertThat(s.weighted().get(e.getKey())).isEqualTo(s.weight() * normalized);
          sum += s.weight() * normalized;
        }
        assertThat(e.getValue()).as("%s on %s", r.key(), e.getKey()).isEqualTo(sum);
      }
    }
  }
}
