package io.kubelab.scheduler.framework.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.predicates.EvenPodsSpreadMetadata;
import io.kubelab.scheduler.spread.PodTopologySpreadMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * PodTopologySpread's counts read from its index, followed across cycles, against the counts
 * chapters 03 and 05 take by walking every node of a snapshot built afresh (the oracle).
 *
 * <p>Each example runs up to 40 random changes to one cache: nodes added, relabelled (zone or rack
 * moved or dropped) and removed; pods added, relabelled, marked terminating and removed, in two
 * namespaces. After each change a cycle for a random incoming pod with hard and soft constraints on
 * zone, rack or hostname, with or without a selector: PreFilter's counts must equal chapter 03's
 * {@code EvenPodsSpreadMetadata} over the fresh snapshot, and PreScore's over a random subset of
 * nodes must equal chapter 05's {@code buildV118}, pair by pair and node set by node set. The index
 * must be built from scratch once per example.
 */
class PodTopologySpreadIndexPropertyTest {

  private static final String RACK = "example.com/rack";
  private static final List<String> APPS = List.of("a", "b", "c");

  /** Plain pods in two namespaces; a change relabels one or marks it terminating. */
  private static final RandomClusterChanges CHANGES =
      new RandomClusterChanges(
          PodTopologySpreadIndexPropertyTest::node,
          (random, name, node) ->
              Fixtures.pod(name)
                  .namespace(random.nextInt(5) == 0 ? "other" : "default")
                  .label("app", pick(random, APPS))
                  .nodeName(node)
                  .build(),
          (old, random) ->
              random.nextBoolean()
                  ? new PodBuilder(old)
                      .editMetadata()
                      .addToLabels("app", pick(random, APPS))
                      .endMetadata()
                      .build()
                  : new PodBuilder(old)
                      .editMetadata()
                      .withDeletionTimestamp("2020-01-01T00:00:00Z")
                      .endMetadata()
                      .build());

  private static final List<String> KEYS =
      List.of(Fixtures.LABEL_ZONE, RACK, Fixtures.LABEL_HOSTNAME);

  @Test
  void countsReadFromTheIndexEqualTheCountsOfAWalkOverEveryNode() {
    int[] seen = new int[3];
    qt().withFixedSeed(0x5_18_5_18L)
        .withExamples(120)
        .withShrinkCycles(10)
        .forAll(longs().all())
        .checkAssert(seed -> run(new Random(seed), seen));
    System.out.println(
        "PodTopologySpread index vs a walk: cycles "
            + seen[0]
            + ", with non-zero hard counts "
            + seen[1]
            + ", with non-zero soft counts "
            + seen[2]);
    assertThat(seen[1]).as("hard counts must often be non-zero").isGreaterThan(300);
    assertThat(seen[2]).as("soft counts must often be non-zero").isGreaterThan(300);
  }

  private static void run(Random random, int[] seen) {
    SchedulerCache cache = new SchedulerCache(new FakeClock());
    try {
      Snapshot snapshot = new Snapshot();
      PodTopologySpread plugin = new PodTopologySpread(PluginHandles.onCaller(snapshot));
      Map<String, Node> nodes = new LinkedHashMap<>();
      Map<String, Pod> pods = new LinkedHashMap<>();
      int steps = 5 + random.nextInt(36);
      for (int step = 0; step < steps; step++) {
        CHANGES.apply(random, cache, nodes, pods, step);
        cache.updateSnapshot(snapshot);
        cycle(random, plugin, snapshot, nodes, pods, seen);
      }
      assertThat(plugin.indexRebuilds()).as("built once, then followed by the change log").isOne();
    } finally {
      cache.close();
    }
  }

