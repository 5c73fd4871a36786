package io.kubelab.scheduler.spread;

import static io.kubelab.scheduler.spread.Objects.labels;
import static io.kubelab.scheduler.spread.Objects.node;
import static io.kubelab.scheduler.spread.Objects.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.apimachinery.testing.Generators;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.predicates.GeneralPredicates;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The spread map as v1.18's PodTopologySpread PreScore builds it ({@code buildV118}), and the edges
 * of the map both versions share: which pods, which nodes, which pairs.
 */
class PodTopologySpreadV118Test {

  static final Pod INCOMING =
      Fixtures.pod("incoming")
          .namespace("prod")
          .labels("app", "web")
          .spreadConstraint(1, "zone", "ScheduleAnyway", Fixtures.matchLabels("app", "web"))
          .build();

  /** Zone a: n1 (scored), n3 (not scored); zone b: n2 (scored); zone c: n4 (not scored). */
  static List<Node> nodes() {
    return List.of(
        node("n1", labels("zone", "a")),
        node("n2", labels("zone", "b")),
        node("n3", labels("zone", "a")),
        node("n4", labels("zone", "c")));
  }

  static List<Pod> pods() {
    Pod deleting = pod("prod", "n1", labels("app", "web"));
    deleting.getMetadata().setDeletionTimestamp(Instant.EPOCH.toString());
    return List.of(
        pod("prod", "n1", labels("app", "web")),
        deleting,
        pod("other", "n1", labels("app", "web")),
        pod("prod", "n2", labels("app", "web")),
        pod("prod", "n2", labels("app", "api")),
        pod("prod", "n3", labels("app", "web")),
        pod("prod", "n4", labels("app", "web")));
  }

  static PodTopologySpreadMap build(boolean v118) {
    Snapshot s = Snapshot.of(pods(), nodes());
    List<NodeInfo> scored = List.of(s.get("n1"), s.get("n2"));
    return v118
        ? PodTopologySpreadMap.buildV118(INCOMING, scored, s.list())
        : PodTopologySpreadMap.build(INCOMING, scored, s.list());
  }

  @Test
  void v118CountsOnlyLivePodsOfThePodsNamespace() {
    // Zone a: n1's live prod web pod and n3's; the deleting one and the one in "other" do not
    // count.
    assertThat(build(true).count("zone", "a")).isEqualTo(2);
    assertThat(build(true).count("zone", "b")).isEqualTo(1);
  }

  @Test
  void countingTheNodesOnWorkersGivesTheSameCounts() {
    Snapshot s = Snapshot.of(pods(), nodes());
    List<NodeInfo> scored = List.of(s.get("n1"), s.get("n2"), s.get("n4"));
    try (Parallelizer workers = new Parallelizer("v118-counts", 3)) {
      PodTopologySpreadMap parallel =
          PodTopologySpreadMap.buildV118(INCOMING, scored, s.list(), workers);
      assertThat(parallel.counts())
          .isEqualTo(PodTopologySpreadMap.buildV118(INCOMING, scored, s.list()).counts())
          .containsEntry(new PodTopologySpreadMap.TopologyPair("zone", "a"), 2L)
          .containsEntry(new PodTopologySpreadMap.TopologyPair("zone", "b"), 1L)
          .containsEntry(new PodTopologySpreadMap.TopologyPair("zone", "c"), 1L);
    }
  }

  @Test
  void v117CountsEveryMatchingPodWhateverItsNamespaceAndState() {
    assertThat(build(false).count("zone", "a")).isEqualTo(4);
    assertThat(build(false).count("zone", "b")).isEqualTo(1);
  }

  @Test
  void aPairNoScoredNodeHasIsNeitherCountedNorKnown() {
    PodTopologySpreadMap m = build(true);
    assertThat(m.count("zone", "c")).isEqualTo(-1);
    assertThat(m.count("rack", "a")).isEqualTo(-1);
    assertThat(m.counts())
        .containsExactly(
            Map.entry(new PodTopologySpreadMap.TopologyPair("zone", "a"), 2L),
            Map.entry(new PodTopologySpreadMap.TopologyPair("zone", "b"), 1L));
    assertThat(m.constraints())
        .extracting(PodTopologySpreadMap.Constraint::topologyKey)
        .containsExactly("zone");
    assertThat(m.toString()).contains("nodes=[n1, n2]").contains("zone");
  }

  @Test
  void aScoredNodeWithoutLabelsIsNotEligible() {
    Node bare = new NodeBuilder().withNewMetadata().withName("bare").endMetadata().build();
    Snapshot s = Snapshot.of(List.of(), List.of(bare, node("n1", labels("zone", "a"))));
    PodTopologySpreadMap m =
        PodTopologySpreadMap.buildV118(INCOMING, List.of(s.get("bare"), s.get("n1")), s.list());
    assertThat(m.nodeNameSet()).containsExactly("n1");
    assertThat(m.isEligible("bare")).isFalse();
  }

