package io.kubelab.scheduler.framework.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.labels.LabelSelectors;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.cache.PodAffinityInfo;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The index InterPodAffinity and PodTopologySpread read their counts from, by example: what it
 * keeps per pod class, per slice and per distinct term, and how it follows a snapshot. The property
 * tests ({@link InterPodAffinityIndexPropertyTest}, {@link PodTopologySpreadIndexPropertyTest})
 * check its counts against walks over every node; these pin what those cannot see: that a slice is
 * counted once and then kept, that a class or term whose last pod left is forgotten, and that
 * another snapshot is read from scratch.
 */
class PodDomainIndexTest {

  private static final PodDomainIndex.Slice ZONE =
      new PodDomainIndex.Slice(Fixtures.LABEL_ZONE, List.of());
  private static final PodDomainIndex.PodClass WEB =
      new PodDomainIndex.PodClass("default", false, Map.of("app", "web"));

  private final SchedulerCache cache = new SchedulerCache(new FakeClock());
  private final Snapshot snapshot = new Snapshot();
  private final PodDomainIndex index = new PodDomainIndex();

  @AfterEach
  void close() {
    cache.close();
  }

  private static Pod web(String name, String node) {
    return Fixtures.pod(name).namespace("default").label("app", "web").nodeName(node).build();
  }

  private void sync() {
    cache.updateSnapshot(snapshot);
    index.sync(snapshot);
  }

  @Test
  void aSliceIsCountedOnceAndThenKeptUpToDateAsNodesChange() {
    cache.addNode(Fixtures.node("n1").zone("a").build());
    cache.addNode(Fixtures.node("n2").zone("b").build());
    cache.addPod(web("p1", "n1"));
    sync();
    PodDomainIndex.ValueCounts perZone = index.counts(WEB, ZONE);
    PodDomainIndex.ValueCounts nodes = index.domains(ZONE);
    assertThat(perZone.byValue()).containsExactly(Map.entry("a", 1L));
    assertThat(nodes.byValue()).containsOnly(Map.entry("a", 1L), Map.entry("b", 1L));

    cache.addPod(web("p2", "n2"));
    cache.addPod(web("p3", "n2"));
    cache.addNode(Fixtures.node("n3").zone("b").build());
    sync();
    assertThat(index.counts(WEB, ZONE)).as("the same counts, kept").isSameAs(perZone);
    assertThat(index.domains(ZONE)).isSameAs(nodes);
    assertThat(perZone.byValue()).containsOnly(Map.entry("a", 1L), Map.entry("b", 2L));
    assertThat(perZone.total()).isEqualTo(3);
    assertThat(nodes.byValue()).containsOnly(Map.entry("a", 1L), Map.entry("b", 2L));
    assertThat(nodes.total()).isEqualTo(3);
    assertThat(index.rebuilds()).isOne();
  }

  @Test
  void aNodeWithoutLabelsOrWithoutARequiredKeyIsInNoDomain() {
    Node bare = Fixtures.node("bare").build();
    bare.getMetadata().setLabels(null);
    cache.addNode(bare);
    cache.addNode(Fixtures.node("zoned").zone("a").build());
    cache.addPod(web("p1", "bare"));
    cache.addPod(web("p2", "zoned"));
    sync();
    assertThat(index.counts(WEB, ZONE).byValue()).containsExactly(Map.entry("a", 1L));
    PodDomainIndex.Slice zoneWithRack =
        new PodDomainIndex.Slice(Fixtures.LABEL_ZONE, List.of(Fixtures.LABEL_ZONE, "rack"));
    assertThat(index.domains(zoneWithRack).byValue()).as("no node has a rack").isEmpty();
    assertThat(index.counts(WEB, zoneWithRack).total()).isZero();
  }

