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

  /**
   * The same invariants over runs that preempt: the generated pods bound to a node run there, the
   * others queue up with two pods of a higher priority than any generated one, each asking for all
   * of the first node's allocatable and tolerating every taint. Every attempt's decision keeps the
   * invariants; every victim had a lower priority than its preemptor and was bound to the node the
   * preemptor was nominated to, and is gone at the end; every pod left pending says why.
   */
  @ParameterizedTest
  @ValueSource(strings = {"default-1.18", "legacy-1.17"})
  void runsThatPreemptKeepTheInvariantsAndEvictOnlyLowerPriorityPodsOfTheNominatedNode(
      String profile) {
    int[] seen = new int[3];
    qt().withFixedSeed(0x2115L)
        .withExamples(40)
        .withShrinkCycles(10)
        .forAll(Generators.clusters(2, 5, 4, 14))
        .checkAssert(c -> checkWithPreemptors(c, profile, seen));
    assertThat(seen[2]).as("runs in which preemption evicted pods").isGreaterThan(10);
  }

  private static void checkWithPreemptors(Generators.Cluster c, String profile, int[] seen) {
    List<HasMetadata> objects = new ArrayList<>(c.nodes());
    Map<String, Integer> priority = new java.util.HashMap<>();
    // Where each pod ran: the file's bound pods, then the run's bindings.
    Map<String, String> boundTo = new java.util.HashMap<>();
    // The generator's bound pods run where it put them; the others queue up.
    for (io.fabric8.kubernetes.api.model.Pod p : c.pods()) {
      objects.add(p.getSpec().getNodeName() != null ? p : pendingCopy(p));
      if (p.getSpec().getNodeName() != null) {
        boundTo.put(key(p), p.getSpec().getNodeName());
      }
      priority.put(key(p), p.getSpec().getPriority() == null ? 0 : p.getSpec().getPriority());
    }
    io.fabric8.kubernetes.api.model.Node first = c.nodes().get(0);
    for (int i = 0; i < 2; i++) {
      io.fabric8.kubernetes.api.model.Pod big =
          new io.fabric8.kubernetes.api.model.PodBuilder()
              .withNewMetadata()
              .withName("preemptor-" + i)
              .withNamespace("default")
              .endMetadata()
              .withNewSpec()
              .withPriority(2_100_000_000)
              .addNewToleration()
              .withOperator("Exists")
              .endToleration()
              .addNewContainer()
              .withName("c")
              .withNewResources()
              .withRequests(first.getStatus().getAllocatable())
              .endResources()
              .endContainer()
              .endSpec()
              .build();
      big.getSpec().getContainers().get(0).getResources().getRequests().remove("pods");
      objects.add(big);
      priority.put(key(big), 2_100_000_000);
    }
    List<PodResult> results;
    try (FrameworkSimulation sim =
        new FrameworkSimulation(new Manifest(objects), ExplainGoldenTest.profile(profile), 1)) {
      results = sim.run();
      for (io.fabric8.kubernetes.api.model.Binding b : sim.bindings()) {
        boundTo.put(
            b.getMetadata().getNamespace() + "/" + b.getMetadata().getName(),
            b.getTarget().getName());
      }
    }
    Map<String, PodResult> byKey = new java.util.HashMap<>();
    for (PodResult r : results) {
      byKey.put(r.key(), r);
    }
    checkDecisions(results, seen);
    for (PodResult r : results) {
      if (!r.bound()) {
        assertThat(r.message()).as("%s is pending", r.key()).isNotBlank();
      }
      if (r.victims().isEmpty()) {
        continue;
      }
      seen[2]++;
      for (String v : r.victims()) {
        assertThat(priority.get(v))
            .as("victim %s of %s", v, r.key())
            .isLessThan(priority.get(r.key()));
        assertThat(boundTo.get(v)).as("victim %s of %s", v, r.key()).isEqualTo(r.nominatedNode());
        if (byKey.containsKey(v)) {
          // A pod the run bound and then evicted again.
          assertThat(byKey.get(v).bound()).as("victim %s", v).isFalse();
          assertThat(byKey.get(v).message()).startsWith("deleted");
        }
      }
    }
  }

  private static io.fabric8.kubernetes.api.model.Pod pendingCopy(
      io.fabric8.kubernetes.api.model.Pod p) {
    return new io.fabric8.kubernetes.api.model.PodBuilder(p)
        .editSpec()
        .withNodeName(null)
        .endSpec()
        .editOrNewStatus()
        .withPhase("Pending")
        .endStatus()
        .build();
  }

  private static String key(io.fabric8.kubernetes.api.model.Pod p) {
    String ns = p.getMetadata().getNamespace();
    return (ns == null || ns.isEmpty() ? "default" : ns) + "/" + p.getMetadata().getName();
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
    checkDecisions(results, seen);
  }

  /** The three invariants over every pod's last decision. */
  static void checkDecisions(List<PodResult> results, int[] seen) {
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
