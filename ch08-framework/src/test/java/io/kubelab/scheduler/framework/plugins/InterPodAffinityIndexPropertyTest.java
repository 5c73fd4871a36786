package io.kubelab.scheduler.framework.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.Code;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.PluginArgs;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.predicates.MetadataProducer;
import io.kubelab.scheduler.predicates.PodPredicateMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * InterPodAffinity's index, followed across cycles: one cache, one snapshot brought up to date
 * before each cycle, one plugin, against chapter 03's v1.17 metadata computed afresh from the same
 * pods and nodes in every cycle (the oracle).
 *
 * <p>Each example runs up to 40 random changes to the cache: nodes added, relabelled (zone moved or
 * dropped) and removed; pods added, relabelled and removed, a few with an anti-affinity term whose
 * selector does not compile. After each change a cycle for a random incoming pod: PreFilter, then
 * Filter on every node, must give chapter 03's verdict, code and reasons, or fail PreFilter exactly
 * when chapter 03 meets a malformed selector. The index must follow the snapshot by its change log:
 * it is built from scratch once per example, not once per cycle.
 */
class InterPodAffinityIndexPropertyTest {

  @Test
  void anIndexFollowedAcrossCyclesGivesTheVerdictsAFreshComputationGives() {
    int[] seen = new int[5];
    qt().withFixedSeed(0x1_18_1_18L)
        .withExamples(120)
        .withShrinkCycles(10)
        .forAll(longs().all())
        .checkAssert(seed -> run(new Random(seed), seen));
    System.out.println(
        "InterPodAffinity index vs chapter 03: cycles "
            + seen[0]
            + ", (pod, node) verdicts "
            + seen[1]
            + ", failing "
            + seen[2]
            + ", malformed selectors "
            + seen[3]
            + ", non-zero score tables "
            + seen[4]);
    assertThat(seen[2])
        .as("some verdicts must fail, or the property says little")
        .isGreaterThan(200);
    assertThat(seen[3]).as("some cycles must meet a malformed selector").isGreaterThan(10);
    assertThat(seen[4]).as("score tables must often credit a pair").isGreaterThan(300);
  }

  private static void run(Random random, int[] seen) {
    SchedulerCache cache = new SchedulerCache(new FakeClock());
    try {
      Snapshot snapshot = new Snapshot();
      InterPodAffinity plugin =
          new InterPodAffinity(PluginArgs.NONE, PluginHandles.onCaller(snapshot));
      Map<String, Node> nodes = new LinkedHashMap<>();
      Map<String, Pod> pods = new LinkedHashMap<>();
      int serial = 0;
      int steps = 5 + random.nextInt(36);
      for (int step = 0; step < steps; step++) {
        CHANGES.apply(random, cache, nodes, pods, serial++);
        cache.updateSnapshot(snapshot);
        cycle(random, plugin, snapshot, nodes, pods, seen);
      }
      assertThat(plugin.indexRebuilds()).as("built once, then followed by the change log").isOne();
    } finally {
      cache.close();
    }
  }

  /** One random change to the cluster, applied to the cache and to the test's own lists. */
  private static final List<String> APPS = List.of("a", "b", "c");

  /** Pods as chapter 03's counts test makes them, some with preferred terms, a few malformed. */
  private static final RandomClusterChanges CHANGES =
      new RandomClusterChanges(
          InterPodAffinityIndexPropertyTest::node,
          (random, name, node) ->
              random.nextInt(12) == 0
                  ? malformed(name, node)
                  : withPreferredTerms(
                      random, InterPodAffinityCountsPropertyTest.pod(random, name, node)),
          (old, random) ->
              new PodBuilder(old)
                  .editMetadata()
                  .addToLabels("app", InterPodAffinityCountsPropertyTest.pick(random, APPS))
                  .endMetadata()
                  .build());

  /** A node in one of three zones, or (one in five) without a zone label. */
  private static Node node(String name, Random random) {
    Fixtures.NodeFixture n = Fixtures.node(name);
    return (random.nextInt(5) == 0
            ? n.withoutLabel(Fixtures.LABEL_ZONE)
            : n.zone("zone-" + random.nextInt(3)))
        .build();
  }

  /** A pod whose required anti-affinity selector does not compile ({@code In} without values). */
  private static Pod malformed(String name, String nodeName) {
    Pod p = Fixtures.pod(name).namespace("default").label("app", "a").nodeName(nodeName).build();
    return new PodBuilder(p)
        .editSpec()
        .editOrNewAffinity()
        .editOrNewPodAntiAffinity()
        .addToRequiredDuringSchedulingIgnoredDuringExecution(
            new PodAffinityTermBuilder()
                .withTopologyKey(Fixtures.LABEL_HOSTNAME)
                .withLabelSelector(
                    new LabelSelectorBuilder()
                        .addNewMatchExpression()
                        .withKey("app")
                        .withOperator("In")
                        .endMatchExpression()
                        .build())
                .build())
        .endPodAntiAffinity()
        .endAffinity()
        .endSpec()
        .build();
  }

