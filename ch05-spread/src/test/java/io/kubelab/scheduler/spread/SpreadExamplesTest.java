package io.kubelab.scheduler.spread;

import static io.kubelab.scheduler.spread.Objects.labels;
import static io.kubelab.scheduler.spread.Objects.node;
import static io.kubelab.scheduler.spread.Objects.pod;
import static io.kubelab.scheduler.spread.Objects.service;
import static io.kubelab.scheduler.spread.Run.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.cache.Cache;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chapter's worked examples, and the edges around the reduce functions. */
class SpreadExamplesTest {

  static final Map<String, String> APP = labels("app", "web");
  static final String ZONE = Zones.LABEL_ZONE_FAILURE_DOMAIN_STABLE;

  static Map<String, Long> spread(List<Pod> pods, List<Node> nodes) {
    InMemoryListers l = new InMemoryListers();
    l.add(service("default", APP));
    Snapshot s = Snapshot.of(pods, nodes);
    Pod incoming = pod("default", null, APP);
    SelectorSpread spread = new SelectorSpread(l.spreadListers());
    return Run.mapReduce(
        spread::calculateSpreadPriorityMap,
        SelectorSpread::calculateSpreadPriorityReduce,
        Run.metadata(incoming, l.spreadListers(), nodes, s),
        incoming,
        s,
        nodes);
  }

  @Test
  void threeZonesWorkedExample() {
    // a: zone-a, 2 replicas; b1, b2: zone-b, 1 and 0; c: zone-c, 0.
    List<Node> nodes =
        List.of(
            node("a", labels(ZONE, "zone-a")),
            node("b1", labels(ZONE, "zone-b")),
            node("b2", labels(ZONE, "zone-b")),
            node("c", labels(ZONE, "zone-c")));
    List<Pod> pods =
        List.of(pod("default", "a", APP), pod("default", "a", APP), pod("default", "b1", APP));
    // maxByNode 2, maxByZone 2 (zone-a).
    // a:  node 0,   zone 0    -> 0
    // b1: node 50,  zone 50   -> 50/3 + 2*50/3 = 50
    // b2: node 100, zone 50   -> 100/3 + 2*50/3 = 66.7 -> 66
    // c:  node 100, zone 100  -> 100
    assertThat(spread(pods, nodes))
        .containsExactlyEntriesOf(expect("a", 0, "b1", 50, "b2", 66, "c", 100));
  }

  @Test
  void replicasPlacedOneByOneEvenOutTheZonesFirst() {
    // Zone a has three nodes, zones b and c one each. Nine replicas, each on the best node by
    // SelectorSpread alone (ties: the first in node order). At the fifth replica the empty a-3
    // (node part 100, zone part 0) ties with b-1 and c-1 (node part 0, zone part 50): 33 each.
    // After nine, every zone holds three; the lone nodes of b and c hold three each, zone a's
    // nodes one.
    List<Node> nodes =
        List.of(
            node("a-1", labels(ZONE, "zone-a")),
            node("a-2", labels(ZONE, "zone-a")),
            node("a-3", labels(ZONE, "zone-a")),
            node("b-1", labels(ZONE, "zone-b")),
            node("c-1", labels(ZONE, "zone-c")));
    List<Pod> placed = new ArrayList<>();
    List<String> chosen = new ArrayList<>();
    List<String> zoneCounts = new ArrayList<>();
    for (int replica = 0; replica < 9; replica++) {
      Map<String, Long> scores = spread(placed, nodes);
      String best = null;
      for (Map.Entry<String, Long> e : scores.entrySet()) {
        if (best == null || e.getValue() > scores.get(best)) {
          best = e.getKey();
        }
      }
      placed.add(pod("default", best, APP));
      chosen.add(best);
      Map<Character, Integer> byZone = new LinkedHashMap<>(Map.of('a', 0, 'b', 0, 'c', 0));
      for (Pod p : placed) {
        byZone.merge(p.getSpec().getNodeName().charAt(0), 1, Integer::sum);
      }
      zoneCounts.add(byZone.get('a') + "/" + byZone.get('b') + "/" + byZone.get('c'));
    }
    assertThat(chosen)
        .containsExactly("a-1", "b-1", "c-1", "a-2", "a-3", "b-1", "c-1", "b-1", "c-1");
    assertThat(zoneCounts)
        .containsExactly(
            "1/0/0", "1/1/0", "1/1/1", "2/1/1", "3/1/1", "3/2/1", "3/2/2", "3/3/2", "3/3/3");
  }

