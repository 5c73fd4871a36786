package io.kubelab.scheduler.spread;

import static io.kubelab.scheduler.spread.Objects.labels;
import static io.kubelab.scheduler.spread.Objects.node;
import static io.kubelab.scheduler.spread.Objects.pod;
import static io.kubelab.scheduler.spread.Objects.rs;
import static io.kubelab.scheduler.spread.Objects.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.algorithm.PriorityMetadata;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/** Invariants of the spreading priorities over generated clusters. */
class SpreadPropertyTest {

  static final Map<String, String> APP = labels("app", "web");

  /**
   * Places {@code replicas} pods of one ReplicaSet one by one, each on a node with the highest
   * SelectorSpread score (ties broken by {@code random}, as selectHost does), and returns the pods
   * per node after each placement.
   */
  static List<Map<String, Integer>> placeReplicas(List<Node> nodes, int replicas, Random random) {
    InMemoryListers l = new InMemoryListers();
    l.add(rs("default", Fixtures.matchLabels("app", "web")));
    SpreadListers listers = l.spreadListers();
    SelectorSpread spread = new SelectorSpread(listers);
    List<Pod> placed = new ArrayList<>();
    Map<String, Integer> perNode = new HashMap<>();
    nodes.forEach(n -> perNode.put(n.getMetadata().getName(), 0));
    List<Map<String, Integer>> history = new ArrayList<>();
    for (int r = 0; r < replicas; r++) {
      Pod replica = pod("default", null, APP);
      Snapshot snapshot = Snapshot.of(placed, nodes);
      PriorityMetadata meta = Run.metadata(replica, listers, nodes, snapshot);
      Map<String, Long> scores =
          Run.mapReduce(
              spread::calculateSpreadPriorityMap,
              SelectorSpread::calculateSpreadPriorityReduce,
              meta,
              replica,
              snapshot,
              nodes);
      long best = scores.values().stream().mapToLong(Long::longValue).max().orElseThrow();
      List<String> top =
          scores.entrySet().stream()
              .filter(e -> e.getValue() == best)
              .map(Map.Entry::getKey)
              .toList();
      String chosen = top.get(random.nextInt(top.size()));
      placed.add(pod("default", chosen, APP));
      perNode.merge(chosen, 1, Integer::sum);
      history.add(new HashMap<>(perNode));
    }
    return history;
  }

  static int spreadOf(Iterable<Integer> counts) {
    int min = Integer.MAX_VALUE;
    int max = Integer.MIN_VALUE;
    for (int c : counts) {
      min = Math.min(min, c);
      max = Math.max(max, c);
    }
    return max - min;
  }

  @Test
  void replicasOnEqualNodesStayWithinOnePerNodeAndPerZone() {
    qt().withFixedSeed(0x5b4eadL)
        .withExamples(60)
        .forAll(
            Generate.range(1, 4),
            Generate.range(1, 4),
            Generate.range(1, 30),
            Generate.longRange(0, 1L << 40))
        .checkAssert(
            (zones, perZone, replicas, seed) -> {
              List<Node> nodes = new ArrayList<>();
              Map<String, String> zoneOf = new HashMap<>();
              for (int z = 0; z < zones; z++) {
                for (int i = 0; i < perZone; i++) {
                  String name = "z" + z + "-n" + i;
                  nodes.add(node(name, labels(Zones.LABEL_ZONE_FAILURE_DOMAIN_STABLE, "z" + z)));
                  zoneOf.put(name, "z" + z);
                }
              }
              for (Map<String, Integer> perNode :
                  placeReplicas(nodes, replicas, new Random(seed))) {
                assertThat(spreadOf(perNode.values()))
                    .as("per node %s", perNode)
                    .isLessThanOrEqualTo(1);
                Map<String, Integer> perZoneCount = new HashMap<>();
                perNode.forEach((n, c) -> perZoneCount.merge(zoneOf.get(n), c, Integer::sum));
                assertThat(spreadOf(perZoneCount.values()))
                    .as("per zone %s", perZoneCount)
                    .isLessThanOrEqualTo(1);
              }
            });
  }

  @Test
  void replicasOnNodesWithoutZonesStayWithinOnePerNode() {
    qt().withFixedSeed(0x2e5e7L)
        .withExamples(40)
        .forAll(Generate.range(1, 9), Generate.range(1, 30), Generate.longRange(0, 1L << 40))
        .checkAssert(
            (n, replicas, seed) -> {
              List<Node> nodes = new ArrayList<>();
              for (int i = 0; i < n; i++) {
                nodes.add(node("n" + i, Map.of()));
              }
              for (Map<String, Integer> perNode :
                  placeReplicas(nodes, replicas, new Random(seed))) {
                assertThat(spreadOf(perNode.values())).isLessThanOrEqualTo(1);
              }
            });
  }