  /** A cycle for a random incoming pod: the plugin over the live snapshot, the oracle afresh. */
  private static void cycle(
      Random random,
      InterPodAffinity plugin,
      Snapshot snapshot,
      Map<String, Node> nodes,
      Map<String, Pod> pods,
      int[] seen) {
    seen[0]++;
    Fixtures.PodFixture f =
        Fixtures.pod("incoming")
            .namespace(random.nextInt(6) == 0 ? "other" : "default")
            .label("app", InterPodAffinityCountsPropertyTest.pick(random, APPS));
    if (random.nextBoolean()) {
      f = f.requiredPodAffinity(InterPodAffinityCountsPropertyTest.term(random));
    }
    if (random.nextBoolean()) {
      f = f.requiredPodAntiAffinity(InterPodAffinityCountsPropertyTest.term(random));
    }
    Pod pod = withPreferredTerms(random, f.build());
    Snapshot fresh = Snapshot.of(List.copyOf(pods.values()), List.copyOf(nodes.values()));
    PodPredicateMetadata oracle = new MetadataProducer().produce(pod, fresh);
    CycleState state = new CycleState();
    Status pre = plugin.preFilter(state, pod);
    if (oracle == null) {
      assertThat(pre.code()).as("PreFilter over a malformed selector").isEqualTo(Code.ERROR);
      assertThat(pre.message()).startsWith("calculating preFilterState: ");
      seen[3]++;
      return;
    }
    assertThat(pre).as("PreFilter for %s", pod.getSpec().getAffinity()).isEqualTo(Status.SUCCESS);
    List<String> names = new ArrayList<>(nodes.keySet());
    for (String name : names) {
      seen[1]++;
      Status want =
          InterPodAffinityCountsPropertyTest.expected(
              pod, oracle, fresh, fresh.get(name), new int[2]);
      if (!want.isSuccess()) {
        seen[2]++;
      }
      assertThat(plugin.filter(state, pod, snapshot.get(name)))
          .as("node %s, pods %s", name, pods.keySet())
          .isEqualTo(want);
    }
    // PreScore: the topology score table, against chapter 04's walk over the fresh snapshot.
    Map<String, Map<String, Long>> want =
        io.kubelab.scheduler.priorities.InterPodAffinity.buildTopologyPairToScore(
            pod, fresh, InterPodAffinity.DEFAULT_HARD_POD_AFFINITY_WEIGHT, null);
    List<Node> all = new ArrayList<>(nodes.values());
    assertThat(plugin.preScore(state, pod, all)).isEqualTo(Status.SUCCESS);
    Map<String, Map<String, Long>> got =
        ((InterPodAffinity.PreScoreState) state.read(InterPodAffinity.PRE_SCORE_STATE_KEY))
            .topologyScore();
    assertThat(got).as("score table for %s", pod.getSpec().getAffinity()).isEqualTo(want);
    if (want.values().stream().anyMatch(m -> m.values().stream().anyMatch(v -> v != 0))) {
      seen[4]++;
    }
  }

  /** One pod in three gets a preferred affinity or anti-affinity term (weight 1 to 100). */
  private static Pod withPreferredTerms(Random random, Pod pod) {
    int r = random.nextInt(6);
    if (r > 1) {
      return pod;
    }
    Fixtures.PodFixture f = Fixtures.pod("x");
    io.fabric8.kubernetes.api.model.PodAffinityTerm term =
        InterPodAffinityCountsPropertyTest.term(random);
    int weight = 1 + random.nextInt(100);
    Pod terms =
        (r == 0 ? f.preferredPodAffinity(weight, term) : f.preferredPodAntiAffinity(weight, term))
            .build();
    PodBuilder b = new PodBuilder(pod);
    if (r == 0) {
      b.editSpec()
          .editOrNewAffinity()
          .editOrNewPodAffinity()
          .addAllToPreferredDuringSchedulingIgnoredDuringExecution(
              terms
                  .getSpec()
                  .getAffinity()
                  .getPodAffinity()
                  .getPreferredDuringSchedulingIgnoredDuringExecution())
          .endPodAffinity()
          .endAffinity()
          .endSpec();
    } else {
      b.editSpec()
          .editOrNewAffinity()
          .editOrNewPodAntiAffinity()
          .addAllToPreferredDuringSchedulingIgnoredDuringExecution(
              terms
                  .getSpec()
                  .getAffinity()
                  .getPodAntiAffinity()
                  .getPreferredDuringSchedulingIgnoredDuringExecution())
          .endPodAntiAffinity()
          .endAffinity()
          .endSpec();
    }
    return b.build();
  }
}
