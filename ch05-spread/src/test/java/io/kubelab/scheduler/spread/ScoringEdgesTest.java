package io.kubelab.scheduler.spread;

import static io.kubelab.apimachinery.testing.Fixtures.matchLabels;
import static io.kubelab.scheduler.algorithm.PriorityNames.EVEN_PODS_SPREAD_PRIORITY;
import static io.kubelab.scheduler.spread.Objects.labels;
import static io.kubelab.scheduler.spread.Objects.node;
import static io.kubelab.scheduler.spread.Objects.pod;
import static io.kubelab.scheduler.spread.Run.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.AlgorithmProviders;
import io.kubelab.scheduler.algorithm.AlgorithmRegistry;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.algorithm.policy.Policy;
import io.kubelab.scheduler.cache.Cache;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.predicates.Predicates;
import io.kubelab.scheduler.priorities.MetadataExtension;
import io.kubelab.scheduler.priorities.MetadataFactory;
import io.kubelab.scheduler.priorities.MetadataPart;
import io.kubelab.scheduler.priorities.PodPriorityMetadata;
import io.kubelab.scheduler.priorities.Priorities;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The spreading priorities where upstream's code takes a turn the tables do not exercise: two
 * constraints on one topology key, a reduce handed other nodes or another snapshot than the map's,
 * nodes without labels, the metadata's selector against the priority's own listers, and the gate
 * that adds EvenPodsSpreadPriority to the providers.
 */
class ScoringEdgesTest {

  // ---- EvenPodsSpreadPriority ----------------------------------------------------------------

  /** A pod labelled {@code app=a} with ScheduleAnyway constraints (key, selector). */
  static Pod softlySpread(Object... keyAndSelector) {
    Fixtures.PodFixture f = Fixtures.pod("p").labels("app", "a");
    for (int i = 0; i < keyAndSelector.length; i += 2) {
      f.spreadConstraint(
          1,
          (String) keyAndSelector[i],
          "ScheduleAnyway",
          (io.fabric8.kubernetes.api.model.LabelSelector) keyAndSelector[i + 1]);
    }
    Pod p = f.build();
    p.getMetadata().setNamespace("");
    // No node selector at all, as a Go pod whose nodeSelector map is nil.
    p.getSpec().setNodeSelector(null);
    return p;
  }

  /**
   * Upstream keys the counts by topology pair, not by constraint: two constraints on {@code zone}
   * with different selectors add their matching pods into the same {@code (zone, z1)} counter, and
   * a node's map score adds that shared counter once per constraint.
   */
  @Test
  void constraintsOnTheSameKeyShareTheirPairsCounts() {
    Pod incoming = softlySpread("zone", matchLabels("app", "a"), "zone", matchLabels("app", "b"));
    List<Node> nodes = List.of(node("n1", labels("zone", "z1")), node("n2", labels("zone", "z2")));
    List<Pod> pods =
        List.of(
            pod("n1", labels("app", "a")),
            pod("n1", labels("app", "a")),
            pod("n2", labels("app", "b")));
    Snapshot s = Snapshot.of(pods, nodes);
    PodPriorityMetadata meta = Run.metadata(incoming, SpreadListers.EMPTY, nodes, s);
    // (zone, z1) = 2 a-pods + 0 b-pods; (zone, z2) = 0 + 1. Each node counts its pair twice.
    assertThat(
            Run.mapReduce(
                EvenPodsSpreadPriority::calculateEvenPodsSpreadPriorityMap,
                null,
                meta,
                incoming,
                s,
                nodes))
        .isEqualTo(expect("n1", 4, "n2", 2));
    // The direct build, without the index, counts the same way.
    PodTopologySpreadMap direct = PodTopologySpreadMap.build(incoming, s.list(), s.list());
    assertThat(direct.count("zone", "z1")).isEqualTo(2);
    assertThat(direct.count("zone", "z2")).isEqualTo(1);
    assertThat(direct.score(labels("zone", "z1"))).isEqualTo(4);
  }

