package io.kubelab.scheduler.spread;

import static io.kubelab.scheduler.spread.Objects.labels;
import static io.kubelab.scheduler.spread.Objects.node;
import static io.kubelab.scheduler.spread.Objects.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pod-class index: when it trusts an entry, when it counts itself, when it starts over. */
class PodClassIndexTest {

  static final SpreadSelector WEB = SpreadSelector.fromSet(labels("app", "web"));

  static PodSelectorCounts counts(PodClassIndex index, Snapshot s) {
    return new PodSelectorCounts(WEB, "prod", index.refresh(s.list(), s.numNodes()));
  }

  @Test
  void aNodeChangedAfterTheViewWasTakenIsCountedDirectly() {
    Snapshot s =
        Snapshot.of(
            List.of(pod("prod", "n1", labels("app", "web"))), List.of(node("n1", Map.of())));
    PodSelectorCounts view = counts(new PodClassIndex(), s);
    NodeInfo n1 = s.get("n1");
    n1.addPod(pod("prod", "n1", labels("app", "web")));
    // The view's entry is of the old generation: the node is counted as it is now.
    assertThat(view.countMatchingPods(n1)).isEqualTo(2);
  }

  @Test
  void anEntryRefreshedWithClassesALaterViewAddedIsNotReadByAnEarlierView() {
    Snapshot s =
        Snapshot.of(
            List.of(pod("prod", "n1", labels("app", "web"))), List.of(node("n1", Map.of())));
    PodClassIndex index = new PodClassIndex();
    PodSelectorCounts early = counts(index, s);
    NodeInfo n1 = s.get("n1");
    n1.addPod(pod("prod", "n1", labels("app", "web", "new", "class")));
    counts(index, s);
    // early's matching array knows one class; the entry now names two. early counts directly.
    assertThat(early.countMatchingPods(n1)).isEqualTo(2);
  }

  @Test
  void aNodeChangedInPlaceBetweenCyclesIsNotCountedFromItsCachedEntry() {
    Snapshot s =
        Snapshot.of(
            List.of(pod("prod", "n1", labels("app", "web"))),
            List.of(node("n1", Map.of()), node("n2", Map.of())));
    PodClassIndex index = new PodClassIndex();
    assertThat(counts(index, s).countMatchingPods(s.get("n1"))).isEqualTo(1);
    // The same NodeInfo objects in the same order, n1 changed: its entry by position is stale.
    s.get("n1").addPod(pod("prod", "n1", labels("app", "web")));
    PodSelectorCounts next = counts(index, s);
    assertThat(next.countMatchingPods(s.get("n1"))).isEqualTo(2);
    assertThat(next.countMatchingPods(s.get("n2"))).isZero();
    // Another list: found by identity, then by name; n1's clone is counted directly.
    List<NodeInfo> other = List.of(s.get("n2"), s.get("n1"));
    PodSelectorCounts reordered = new PodSelectorCounts(WEB, "prod", index.refresh(other, 2));
    assertThat(reordered.countMatchingPods(s.get("n1"))).isEqualTo(2);
    assertThat(reordered.countMatchingPods(s.get("n1").clone())).isEqualTo(2);
  }

  @Test
  void aNodeRelabelledInPlaceGetsItsNewZone() {
    Snapshot s =
        Snapshot.of(
            List.of(),
            List.of(
                node("a", Map.of(Zones.LABEL_ZONE_FAILURE_DOMAIN, "z1")),
                node("b", Map.of(Zones.LABEL_ZONE_FAILURE_DOMAIN, "z2"))));
    PodClassIndex index = new PodClassIndex();
    NodeScoreList ab = new NodeScoreList(List.of("a", "b"));
    assertThat(counts(index, s).zones(ab)).containsExactly(0, 1);
    s.get("b").setNode(node("b", Map.of(Zones.LABEL_ZONE_FAILURE_DOMAIN, "z1")));
    assertThat(counts(index, s).zones(ab)).containsExactly(0, 0);
  }

  @Test
  void podsWithoutLabelsAndManyKindsOfPodAreCountedRight() {
    List<Pod> pods = new ArrayList<>();
    pods.add(pod("prod", "n1", null));
    for (int i = 0; i < 150; i++) {
      // 150 classes: the class table grows past its first size.
      pods.add(pod("prod", "n" + (i % 2), labels("app", i % 3 == 0 ? "web" : "api", "i", "" + i)));
    }
    Snapshot s = Snapshot.of(pods, List.of(node("n0", Map.of()), node("n1", Map.of())));
    PodSelectorCounts c = counts(new PodClassIndex(), s);
    // i % 3 == 0: 50 web pods, i even on n0 (25), odd on n1 (25).
    assertThat(c.countMatchingPods(s.get("n0"))).isEqualTo(25);
    assertThat(c.countMatchingPods(s.get("n1"))).isEqualTo(25);
  }