  /**
   * A node in one of three zones and two racks; one in five lacks its zone, one in four its rack.
   */
  private static Node node(String name, Random random) {
    Fixtures.NodeFixture n = Fixtures.node(name);
    n =
        random.nextInt(5) == 0
            ? n.withoutLabel(Fixtures.LABEL_ZONE)
            : n.zone("zone-" + random.nextInt(3));
    if (random.nextInt(4) != 0) {
      n = n.label(RACK, "rack-" + random.nextInt(2));
    }
    return n.build();
  }

  private static void cycle(
      Random random,
      PodTopologySpread plugin,
      Snapshot snapshot,
      Map<String, Node> nodes,
      Map<String, Pod> pods,
      int[] seen) {
    seen[0]++;
    Fixtures.PodFixture f =
        Fixtures.pod("incoming")
            .namespace(random.nextInt(5) == 0 ? "other" : "default")
            .label("app", pick(random, APPS));
    int constraints = 1 + random.nextInt(3);
    for (int i = 0; i < constraints; i++) {
      f =
          f.spreadConstraint(
              1 + random.nextInt(2),
              pick(random, KEYS),
              random.nextBoolean() ? "DoNotSchedule" : "ScheduleAnyway",
              random.nextInt(4) == 0 ? null : Fixtures.matchLabels("app", pick(random, APPS)));
    }
    // One pod in four narrows its nodes (a nodeSelector, or a required node affinity): those are
    // counted by walking the nodes they select, the others through the index.
    int narrows = random.nextInt(8);
    if (narrows == 0) {
      f = f.nodeSelector(RACK, "rack-0");
    } else if (narrows == 1) {
      f =
          f.requiredNodeAffinity(
              Fixtures.term(Fixtures.expr(Fixtures.LABEL_ZONE, "In", "zone-0", "zone-1")));
    }
    Pod pod = f.build();
    assertThat(PodTopologySpread.selectsNodes(pod)).isEqualTo(narrows <= 1);
    Snapshot fresh = Snapshot.of(List.copyOf(pods.values()), List.copyOf(nodes.values()));

    CycleState state = new CycleState();
    assertThat(plugin.preFilter(state, pod)).isEqualTo(Status.SUCCESS);
    EvenPodsSpreadMetadata hard =
        ((PodTopologySpread.PreFilterState) state.read(PodTopologySpread.PRE_FILTER_STATE_KEY))
            .counts();
    EvenPodsSpreadMetadata walked = EvenPodsSpreadMetadata.of(pod, fresh.list(), null);
    assertThat(hard).as("hard counts, pods %s", pods.keySet()).isEqualTo(walked);
    if (walked != null && walked.toString().matches(".*=[1-9].*")) {
      seen[1]++;
    }

    List<Node> filtered = new ArrayList<>();
    List<NodeInfo> filteredInfos = new ArrayList<>();
    for (NodeInfo ni : fresh.list()) {
      if (random.nextInt(3) != 0) {
        filtered.add(ni.node());
        filteredInfos.add(ni);
      }
    }
    if (filtered.isEmpty()) {
      return; // PreScore has nothing to score and keeps no state
    }
    assertThat(plugin.preScore(state, pod, filtered)).isEqualTo(Status.SUCCESS);
    PodTopologySpreadMap soft =
        ((PodTopologySpread.PreScoreState) state.read(PodTopologySpread.PRE_SCORE_STATE_KEY)).map();
    PodTopologySpreadMap walkedSoft =
        PodTopologySpreadMap.buildV118(pod, filteredInfos, fresh.list());
    if (walkedSoft == null) {
      assertThat(soft).isNull();
      return;
    }
    assertThat(soft.counts()).as("soft counts").isEqualTo(walkedSoft.counts());
    assertThat(soft.nodeNameSet()).isEqualTo(walkedSoft.nodeNameSet());
    if (walkedSoft.counts().values().stream().anyMatch(c -> c > 0)) {
      seen[2]++;
    }
  }

  private static <T> T pick(Random random, List<T> from) {
    return from.get(random.nextInt(from.size()));
  }
}