  /** A zone-spread pod, its metadata over {@code a} (zone1) and {@code b} (zone2). */
  private record Built(Pod pod, Snapshot snapshot, PodPriorityMetadata meta) {}

  private static Built zoneSpread() {
    Pod incoming = softlySpread("zone", matchLabels("app", "a"));
    List<Node> nodes =
        List.of(
            node("a", labels("zone", "zone1")),
            node("b", labels("zone", "zone2")),
            node("c", labels("rack", "r1")));
    Snapshot s = Snapshot.of(List.of(pod("a", labels("app", "a"))), nodes);
    return new Built(incoming, s, Run.metadata(incoming, SpreadListers.EMPTY, nodes, s));
  }

  /**
   * {@code CalculateEvenPodsSpreadPriorityReduce} looks every node of the result up in the snapshot
   * it is given and fails for one it does not know, whatever the metadata was built from.
   */
  @Test
  void theReduceFailsForANodeItsSnapshotDoesNotHave() {
    Built b = zoneSpread();
    NodeScoreList withGhost = new NodeScoreList(List.of("a", "b", "c", "ghost"));
    assertThatThrownBy(
            () ->
                EvenPodsSpreadPriority.calculateEvenPodsSpreadPriorityReduce(
                    b.pod(), b.meta(), b.snapshot(), withGhost))
        .isInstanceOf(Cache.CacheException.class)
        .hasMessageContaining("\"ghost\"");
    // The very nodes of the metadata, but scored against a snapshot that has lost node b.
    Snapshot shrunk =
        Snapshot.of(
            List.of(pod("a", labels("app", "a"))),
            List.of(node("a", labels("zone", "zone1")), node("c", labels("rack", "r1"))));
    NodeScoreList same = new NodeScoreList(List.of("a", "b", "c"));
    same.setScore(0, 1);
    assertThatThrownBy(
            () ->
                EvenPodsSpreadPriority.calculateEvenPodsSpreadPriorityReduce(
                    b.pod(), b.meta(), shrunk, same))
        .isInstanceOf(Cache.CacheException.class)
        .hasMessageContaining("\"b\"");
  }

  /** A node without every key is not eligible: the reduce sets it to 0, whatever it was given. */
  @Test
  void theReduceScoresAnIneligibleNodeZeroWhateverItsMapScore() {
    Built b = zoneSpread();
    NodeScoreList result = new NodeScoreList(List.of("a", "b", "c"));
    result.setScore(0, 1);
    result.setScore(2, 7);
    EvenPodsSpreadPriority.calculateEvenPodsSpreadPriorityReduce(
        b.pod(), b.meta(), b.snapshot(), result);
    // total 1, min 0: a = 100 × (1 − 1) / 1, b = 100 × (1 − 0) / 1, c not eligible.
    assertThat(Run.scores(result)).isEqualTo(expect("a", 0, "b", 100, "c", 0));
  }

  /**
   * {@code processNode} skips a NodeInfo whose node is gone ("node not found") and the nodes the
   * pod's own node selector rules out, as {@code PodMatchesNodeSelectorAndAffinityTerms} does.
   */
  @Test
  void theDirectBuildSkipsNodeInfosWithoutANodeAndNodesOutsideThePodsSelection() {
    Pod incoming =
        Fixtures.pod("p")
            .labels("app", "a")
            .nodeSelector("disk", "ssd")
            .spreadConstraint(1, "zone", "ScheduleAnyway", matchLabels("app", "a"))
            .build();
    List<Node> nodes =
        List.of(
            node("ssd1", labels("zone", "z1", "disk", "ssd")),
            node("hdd1", labels("zone", "z1", "disk", "hdd")),
            node("ssd2", labels("zone", "z2", "disk", "ssd")));
    Snapshot s =
        Snapshot.of(
            List.of(
                pod("default", "ssd1", labels("app", "a")),
                pod("default", "hdd1", labels("app", "a")),
                pod("default", "hdd1", labels("app", "a"))),
            nodes);
    List<NodeInfo> all = new ArrayList<>(s.list());
    all.add(new NodeInfo());
    PodTopologySpreadMap m = PodTopologySpreadMap.build(incoming, s.list(), all);
    // hdd1's two pods are in zone z1 but on a node the pod could not run on: not counted.
    assertThat(m.count("zone", "z1")).isEqualTo(1);
    assertThat(m.count("zone", "z2")).isZero();
  }