  @Test
  void aClassOrTermWhoseLastPodLeftIsForgotten() {
    cache.addNode(Fixtures.node("n1").zone("a").build());
    Pod p1 = web("p1", "n1");
    Pod repelling =
        Fixtures.pod("r1")
            .namespace("default")
            .label("app", "db")
            .nodeName("n1")
            .requiredPodAntiAffinity(
                Fixtures.affinityTerm(Fixtures.LABEL_ZONE, Fixtures.matchLabels("app", "db")))
            .build();
    Pod repelling2 =
        Fixtures.pod("r2")
            .namespace("default")
            .label("app", "db")
            .nodeName("n1")
            .requiredPodAntiAffinity(
                Fixtures.affinityTerm(Fixtures.LABEL_ZONE, Fixtures.matchLabels("app", "db")))
            .build();
    cache.addPod(p1);
    cache.addPod(repelling);
    cache.addPod(repelling2);
    sync();
    index.counts(WEB, ZONE);
    Map<PodAffinityInfo.Term, PodDomainIndex.TermCounts> anti =
        index.terms(PodDomainIndex.TermKind.REQUIRED_ANTI_AFFINITY);
    assertThat(anti).as("two pods, one distinct term").hasSize(1);
    assertThat(anti.values().iterator().next().counts().byValue())
        .containsExactly(Map.entry("a", 2L));

    PodDomainIndex.ValueCounts before = index.counts(WEB, ZONE);
    cache.removePod(p1);
    cache.removePod(repelling);
    sync();
    assertThat(index.classes()).as("no web pod is left").doesNotContain(WEB);
    assertThat(anti).as("one pod still carries the term").hasSize(1);
    assertThat(anti.values().iterator().next().counts().byValue())
        .containsExactly(Map.entry("a", 1L));
    cache.removePod(repelling2);
    sync();
    assertThat(anti).isEmpty();
    assertThat(index.classes()).isEmpty();
    // A web pod again: counted afresh, not from counts kept for the class that left.
    cache.addPod(web("p4", "n1"));
    sync();
    assertThat(index.counts(WEB, ZONE))
        .as("the class's counts went with it")
        .isNotSameAs(before)
        .extracting(PodDomainIndex.ValueCounts::byValue)
        .isEqualTo(Map.of("a", 1L));
  }

  @Test
  void theSameKeysInAnotherOrderAreOneSliceAndTooManySlicesAreCountedAfresh() {
    cache.addNode(Fixtures.node("n1").zone("a").label("rack", "r1").build());
    cache.addNode(Fixtures.node("n2").zone("b").build());
    cache.addPod(web("p1", "n1"));
    cache.addPod(web("p2", "n2"));
    sync();
    io.kubelab.apimachinery.labels.Selector web =
        LabelSelectors.compile(Fixtures.matchLabels("app", "web"), "test");
    Map<String, Long> first = new LinkedHashMap<>();
    Map<String, Long> second = new LinkedHashMap<>();
    index.forEachDomain(
        Fixtures.LABEL_ZONE, List.of(Fixtures.LABEL_ZONE, "rack"), "default", web, first::put);
    index.forEachDomain(
        Fixtures.LABEL_ZONE, List.of("rack", Fixtures.LABEL_ZONE), "default", web, second::put);
    assertThat(first).as("only n1 has a rack").isEqualTo(Map.of("a", 1L)).isEqualTo(second);
    assertThat(index.slicesKept()).isOne();

    for (int i = 0; i < PodDomainIndex.MAX_SLICES + 5; i++) {
      index.domains(new PodDomainIndex.Slice("key-" + i, List.of()));
    }
    assertThat(index.slicesKept()).isLessThanOrEqualTo(PodDomainIndex.MAX_SLICES);
    Map<String, Long> again = new LinkedHashMap<>();
    index.forEachDomain(
        Fixtures.LABEL_ZONE, List.of(Fixtures.LABEL_ZONE, "rack"), "default", web, again::put);
    assertThat(again).as("counted afresh, the same").isEqualTo(first);
  }

  @Test
  void anotherSnapshotIsReadFromScratchAndTheFirstForgotten() {
    cache.addNode(Fixtures.node("n1").zone("a").build());
    cache.addPod(web("p1", "n1"));
    sync();
    index.counts(WEB, ZONE);
    index.domains(ZONE);

    Snapshot other =
        Snapshot.of(
            List.of(web("q1", "m1"), web("q2", "m1")),
            List.of(Fixtures.node("m1").zone("z").build()));
    index.sync(other);
    assertThat(index.rebuilds()).isEqualTo(2);
    assertThat(index.counts(WEB, ZONE).byValue()).containsExactly(Map.entry("z", 2L));
    assertThat(index.domains(ZONE).byValue()).containsExactly(Map.entry("z", 1L));
    assertThat(index.terms(PodDomainIndex.TermKind.REQUIRED_ANTI_AFFINITY)).isEmpty();
  }

  @Test
  void forEachDomainCountsLivePodsOfTheNamespaceInEveryDomainOfTheSlice() {
    cache.addNode(Fixtures.node("n1").zone("a").build());
    cache.addNode(Fixtures.node("n2").zone("b").build());
    cache.addNode(Fixtures.node("n3").zone("c").build());
    cache.addPod(web("p1", "n1"));
    Pod leaving = web("p2", "n2");
    leaving.getMetadata().setDeletionTimestamp("2020-01-01T00:00:00Z");
    cache.addPod(leaving);
    cache.addPod(Fixtures.pod("p3").namespace("other").label("app", "web").nodeName("n3").build());
    sync();
    Map<String, Long> seen = new LinkedHashMap<>();
    index.forEachDomain(
        Fixtures.LABEL_ZONE,
        List.of(Fixtures.LABEL_ZONE),
        "default",
        LabelSelectors.compile(Fixtures.matchLabels("app", "web"), "test"),
        seen::put);
    assertThat(seen).containsOnly(Map.entry("a", 1L), Map.entry("b", 0L), Map.entry("c", 0L));
  }

