package io.kubelab.scheduler.spread;

import static io.kubelab.scheduler.spread.Objects.labels;
import static io.kubelab.scheduler.spread.Objects.node;
import static io.kubelab.scheduler.spread.Objects.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The spread map built through the index (arrays by node position and label number, the per-node
 * work on the scheduler's workers) against the direct build, which walks every pod and keys its
 * pairs by label values.
 */
class IndexedSpreadMapTest {

  static final String ZONE = "zone";
  static final String HOST = "host";

  /** Soft constraints on zone and host, both counting app=web. */
  static Pod incoming() {
    return Fixtures.pod("incoming")
        .label("app", "web")
        .spreadConstraint(1, ZONE, "ScheduleAnyway", Fixtures.matchLabels("app", "web"))
        .spreadConstraint(1, HOST, "ScheduleAnyway", Fixtures.matchLabels("app", "web"))
        .build();
  }

  /** {@code n} nodes in three zones, every seventh without a zone; web and api pods on them. */
  static Snapshot cluster(int n) {
    List<Node> nodes = new ArrayList<>();
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, String> l = new LinkedHashMap<>();
      if (i % 7 != 0) {
        l.put(ZONE, "z" + (i % 3));
      }
      l.put(HOST, "n" + i);
      nodes.add(node("n" + i, l));
      for (int k = 0; k < i % 5; k++) {
        pods.add(pod("default", "n" + i, labels("app", k % 2 == 0 ? "web" : "api")));
      }
    }
    return Snapshot.of(pods, nodes);
  }

  /** What the map function says for each node, and then the reduce, as name → score. */
  static Map<String, Long> scores(PodTopologySpreadMap m, Snapshot s, List<NodeInfo> filtered) {
    List<String> names = new ArrayList<>();
    for (NodeInfo ni : filtered) {
      names.add(ni.nodeName());
    }
    NodeScoreList row = new NodeScoreList(names);
    for (int i = 0; i < filtered.size(); i++) {
      row.setScore(i, m.mapScore(filtered.get(i)));
    }
    EvenPodsSpreadPriority.reduce(m, s, row);
    return Run.scores(row);
  }

  static void assertSameAsDirect(
      PodTopologySpreadMap indexed, Pod pod, Snapshot s, List<NodeInfo> filtered) {
    PodTopologySpreadMap direct = PodTopologySpreadMap.build(pod, filtered, s.list());
    assertThat(indexed.counts()).isEqualTo(direct.counts());
    assertThat(indexed.nodeNameSet()).isEqualTo(direct.nodeNameSet());
    assertThat(scores(indexed, s, filtered)).isEqualTo(scores(direct, s, filtered));
  }

  @Test
  void theWorkersCountWhatTheDirectBuildCounts() {
    Snapshot s = cluster(PodClassIndex.PARALLEL_MIN_NODES + 200);
    List<NodeInfo> filtered = new ArrayList<>();
    for (NodeInfo ni : s.list()) {
      // Every third node filtered out: its pods still count, its pairs only via others.
      if (ni.nodeName().hashCode() % 3 != 0) {
        filtered.add(ni);
      }
    }
    PodClassIndex index = new PodClassIndex();
    try (Parallelizer workers = new Parallelizer("spread-test", 2)) {
      for (int cycle = 0; cycle < 2; cycle++) {
        PodTopologySpreadMap m =
            PodTopologySpreadMap.build(incoming(), filtered, s, index, workers);
        assertSameAsDirect(m, incoming(), s, filtered);
      }
    }
  }

  @Test
  void aNodeChangedBetweenCyclesIsNotReadFromItsCachedEntry() {
    Snapshot s = cluster(40);
    List<NodeInfo> all = s.list();
    PodClassIndex index = new PodClassIndex();
    PodTopologySpreadMap.build(incoming(), all, s, index, null);
    // In place, as the scheduler's snapshot updates its NodeInfos: n1 moves to z2 and gains two
    // web pods; n2 loses its zone label.
    NodeInfo n1 = s.get("n1");
    n1.setNode(node("n1", labels(ZONE, "z2", HOST, "n1")));
    n1.addPod(pod("default", "n1", labels("app", "web")));
    n1.addPod(pod("default", "n1", labels("app", "web")));
    s.get("n2").setNode(node("n2", labels(HOST, "n2")));
    PodTopologySpreadMap again = PodTopologySpreadMap.build(incoming(), all, s, index, null);
    assertSameAsDirect(again, incoming(), s, all);
    assertThat(again.isEligible("n2")).isFalse();
    assertThat(again.count(HOST, "n1")).isEqualTo(3);
  }

  @Test
  void filteredNodesThatAreNotTheSnapshotsOwnAreBuiltTheDirectWay() {
    Snapshot s = cluster(30);
    List<NodeInfo> clones = new ArrayList<>();
    for (NodeInfo ni : s.list()) {
      clones.add(ni.clone());
    }
    PodTopologySpreadMap m =
        PodTopologySpreadMap.build(incoming(), clones, s, new PodClassIndex(), null);
    assertSameAsDirect(m, incoming(), s, clones);
  }

  @Test
  void theMapOfAnotherObjectForAFilteredNodeReadsByNameAndTheReduceLooksUpUnknownOrders() {
    Snapshot s = cluster(30);
    List<NodeInfo> all = s.list();
    PodTopologySpreadMap m =
        PodTopologySpreadMap.build(incoming(), all, s, new PodClassIndex(), null);
    PodTopologySpreadMap direct = PodTopologySpreadMap.build(incoming(), all, all);
    for (NodeInfo ni : all) {
      assertThat(m.mapScore(ni.clone())).as(ni.nodeName()).isEqualTo(direct.mapScore(ni));
    }
    // A node changed after the build is read by name too.
    NodeInfo n3 = s.get("n3");
    n3.addPod(pod("default", "n3", labels("app", "api")));
    assertThat(m.mapScore(n3)).isEqualTo(direct.mapScore(n3));
    // The filtered nodes in another order: eligibility by name, not by position.
    List<NodeInfo> reversed = new ArrayList<>(all);
    java.util.Collections.reverse(reversed);
    assertThat(scores(m, s, reversed)).isEqualTo(scores(direct, s, reversed));
    // Another snapshot: the nodes are looked up in it.
    Snapshot other = cluster(30);
    assertThat(scores(m, other, all)).isEqualTo(scores(direct, other, all));
  }

  @Test
  void aKeyNoNodeHasMakesEveryNodeIneligible() {
    Snapshot s = cluster(10);
    Pod rackSpread =
        Fixtures.pod("p")
            .spreadConstraint(1, "rack", "ScheduleAnyway", Fixtures.matchLabels("app", "web"))
            .build();
    PodTopologySpreadMap m =
        PodTopologySpreadMap.build(rackSpread, s.list(), s, new PodClassIndex(), null);
    assertSameAsDirect(m, rackSpread, s, s.list());
    assertThat(m.nodeNameSet()).isEmpty();
  }
}