  @Test
  void aPodWithoutSpecOrConstraintsHasNoSoftConstraint() {
    Pod noList = Fixtures.pod("p").build();
    noList.getSpec().setTopologySpreadConstraints(null);
    assertThat(PodTopologySpreadMap.filterSoftTopologySpreadConstraints(noList)).isEmpty();
    Pod noSpec = Fixtures.pod("p").build();
    noSpec.setSpec(null);
    assertThat(PodTopologySpreadMap.filterSoftTopologySpreadConstraints(noSpec)).isEmpty();
  }

  // ---- without labels, through the metadata's index -----------------------------------------

  /**
   * A pod without labels is matched by no Service selector, and a node without labels has no zone
   * and no topology key: the counts kept across cycles say so as the direct recount does.
   */
  @Test
  void podsAndNodesWithoutLabelsAreCountedThroughTheMetadataAsWithout() {
    InMemoryListers l = new InMemoryListers();
    l.add(Objects.service("", labels("app", "web")));
    Node bareNode = node("bare", Map.of());
    bareNode.getMetadata().setLabels(null);
    List<Node> nodes =
        List.of(bareNode, node("zoned", labels(Zones.LABEL_ZONE_FAILURE_DOMAIN, "z1")));
    Pod barePod = pod("bare", labels("app", "web"));
    barePod.getMetadata().setLabels(null);
    Pod bareZoned = pod("zoned", labels("app", "web"));
    bareZoned.getMetadata().setLabels(null);
    Snapshot s =
        Snapshot.of(
            List.of(
                pod("bare", labels("app", "web")),
                barePod,
                pod("zoned", labels("app", "web")),
                pod("zoned", labels("app", "web")),
                bareZoned),
            nodes);
    Pod incoming = pod(null, labels("app", "web"));
    SelectorSpread spread = new SelectorSpread(l.spreadListers());
    // By node: 1 and 2 of at most 2; the zoned node's zone holds both of the zones' 2.
    Map<String, Long> expected = expect("bare", 50, "zoned", 0);
    assertThat(
            Run.mapReduce(
                spread::calculateSpreadPriorityMap,
                SelectorSpread::calculateSpreadPriorityReduce,
                Run.metadata(incoming, l.spreadListers(), nodes, s),
                incoming,
                s,
                nodes))
        .isEqualTo(expected);
    assertThat(
            Run.mapReduce(
                spread::calculateSpreadPriorityMap,
                SelectorSpread::calculateSpreadPriorityReduce,
                null,
                incoming,
                s,
                nodes))
        .isEqualTo(expected);
    // EvenPodsSpread over the zone label: the node without labels is not eligible.
    Pod zoneSpread = softlySpread(Zones.LABEL_ZONE_FAILURE_DOMAIN, matchLabels("app", "web"));
    assertThat(
            Run.mapReduce(
                EvenPodsSpreadPriority::calculateEvenPodsSpreadPriorityMap,
                null,
                Run.metadata(zoneSpread, SpreadListers.EMPTY, nodes, s),
                zoneSpread,
                s,
                nodes))
        .isEqualTo(expect("bare", 0, "zoned", 2));
  }