  @Test
  void aTermMatchingManyClassesHasTheirCountsSummedOnceAndStillCountsEveryPod() {
    // Six versions of one app: six classes that one anti-affinity term matches, more parts for
    // one key than a cycle sums at each lookup, so the cycle adds them up into one table first.
    List<Node> nodes = new java.util.ArrayList<>();
    List<Pod> pods = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      nodes.add(Fixtures.node("n" + i).zone(i < 5 ? "a" : "b").build());
      pods.add(
          Fixtures.pod("web-v" + i)
              .namespace("default")
              .labels("app", "web", "version", "v" + i)
              .nodeName("n" + (i < 5 ? i : 0))
              .build());
    }
    nodes.add(Fixtures.node("free").zone("c").build());
    Snapshot s = Snapshot.of(pods, nodes);
    InterPodAffinity plugin =
        new InterPodAffinity(
            io.kubelab.scheduler.framework.PluginArgs.NONE, PluginHandles.onCaller(s));
    Pod incoming =
        Fixtures.pod("incoming")
            .namespace("default")
            .requiredPodAntiAffinity(
                Fixtures.affinityTerm(Fixtures.LABEL_ZONE, Fixtures.matchLabels("app", "web")))
            .build();
    io.kubelab.scheduler.framework.CycleState state =
        new io.kubelab.scheduler.framework.CycleState();
    assertThat(plugin.preFilter(state, incoming))
        .isEqualTo(io.kubelab.scheduler.framework.Status.SUCCESS);
    assertThat(plugin.filter(state, incoming, s.get("n1")).isSuccess())
        .as("zone a holds six web pods")
        .isFalse();
    assertThat(plugin.filter(state, incoming, s.get("n5")).isSuccess())
        .as("zone b holds none: web-v5 runs on n0")
        .isTrue();
    assertThat(plugin.filter(state, incoming, s.get("free")).isSuccess()).isTrue();
    // RemovePod on a clone: five of the six leave zone a, one still repels.
    io.kubelab.scheduler.framework.CycleState trial = state.clone();
    for (int i = 0; i < 5; i++) {
      plugin.removePod(trial, incoming, pods.get(i), s.get("n" + i));
    }
    assertThat(plugin.filter(trial, incoming, s.get("n1")).isSuccess()).isFalse();
    plugin.removePod(trial, incoming, pods.get(5), s.get("n0"));
    assertThat(plugin.filter(trial, incoming, s.get("n1")).isSuccess())
        .as("every web pod removed in the trial")
        .isTrue();
    assertThat(plugin.filter(state, incoming, s.get("n1")).isSuccess())
        .as("the cycle's own state is unchanged")
        .isFalse();
  }

  @Test
  void anExistingPodsMalformedSelectorIsTheErrorBeforeTheIncomingPodsAsInV118() {
    // v1.18's PreFilter matches the existing pods' anti-affinity terms before it compiles the
    // incoming pod's own: with a malformed selector on both sides, the existing pod's is reported.
    io.fabric8.kubernetes.api.model.LabelSelector broken =
        new io.fabric8.kubernetes.api.model.LabelSelectorBuilder()
            .addNewMatchExpression()
            .withKey("app")
            .withOperator("In")
            .endMatchExpression()
            .build();
    Pod existing =
        Fixtures.pod("existing-broken")
            .namespace("default")
            .nodeName("n1")
            .requiredPodAntiAffinity(Fixtures.affinityTerm(Fixtures.LABEL_ZONE, broken))
            .build();
    Snapshot s = Snapshot.of(List.of(existing), List.of(Fixtures.node("n1").zone("a").build()));
    Pod incoming =
        Fixtures.pod("incoming-broken")
            .namespace("default")
            .requiredPodAffinity(Fixtures.affinityTerm(Fixtures.LABEL_ZONE, broken))
            .build();
    io.kubelab.scheduler.framework.Status status =
        new InterPodAffinity(
                io.kubelab.scheduler.framework.PluginArgs.NONE, PluginHandles.onCaller(s))
            .preFilter(new io.kubelab.scheduler.framework.CycleState(), incoming);
    assertThat(status.code()).isEqualTo(io.kubelab.scheduler.framework.Code.ERROR);
    assertThat(status.message())
        .startsWith("calculating preFilterState: ")
        .contains("existing-broken")
        .doesNotContain("incoming-broken");
  }
}