  @Test
  void anIndexHoldingMoreNodesThanTwiceTheClusterStartsOver() {
    PodClassIndex index = new PodClassIndex(2);
    for (int round = 0; round < 3; round++) {
      List<Node> nodes = List.of(node("a" + round, Map.of()), node("b" + round, Map.of()));
      Snapshot s = Snapshot.of(List.of(), nodes);
      index.refresh(s.list(), 1);
    }
    // After round 0: 2 nodes (not more than max(2, 2)); round 1 sees 4 > 2: reset; round 2 the
    // same.
    assertThat(index.resets()).isEqualTo(1);
    PodClassIndex roomy = new PodClassIndex(2);
    for (int round = 0; round < 3; round++) {
      Snapshot s = Snapshot.of(List.of(), List.of(node("a" + round, Map.of())));
      roomy.refresh(s.list(), 2);
    }
    // Never more than max(2, 2 × 2) = 4 nodes: kept.
    assertThat(roomy.resets()).isZero();
  }

  @Test
  void anIndexHoldingMoreClassesThanTwiceItsPodsStartsOver() {
    PodClassIndex index = new PodClassIndex(2);
    Node n = node("n", Map.of());
    // Three pods of three kinds, then one pod: 3 classes for 1 pod is more than twice.
    index.refresh(
        Snapshot.of(
                List.of(
                    pod("prod", "n", labels("k", "1")),
                    pod("prod", "n", labels("k", "2")),
                    pod("prod", "n", labels("k", "3"))),
                List.of(n))
            .list(),
        1);
    index.refresh(Snapshot.of(List.of(pod("prod", "n", labels("k", "4"))), List.of(n)).list(), 1);
    assertThat(index.resets()).isZero();
    index.refresh(Snapshot.of(List.of(pod("prod", "n", labels("k", "5"))), List.of(n)).list(), 1);
    assertThat(index.resets()).isEqualTo(1);
    // Three classes for three pods: kept.
    PodClassIndex kept = new PodClassIndex(2);
    Snapshot three =
        Snapshot.of(
            List.of(
                pod("prod", "n", labels("k", "1")),
                pod("prod", "n", labels("k", "2")),
                pod("prod", "n", labels("k", "3"))),
            List.of(n));
    kept.refresh(three.list(), 1);
    kept.refresh(Snapshot.of(three.get("n").pods(), List.of(n)).list(), 1);
    assertThat(kept.resets()).isZero();
  }

  @Test
  void theReduceScoresTheSameWhenTheScoreListIsInAnotherOrder() {
    Snapshot s =
        Snapshot.of(
            List.of(pod("prod", "a", labels("app", "web")), pod("prod", "a", labels("app", "web"))),
            List.of(
                node("a", labels(SpreadOracle.BETA_ZONE, "z1")),
                node("b", labels(SpreadOracle.BETA_ZONE, "z1")),
                node("c", labels(SpreadOracle.BETA_ZONE, "z2"))));
    PodSelectorCounts c =
        new PodSelectorCounts(
            WEB,
            "prod",
            new PodClassIndex().refresh(List.of(s.get("a"), s.get("b"), s.get("c")), 3));
    NodeScoreList reversed = new NodeScoreList(List.of("c", "b", "a"));
    assertThat(c.zones(reversed)).isNull();
    assertThat(c.zones(new NodeScoreList(List.of("a", "b")))).isNull();
    assertThat(c.zones(new NodeScoreList(List.of("a", "b", "c")))).containsExactly(0, 0, 1);
    assertThat(c.selector()).isEqualTo(WEB);
    assertThat(c.toString()).isEqualTo("PodSelectorCounts{app in (web) in prod}");
    // Through the priority: the metadata was made for a, b, c; scoring c, b, a gives each node
    // the same score (the reduce then reads zones from the snapshot).
    InMemoryListers l = new InMemoryListers();
    l.add(Objects.service("prod", labels("app", "web")));
    Pod incoming = pod("prod", null, labels("app", "web"));
    List<Node> abc = List.of(s.get("a").node(), s.get("b").node(), s.get("c").node());
    List<Node> cba = List.of(abc.get(2), abc.get(1), abc.get(0));
    var meta = Run.metadata(incoming, l.spreadListers(), abc, s);
    SelectorSpread spread = new SelectorSpread(l.spreadListers());
    Map<String, Long> inOrder =
        Run.mapReduce(
            spread::calculateSpreadPriorityMap,
            SelectorSpread::calculateSpreadPriorityReduce,
            meta,
            incoming,
            s,
            abc);
    // a: node 0, zone z1 (2 of 2): 0; b: node 100, zone 0: 33; c: 100, zone z2 empty: 100.
    assertThat(inOrder).containsExactlyEntriesOf(Run.expect("a", 0, "b", 33, "c", 100));
    assertThat(
            Run.mapReduce(
                spread::calculateSpreadPriorityMap,
                SelectorSpread::calculateSpreadPriorityReduce,
                meta,
                incoming,
                s,
                cba))
        .containsExactlyEntriesOf(Run.expect("c", 100, "b", 33, "a", 0));
  }
}