  /**
   * A list that carries its nodes' NodeInfos (chapter 08's framework makes them from the snapshot's
   * own) is reduced from them: the same scores as with lookups, and no lookup, so a snapshot that
   * lacks the nodes does not fail it, where a list of names alone does.
   */
  @Test
  void theReduceReadsTheNodeInfosAListCarriesInsteadOfLookingNodesUp() {
    List<Node> nodes =
        List.of(
            node("a1", labels(Zones.LABEL_ZONE_FAILURE_DOMAIN, "za")),
            node("a2", labels(Zones.LABEL_ZONE_FAILURE_DOMAIN, "za")),
            node("b1", labels(Zones.LABEL_ZONE_FAILURE_DOMAIN, "zb")),
            node("bare", Map.of()));
    Snapshot s = Snapshot.of(List.of(), nodes);
    String[] names = {"a1", "a2", "b1", "bare"};
    NodeInfo[] infos = new NodeInfo[names.length];
    for (int i = 0; i < names.length; i++) {
      infos[i] = s.get(names[i]);
    }
    Snapshot empty = Snapshot.of(List.of(), List.of());
    long[][] cases = {{0, 0, 0, 0}, {2, 0, 1, 3}};
    for (long[] raw : cases) {
      NodeScoreList byLookup = NodeScoreList.sharingNames(names.clone());
      NodeScoreList carried = NodeScoreList.sharingNames(names, infos);
      for (int i = 0; i < raw.length; i++) {
        byLookup.setScore(i, raw[i]);
        carried.setScore(i, raw[i]);
      }
      SelectorSpread.calculateSpreadPriorityReduce(null, s, byLookup);
      SelectorSpread.calculateSpreadPriorityReduce(null, empty, carried);
      assertThat(carried.scores()).containsExactly(byLookup.scores());
      NodeScoreList namesOnly = NodeScoreList.sharingNames(names.clone());
      assertThatThrownBy(() -> SelectorSpread.calculateSpreadPriorityReduce(null, empty, namesOnly))
          .isInstanceOf(Cache.CacheException.class);
    }
  }

  /**
   * Metadata produced without a snapshot (a caller that has none): the Services' matching pods are
   * still counted on the filtered nodes, and there is no topology spread map, so EvenPodsSpread
   * scores nothing.
   */
  @Test
  void metadataWithoutASnapshotCountsTheFilteredNodesAndHasNoSpreadMap() {
    InMemoryListers l = new InMemoryListers();
    l.add(Objects.service("", labels("app", "a")));
    List<Node> nodes =
        List.of(node("a", labels("zone", "zone1")), node("b", labels("zone", "zone2")));
    Snapshot s = Snapshot.of(List.of(pod("a", labels("app", "a"))), nodes);
    Pod incoming = softlySpread("zone", matchLabels("app", "a"));
    Map<MetadataExtension<?>, MetadataPart<?>> parts = new LinkedHashMap<>();
    for (MetadataExtension<?> e : SpreadMetadata.EXTENSIONS) {
      parts.put(e, e.factory().apply(Run.args(s, l.spreadListers())));
    }
    PodPriorityMetadata meta =
        new MetadataFactory(1, null, parts).produce(incoming, s.list(), null);
    assertThat(meta.part(SpreadMetadata.POD_TOPOLOGY_SPREAD_MAP)).isNull();
    SelectorSpread spread = new SelectorSpread(l.spreadListers());
    assertThat(spread.calculateSpreadPriorityMap(incoming, meta, s.get("a"))).isEqualTo(1);
    assertThat(spread.calculateSpreadPriorityMap(incoming, meta, s.get("b"))).isZero();
    assertThat(
            EvenPodsSpreadPriority.calculateEvenPodsSpreadPriorityMap(incoming, meta, s.get("a")))
        .isZero();
  }

  // ---- ServiceAntiAffinity -------------------------------------------------------------------

  /**
   * With metadata, {@code CalculateAntiAffinityPriorityMap} counts with the metadata's {@code
   * podFirstServiceSelector}; the priority's own lister is read only without metadata.
   */
  @Test
  void theAntiAffinityMapCountsWithTheMetadatasFirstServiceSelector() {
    InMemoryListers l = new InMemoryListers();
    l.add(Objects.service("prod", labels("app", "web")));
    List<Node> nodes = List.of(node("n1", labels("rack", "r1")));
    Pod incoming = pod("prod", null, labels("app", "web"));
    Snapshot s =
        Snapshot.of(
            List.of(
                pod("prod", "n1", labels("app", "web")), pod("prod", "n1", labels("app", "web"))),
            nodes);
    ServiceAntiAffinity blind = new ServiceAntiAffinity(ServiceLister.EMPTY, List.of("rack"));
    PodPriorityMetadata meta = Run.metadata(incoming, l.spreadListers(), nodes, s);
    assertThat(blind.calculateAntiAffinityPriorityMap(incoming, meta, s.get("n1"))).isEqualTo(2);
    assertThat(blind.calculateAntiAffinityPriorityMap(incoming, null, s.get("n1"))).isZero();
  }