  static final List<String> ZONE_VALUES = List.of("", "a", "b", "c");

  /** Nodes with the zone labels picked by {@code zones} (0: none; beta or GA by parity). */
  static List<Node> zonedNodes(int[] zones) {
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < zones.length; i++) {
      int z = zones[i] % ZONE_VALUES.size();
      String key =
          i % 2 == 0 ? Zones.LABEL_ZONE_FAILURE_DOMAIN : Zones.LABEL_ZONE_FAILURE_DOMAIN_STABLE;
      nodes.add(node("n" + i, z == 0 ? Map.of() : labels(key, ZONE_VALUES.get(z))));
    }
    return nodes;
  }

  @Test
  void everyReduceScoresWithinZeroToOneHundred() {
    qt().withFixedSeed(0x0100L)
        .withExamples(300)
        .forAll(
            Generate.intArrays(Generate.range(1, 12), Generate.range(0, 7)),
            Generate.intArrays(Generate.range(12, 12), Generate.range(0, 40)))
        .checkAssert(
            (zones, counts) -> {
              List<Node> nodes = zonedNodes(zones);
              Snapshot snapshot = Snapshot.of(List.of(), nodes);
              List<String> names = nodes.stream().map(n -> n.getMetadata().getName()).toList();
              NodeScoreList selector = row(names, counts);
              SelectorSpread.calculateSpreadPriorityReduce(null, null, snapshot, selector);
              NodeScoreList anti = row(names, counts);
              new ServiceAntiAffinity(
                      ServiceLister.EMPTY, List.of(Zones.LABEL_ZONE_FAILURE_DOMAIN, "x"))
                  .calculateAntiAffinityPriorityReduce(null, null, snapshot, anti);
              for (NodeScoreList r : List.of(selector, anti)) {
                for (long s : r.scores()) {
                  assertThat(s).isBetween(0L, 100L);
                }
              }
            });
  }

  static NodeScoreList row(List<String> names, int[] counts) {
    NodeScoreList r = new NodeScoreList(names);
    for (int i = 0; i < names.size(); i++) {
      r.setScore(i, counts[i]);
    }
    return r;
  }

  @Test
  void podsOnNodesThatFailedFilteringNeverChangeTheScores() {
    qt().withFixedSeed(0xf11eL)
        .withExamples(150)
        .forAll(
            Generate.intArrays(Generate.range(2, 10), Generate.range(0, 7)),
            Generate.intArrays(Generate.range(0, 30), Generate.range(0, 999)),
            Generate.intArrays(Generate.range(1, 20), Generate.range(0, 999)))
        .checkAssert(
            (zones, placement, extra) -> {
              List<Node> nodes = zonedNodes(zones);
              // The first half passed filtering; the others did not.
              List<Node> filtered = nodes.subList(0, (nodes.size() + 1) / 2);
              List<Node> failed = nodes.subList(filtered.size(), nodes.size());
              InMemoryListers l = new InMemoryListers();
              l.add(service("default", APP));
              SpreadListers listers = l.spreadListers();
              List<Pod> pods = new ArrayList<>();
              for (int p : placement) {
                pods.add(pod("default", "n" + p % nodes.size(), APP));
              }
              Map<String, Long> before = score(pods, nodes, filtered, listers);
              if (!failed.isEmpty()) {
                for (int e : extra) {
                  pods.add(
                      pod("default", failed.get(e % failed.size()).getMetadata().getName(), APP));
                }
              }
              assertThat(score(pods, nodes, filtered, listers)).isEqualTo(before);
            });
  }

  static Map<String, Long> score(
      List<Pod> pods, List<Node> all, List<Node> filtered, SpreadListers l) {
    Snapshot snapshot = Snapshot.of(pods, all);
    Pod incoming = pod("default", null, APP);
    SelectorSpread spread = new SelectorSpread(l);
    return Run.mapReduce(
        spread::calculateSpreadPriorityMap,
        SelectorSpread::calculateSpreadPriorityReduce,
        Run.metadata(incoming, l, filtered, snapshot),
        incoming,
        snapshot,
        filtered);
  }
}