  @Test
  void noScoredNodeOrNoNodeAtAllBuildsNoMap() {
    Snapshot s = Snapshot.of(pods(), nodes());
    assertThat(PodTopologySpreadMap.buildV118(INCOMING, List.of(), s.list())).isNull();
    assertThat(PodTopologySpreadMap.buildV118(INCOMING, s.list(), List.of())).isNull();
    Pod plain = Fixtures.pod("plain").labels("app", "web").build();
    assertThat(PodTopologySpreadMap.buildV118(plain, s.list(), s.list())).isNull();
  }

  @Test
  void nodesThePodsNodeSelectorExcludesAreNotCounted() {
    Pod picky =
        Fixtures.pod("picky")
            .namespace("prod")
            .labels("app", "web")
            .nodeSelector("disk", "ssd")
            .spreadConstraint(1, "zone", "ScheduleAnyway", Fixtures.matchLabels("app", "web"))
            .build();
    Snapshot s =
        Snapshot.of(
            List.of(
                pod("prod", "ssd", labels("app", "web")), pod("prod", "hdd", labels("app", "web"))),
            List.of(
                node("ssd", labels("zone", "a", "disk", "ssd")),
                node("hdd", labels("zone", "a", "disk", "hdd"))));
    assertThat(PodTopologySpreadMap.buildV118(picky, s.list(), s.list()).count("zone", "a"))
        .isEqualTo(1);
  }

  /**
   * The map compiles the pod's node selector and required node affinity once; on every node it
   * answers as chapter 03's predicate does.
   */
  @Test
  void compiledNodeSelectorAndAffinityAgreeWithTheGeneralPredicate() {
    qt().withFixedSeed(0xaff1L)
        .withExamples(400)
        .forAll(Generators.pods(), Generators.nodes())
        .checkAssert(
            (pod, node) ->
                assertThat(
                        PodTopologySpreadMap.podMatchesNodeSelectorAndAffinityTerms(pod).test(node))
                    .isEqualTo(
                        GeneralPredicates.podMatchesNodeSelectorAndAffinityTerms(pod, node)));
  }

  @Test
  void countsHandedInPerDomainGiveTheWalksCountsForTheScoredPairsOnly() {
    // What chapter 08's index hands in for zone: live prod web pods per zone over every node.
    Snapshot s = Snapshot.of(pods(), nodes());
    List<NodeInfo> scored = List.of(s.get("n1"), s.get("n2"));
    List<String> asked = new java.util.ArrayList<>();
    io.kubelab.scheduler.predicates.EvenPodsSpreadMetadata.DomainCounts counts =
        (key, required, namespace, selector, action) -> {
          assertThat(required).containsExactly("zone");
          assertThat(namespace).isEqualTo("prod");
          asked.add(key);
          action.accept("a", 2);
          action.accept("b", 1);
          action.accept("c", 1);
        };
    PodTopologySpreadMap handedIn = PodTopologySpreadMap.buildV118(INCOMING, scored, counts);
    PodTopologySpreadMap walked = PodTopologySpreadMap.buildV118(INCOMING, scored, s.list());
    assertThat(handedIn.counts())
        .as("zone c has no scored node: not a pair")
        .isEqualTo(walked.counts())
        .containsOnlyKeys(
            new PodTopologySpreadMap.TopologyPair("zone", "a"),
            new PodTopologySpreadMap.TopologyPair("zone", "b"));
    assertThat(handedIn.nodeNameSet()).isEqualTo(walked.nodeNameSet());
    assertThat(handedIn.score(Map.of("zone", "a"))).isEqualTo(walked.score(Map.of("zone", "a")));
    assertThat(asked).containsExactly("zone");

    // A key no scored node carries is never asked for; no scored node, or no soft constraint,
    // builds no map.
    Pod racks =
        Fixtures.pod("racks")
            .namespace("prod")
            .spreadConstraint(1, "rack", "ScheduleAnyway", Fixtures.matchLabels("app", "web"))
            .build();
    assertThat(PodTopologySpreadMap.buildV118(racks, scored, counts).counts()).isEmpty();
    assertThat(asked).containsExactly("zone");
    assertThat(PodTopologySpreadMap.buildV118(INCOMING, List.of(), counts)).isNull();
    assertThat(PodTopologySpreadMap.buildV118(Fixtures.pod("plain").build(), scored, counts))
        .isNull();
  }
}