  /** A node without labels has none of the priority's labels: it scores 0. */
  @Test
  void aNodeWithoutLabelsScoresZeroInTheAntiAffinityReduce() {
    Node bare = node("bare", Map.of());
    bare.getMetadata().setLabels(null);
    Snapshot s = Snapshot.of(List.of(), List.of(node("n1", labels("rack", "r1")), bare));
    ServiceAntiAffinity anti = new ServiceAntiAffinity(ServiceLister.EMPTY, List.of("rack"));
    NodeScoreList result = new NodeScoreList(List.of("n1", "bare"));
    result.setScore(0, 1);
    result.setScore(1, 1);
    anti.calculateAntiAffinityPriorityReduce(null, null, s, result);
    // Two service pods, one on a labelled node: 100 × (2 − 1) / 2.
    assertThat(Run.scores(result)).isEqualTo(expect("n1", 50, "bare", 0));
  }

  @Test
  void aPolicyArgumentWithoutALabelIsRejected() {
    Policy.PriorityArgument missing =
        new Policy.PriorityArgument(new Policy.ServiceAntiAffinity(null), null, null);
    assertThatThrownBy(
            () ->
                ServiceAntiAffinity.customPriority(
                    List.of(missing),
                    Run.args(new Snapshot(), new InMemoryListers().spreadListers())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ServiceAntiAffinity: serviceAntiAffinity.label is required (argument 0)");
  }

  // ---- the EvenPodsSpread gate -----------------------------------------------------------------

  /** Upstream's {@code ApplyFeatureGates} inserts the priority's key into every provider itself. */
  @Test
  void theGateOnItsOwnPutsEvenPodsSpreadPriorityIntoEveryProvider() {
    AlgorithmRegistry r = new AlgorithmRegistry();
    AlgorithmProviders.registerAll(r);
    Predicates.registerAll(r);
    Priorities.registerAll(r);
    Spread.registerAll(r);
    Spread.applyFeatureGates(r, true);
    for (String provider :
        List.of(
            AlgorithmRegistry.DEFAULT_PROVIDER, AlgorithmRegistry.CLUSTER_AUTOSCALER_PROVIDER)) {
      assertThat(r.algorithmProvider(provider).priorityFunctionKeys())
          .as(provider)
          .contains(EVEN_PODS_SPREAD_PRIORITY);
    }
  }

  // ---- CheckServiceAffinity ----------------------------------------------------------------

  static final Map<String, String> SERVICE = labels("app", "web");

  static ServiceAffinityPredicate serviceAffinity(Snapshot s, List<String> labels) {
    InMemoryListers l = new InMemoryListers();
    l.add(Objects.service("", SERVICE));
    return new ServiceAffinityPredicate(() -> s, l, labels);
  }

  /**
   * {@code AddUnsetLabelsToMap} fills only what the pod's node selector left open: the pod's own
   * {@code region} stays, the {@code zone} comes from the node of the first service pod.
   */
  @Test
  void thePodsNodeSelectorValuesAreNotOverwrittenByThoseOfTheFirstServicePodsNode() {
    Snapshot s =
        Snapshot.of(
            List.of(pod("", "m1", SERVICE)),
            List.of(
                node("m1", labels("region", "r1", "zone", "z1")),
                node("m2", labels("region", "r2", "zone", "z1")),
                node("m3", labels("region", "r2", "zone", "z2"))));
    ServiceAffinityPredicate p = serviceAffinity(s, List.of("region", "zone"));
    Pod incoming = pod("", null, SERVICE);
    incoming.getSpec().setNodeSelector(labels("region", "r2"));
    assertThat(p.check(incoming, null, s.get("m2")).fits()).isTrue();
    assertThat(p.check(incoming, null, s.get("m1")).fits()).isFalse();
    assertThat(p.check(incoming, null, s.get("m3")).fits()).isFalse();
  }

  /** A label the first service pod's node lacks is not pinned at all. */
  @Test
  void aLabelTheFirstServicePodsNodeLacksIsLeftOpen() {
    Snapshot s =
        Snapshot.of(
            List.of(pod("", "m1", SERVICE)),
            List.of(
                node("m1", labels("region", "r1")),
                node("m2", labels("region", "r1", "zone", "z9")),
                node("m3", labels("region", "r2"))));
    ServiceAffinityPredicate p = serviceAffinity(s, List.of("region", "zone"));
    Pod incoming = pod("", null, SERVICE);
    incoming.getSpec().setNodeSelector(null);
    assertThat(p.check(incoming, null, s.get("m2")).fits()).isTrue();
    assertThat(p.check(incoming, null, s.get("m3")).fits()).isFalse();
  }

  /** The first service pod's node has no labels: nothing is pinned, every node fits. */
  @Test
  void aFirstServicePodOnANodeWithoutLabelsPinsNothing() {
    Node bare = node("m1", Map.of());
    bare.getMetadata().setLabels(null);
    Snapshot s =
        Snapshot.of(
            List.of(pod("", "m1", SERVICE)), List.of(bare, node("m2", labels("region", "r2"))));
    ServiceAffinityPredicate p = serviceAffinity(s, List.of("region"));
    assertThat(p.check(pod("", null, SERVICE), null, s.get("m2")).fits()).isTrue();
  }

  /**
   * The matching pods are remembered for one pod and one state of the snapshot: once the scheduler
   * updates the same snapshot with a service pod bound in between, they are looked up again.
   */
  @Test
  void theSameSnapshotUpdatedWithANewServicePodPinsTheRegion() {
    try (SchedulerCache cache = new SchedulerCache(new FakeClock())) {
      cache.addNode(node("m1", labels("region", "r1")));
      cache.addNode(node("m2", labels("region", "r2")));
      Snapshot s = new Snapshot();
      cache.updateSnapshot(s);
      ServiceAffinityPredicate p = serviceAffinity(s, List.of("region"));
      Pod incoming = pod("", null, SERVICE);
      assertThat(p.check(incoming, null, s.get("m2")).fits()).isTrue();
      cache.addPod(pod("", "m1", SERVICE));
      cache.updateSnapshot(s);
      assertThat(p.check(incoming, null, s.get("m2")).fits()).isFalse();
      assertThat(p.check(incoming, null, s.get("m1")).fits()).isTrue();
    }
  }

  /**
   * The pods that pin are the ones whose labels match the pod's own ({@code
   * CreateSelectorFromLabels(pod.Labels)}): another app's pod pins nothing.
   */
  @Test
  void podsNotLookingLikeThePodPinNothing() {
    Snapshot s =
        Snapshot.of(
            List.of(pod("", "m1", labels("app", "db"))),
            List.of(node("m1", labels("region", "r1")), node("m2", labels("region", "r2"))));
    ServiceAffinityPredicate p = serviceAffinity(s, List.of("region"));
    assertThat(p.check(pod("", null, SERVICE), null, s.get("m2")).fits()).isTrue();
  }

  /**
   * {@code serviceAffinityMetadataProducer} keeps only the matching pods of the pod's namespace
   * ({@code FilterPodsByNamespace}): a look-alike elsewhere pins nothing.
   */
  @Test
  void matchingPodsOfOtherNamespacesPinNothing() {
    Snapshot s =
        Snapshot.of(
            List.of(pod("other", "m1", SERVICE)),
            List.of(node("m1", labels("region", "r1")), node("m2", labels("region", "r2"))));
    ServiceAffinityPredicate p = serviceAffinity(s, List.of("region"));
    assertThat(p.check(pod("", null, SERVICE), null, s.get("m2")).fits()).isTrue();
    assertThat(
            ServiceAffinityPredicate.serviceAffinityMetadata(
                    pod("", null, SERVICE), s, new InMemoryListers())
                .pods())
        .isEmpty();
  }
}