  @Test
  void unequalZonesCanTieTheLoneNodeWithAnEmptyOne() {
    // zone-a has one node, zone-b three. With a:1, b1:1, b2:1, b3:0 the lone node of the
    // emptier zone and the empty node of the fuller zone both score 33: SelectorSpread alone
    // may put a second replica on a while b3 has none.
    List<Node> nodes =
        List.of(
            node("a", labels(ZONE, "zone-a")),
            node("b1", labels(ZONE, "zone-b")),
            node("b2", labels(ZONE, "zone-b")),
            node("b3", labels(ZONE, "zone-b")));
    List<Pod> pods =
        List.of(pod("default", "a", APP), pod("default", "b1", APP), pod("default", "b2", APP));
    assertThat(spread(pods, nodes))
        .containsExactlyEntriesOf(expect("a", 33, "b1", 0, "b2", 0, "b3", 33));
  }

  @Test
  void nodesWithoutZoneKeepTheNodeOnlyScoreNextToZonedOnes() {
    List<Node> nodes = List.of(node("a", labels(ZONE, "zone-a")), node("x", Map.of()));
    List<Pod> pods =
        List.of(pod("default", "a", APP), pod("default", "x", APP), pod("default", "x", APP));
    // maxByNode 2: a node 50, zone 0 -> 16; x node 0 (no zone) -> 0.
    assertThat(spread(pods, nodes)).containsExactlyEntriesOf(expect("a", 16, "x", 0));
  }

  @Test
  void aNodeTheSnapshotDoesNotHaveFailsTheReduce() {
    Snapshot s = Snapshot.of(List.of(), List.of(node("a", Map.of())));
    NodeScoreList row = new NodeScoreList(List.of("a", "gone"));
    assertThatThrownBy(() -> SelectorSpread.calculateSpreadPriorityReduce(null, null, s, row))
        .isInstanceOf(Cache.CacheException.class)
        .hasMessageContaining("gone");
    assertThatThrownBy(
            () ->
                new ServiceAntiAffinity(ServiceLister.EMPTY, List.of("zone"))
                    .calculateAntiAffinityPriorityReduce(null, null, s, row))
        .isInstanceOf(Cache.CacheException.class);
  }

  @Test
  void mapFunctionsNeedANode() {
    Pod p = pod("default", null, APP);
    NodeInfo empty = new NodeInfo();
    assertThatThrownBy(
            () ->
                new SelectorSpread(SpreadListers.EMPTY).calculateSpreadPriorityMap(p, null, empty))
        .hasMessage("node not found");
    assertThatThrownBy(
            () -> EvenPodsSpreadPriority.calculateEvenPodsSpreadPriorityMap(p, null, empty))
        .hasMessage("node not found");
    assertThatThrownBy(
            () ->
                new ServiceAntiAffinity(ServiceLister.EMPTY, List.of("z"))
                    .calculateAntiAffinityPriorityMap(p, null, empty))
        .hasMessage("node not found");
  }

  @Test
  void withoutMetadataEvenPodsSpreadLeavesTheRowAlone() {
    Snapshot s = Snapshot.of(List.of(), List.of(node("a", Map.of())));
    NodeScoreList row = new NodeScoreList(List.of("a"));
    row.setScore(0, 7);
    EvenPodsSpreadPriority.calculateEvenPodsSpreadPriorityReduce(null, null, s, row);
    assertThat(row.score(0)).isEqualTo(7);
  }

  @Test
  void aServiceAntiAffinityNeedsALabel() {
    assertThatThrownBy(() -> new ServiceAntiAffinity(ServiceLister.EMPTY, List.of()))
        .hasMessage("ServiceAntiAffinity: no label given");
  }
}
