package io.kubelab.scheduler.predicates;

import static io.kubelab.apimachinery.testing.Fixtures.affinityTerm;
import static io.kubelab.apimachinery.testing.Fixtures.labelExpr;
import static io.kubelab.apimachinery.testing.Fixtures.matchExpressions;
import static io.kubelab.apimachinery.testing.Fixtures.matchLabels;
import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static io.kubelab.scheduler.predicates.TestSupport.meta;
import static io.kubelab.scheduler.predicates.TestSupport.spread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.resource.Resource;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the metadata holds, and how addPod/removePod/shallowCopy behave on small examples. */
class MetadataTest {

  static final List<Node> NODES =
      List.of(
          node("node-a").labels("zone", "zone1").build(),
          node("node-b").labels("zone", "zone1").build(),
          node("node-x").labels("zone", "zone2").build());

  @Test
  void requestsAndPortsArePrecomputed() {
    Pod p = pod("p").requests("500m", "1Gi").hostPort(8080, "TCP", "").build();
    PodPredicateMetadata m = meta(p, List.of(), NODES);
    assertThat(m.podRequest()).isEqualTo(Resource.of(500, 1L << 30));
    assertThat(m.podPorts()).hasSize(1);
    assertThat(m.podPorts().get(0).getHostPort()).isEqualTo(8080);
  }

  @Test
  void topologyMapsRecordWhereMatchingPodsRun() {
    Pod guard =
        pod("guard")
            .requiredPodAntiAffinity(affinityTerm("zone", matchLabels("app", "web")))
            .nodeName("node-a")
            .build();
    Pod db = pod("db").label("app", "db").nodeName("node-x").build();
    Pod p =
        pod("web")
            .label("app", "web")
            .requiredPodAffinity(affinityTerm("zone", matchLabels("app", "db")))
            .requiredPodAntiAffinity(
                affinityTerm("zone", matchExpressions(labelExpr("app", "In", "db", "cache"))))
            .build();
    PodPredicateMetadata m = meta(p, List.of(guard, db), NODES);
    assertThat(m.topologyPairsAntiAffinityPodsMap().asSortedMap())
        .isEqualTo(Map.of("zone=zone1", Set.of("guard_default")));
    assertThat(m.topologyPairsPotentialAffinityPods().asSortedMap())
        .isEqualTo(Map.of("zone=zone2", Set.of("db_default")));
    assertThat(m.topologyPairsPotentialAntiAffinityPods().asSortedMap())
        .isEqualTo(Map.of("zone=zone2", Set.of("db_default")));
  }

  @Test
  void spreadCountsIncludeEmptyDomains() {
    Pod existing = pod("e").label("foo", "").nodeName("node-a").build();
    Pod p =
        spread(
            pod("p").label("foo", "").build(), 1, "zone", "DoNotSchedule", matchLabels("foo", ""));
    EvenPodsSpreadMetadata s = meta(p, List.of(existing), NODES).evenPodsSpreadMetadata();
    assertThat(s.matchNum(new TopologyPair("zone", "zone1"))).isEqualTo(1);
    assertThat(s.matchNum(new TopologyPair("zone", "zone2"))).isZero();
    assertThat(s.minMatchNum("zone")).isZero();
  }

  @Test
  void removeThenAddRestoresTheOriginal() {
    Pod guard =
        pod("guard")
            .requiredPodAntiAffinity(affinityTerm("zone", matchLabels("app", "web")))
            .nodeName("node-a")
            .build();
    Pod other = pod("o").label("foo", "").nodeName("node-x").build();
    Pod p =
        spread(
            pod("web").label("app", "web").label("foo", "").build(),
            1,
            "zone",
            "DoNotSchedule",
            matchLabels("foo", ""));
    PodPredicateMetadata original = meta(p, List.of(guard, other), NODES);
    PodPredicateMetadata copy = original.shallowCopy();
    copy.removePod(guard, NODES.get(0));
    copy.removePod(other, NODES.get(2));
    assertThat(copy).isEqualTo(meta(p, List.of(), NODES)).isNotEqualTo(original);
    assertThat(original)
        .as("the original is untouched by the copy")
        .isEqualTo(meta(p, List.of(guard, other), NODES));
    copy.addPod(guard, NODES.get(0));
    copy.addPod(other, NODES.get(2));
    assertThat(copy).isEqualTo(original);
  }

  @Test
  void spreadUpdatesSkipNodesThePodCannotGoTo() {
    Pod p =
        spread(
            pod("p").label("foo", "").build(), 1, "zone", "DoNotSchedule", matchLabels("foo", ""));
    p.getSpec().getNodeSelector().put("zone", "zone1");
    PodPredicateMetadata m = meta(p, List.of(), NODES);
    Pod onZone2 = pod("o").label("foo", "").nodeName("node-x").build();
    m.addPod(onZone2, NODES.get(2));
    assertThat(m).isEqualTo(meta(p, List.of(onZone2), NODES));
    assertThat(m.evenPodsSpreadMetadata().matchNum(new TopologyPair("zone", "zone2"))).isZero();
  }

  @Test
  void repeatedAdditionsKeepTheMinimumExact() {
    // zone1 has two nodes, zone2 one; adding to zone1 twice then zone2 twice must track the minimum
    // the way a from-scratch count would, which two "critical paths" alone cannot always do.
    List<Node> nodes =
        List.of(
            node("a").labels("zone", "z1").build(),
            node("b").labels("zone", "z2").build(),
            node("c").labels("zone", "z3").build());
    Pod p =
        spread(
            pod("p").label("foo", "").build(), 1, "zone", "DoNotSchedule", matchLabels("foo", ""));
    PodPredicateMetadata m = meta(p, List.of(), nodes);
    List<Pod> added = new java.util.ArrayList<>();
    String[] order = {"a", "a", "b", "b", "b", "a"};
    for (int i = 0; i < order.length; i++) {
      Pod e = pod("e" + i).label("foo", "").nodeName(order[i]).build();
      added.add(e);
      m.addPod(
          e,
          nodes.stream()
              .filter(n -> n.getMetadata().getName().equals(e.getSpec().getNodeName()))
              .findFirst()
              .orElseThrow());
      assertThat(m).isEqualTo(meta(p, added, nodes));
    }
    assertThat(m.evenPodsSpreadMetadata().minMatchNum("zone")).isZero();
  }

  static Pod spreadPod() {
    return spread(
        pod("p").label("foo", "").build(), 1, "zone", "DoNotSchedule", matchLabels("foo", ""));
  }

  @Test
  void spreadUpdatesCountOnlyPodsOfTheIncomingPodsNamespace() {
    PodPredicateMetadata m = meta(spreadPod(), List.of(), NODES);
    Pod elsewhere = pod("o").namespace("other").label("foo", "").nodeName("node-x").build();
    m.addPod(elsewhere, NODES.get(2));
    assertThat(m.evenPodsSpreadMetadata().matchNum(new TopologyPair("zone", "zone2"))).isZero();
    assertThat(m).isEqualTo(meta(spreadPod(), List.of(elsewhere), NODES));
  }

  @Test
  void aPodAddedOnANodeTheSnapshotDidNotHaveOpensItsDomain() {
    // A nominated pod may sit on a node that joined after the snapshot: its pair is created, as
    // upstream's updatePod creates a map entry, and the counts equal a fresh computation.
    Node fresh = node("node-z").labels("zone", "zone3").build();
    Pod onFresh = pod("o").label("foo", "").nodeName("node-z").build();
    PodPredicateMetadata m = meta(spreadPod(), List.of(), NODES);
    m.addPod(onFresh, fresh);
    assertThat(m.evenPodsSpreadMetadata().matchNum(new TopologyPair("zone", "zone3"))).isOne();
    assertThat(m.evenPodsSpreadMetadata().minMatchNum("zone")).isZero();

    // With no node counted at first, even the key is new.
    PodPredicateMetadata empty = meta(spreadPod(), List.of(), List.of());
    empty.addPod(onFresh, fresh);
    assertThat(empty.evenPodsSpreadMetadata().minMatchNum("zone")).isOne();
    assertThat(empty).isEqualTo(meta(spreadPod(), List.of(onFresh), List.of(fresh)));
  }

  @Test
  void spreadCountsAreEqualExactlyWhenEveryPairsCountIs() {
    Pod onA = pod("e").label("foo", "").nodeName("node-a").build();
    Pod onX = pod("f").label("foo", "").nodeName("node-x").build();
    EvenPodsSpreadMetadata one = meta(spreadPod(), List.of(onA), NODES).evenPodsSpreadMetadata();
    EvenPodsSpreadMetadata same = meta(spreadPod(), List.of(onA), NODES).evenPodsSpreadMetadata();
    EvenPodsSpreadMetadata moved = meta(spreadPod(), List.of(onX), NODES).evenPodsSpreadMetadata();
    assertThat(one).isEqualTo(same).hasSameHashCodeAs(same).isNotEqualTo(moved);
    assertThat(one).isNotEqualTo("EvenPodsSpreadMetadata{zone=zone1=1, zone=zone2=0}");
    assertThat(one).hasToString("EvenPodsSpreadMetadata{zone=zone1=1, zone=zone2=0}");
    assertThat(meta(spreadPod(), List.of(onA), NODES).describe())
        .containsEntry("evenPodsSpread", "EvenPodsSpreadMetadata{zone=zone1=1, zone=zone2=0}");
    assertThat(meta(pod("q").build(), List.of(onA), NODES).evenPodsSpreadMetadata())
        .as("no hard constraint, no spread counts")
        .isNull();
  }

  @Test
  void metadataIsEqualExactlyWhenEveryPrecomputedPartIs() {
    // The differential tests compare metadata with equals: it must see each part on its own.
    Pod guard =
        pod("guard")
            .requiredPodAntiAffinity(affinityTerm("zone", matchLabels("app", "web")))
            .nodeName("node-a")
            .build();
    Pod db = pod("db").label("app", "db").label("foo", "").nodeName("node-x").build();
    Pod web =
        spread(
            pod("web")
                .label("app", "web")
                .label("foo", "")
                .requests("100m", "1Mi")
                .hostPort(80, "TCP", "")
                .requiredPodAffinity(affinityTerm("zone", matchLabels("app", "db")))
                .requiredPodAntiAffinity(affinityTerm("zone", matchLabels("app", "cache")))
                .build(),
            1,
            "zone",
            "DoNotSchedule",
            matchLabels("foo", ""));
    List<Pod> pods = List.of(guard, db);
    PodPredicateMetadata m = meta(web, pods, NODES);
    assertThat(m.pod()).isSameAs(web);
    PodPredicateMetadata same = meta(web, pods, NODES);
    assertThat(m).isEqualTo(same).hasSameHashCodeAs(same).isNotEqualTo(web);
    assertThat(m.describe())
        .containsEntry("pod", "web_default")
        .containsEntry("existingAntiAffinity", Map.of("zone=zone1", Set.of("guard_default")))
        .containsEntry("potentialAffinity", Map.of("zone=zone2", Set.of("db_default")))
        .containsEntry("potentialAntiAffinity", Map.of())
        .containsEntry("evenPodsSpread", "EvenPodsSpreadMetadata{zone=zone1=0, zone=zone2=1}");

    Pod renamed = new PodBuilder(web).build();
    renamed.getMetadata().setName("web2");
    assertThat(meta(renamed, pods, NODES)).as("another pod").isNotEqualTo(m);
    Pod bigger = new PodBuilder(web).build();
    bigger
        .getSpec()
        .getContainers()
        .get(0)
        .getResources()
        .getRequests()
        .put("cpu", new Quantity("200m"));
    assertThat(meta(bigger, pods, NODES)).as("another request").isNotEqualTo(m);
    Pod otherPort = new PodBuilder(web).build();
    otherPort.getSpec().getContainers().get(0).getPorts().get(0).setHostPort(81);
    assertThat(meta(otherPort, pods, NODES)).as("another host port").isNotEqualTo(m);
    PodPredicateMetadata ignoring =
        new MetadataProducer(Set.of("example.com/gpu"), null)
            .produce(web, Snapshot.of(pods, NODES));
    assertThat(ignoring).as("other ignored resources").isNotEqualTo(m);

    PodPredicateMetadata withoutGuard = m.shallowCopy();
    withoutGuard.removePod(guard, NODES.get(0));
    assertThat(withoutGuard).as("existing anti-affinity").isNotEqualTo(m);
    PodPredicateMetadata moreDb = m.shallowCopy();
    moreDb.addPod(pod("db2").label("app", "db").nodeName("node-a").build(), NODES.get(0));
    assertThat(moreDb).as("potential affinity").isNotEqualTo(m);
    PodPredicateMetadata withCache = m.shallowCopy();
    withCache.addPod(pod("cache").label("app", "cache").nodeName("node-a").build(), NODES.get(0));
    assertThat(withCache).as("potential anti-affinity").isNotEqualTo(m);
    PodPredicateMetadata moreFoo = m.shallowCopy();
    moreFoo.addPod(pod("foo").label("foo", "").nodeName("node-a").build(), NODES.get(0));
    assertThat(moreFoo).as("spread counts").isNotEqualTo(m);
  }

  @Test
  void thePodItselfCannotBeAddedOrRemoved() {
    Pod p = pod("p").build();
    PodPredicateMetadata m = meta(p, List.of(), NODES);
    assertThatThrownBy(() -> m.addPod(p, NODES.get(0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("addedPod and meta.pod must not be the same");
    assertThatThrownBy(() -> m.removePod(p, NODES.get(0)))
        .hasMessageContaining("deletedPod and meta.pod must not be the same");
    assertThatThrownBy(() -> m.addPod(pod("q").build(), null)).hasMessageContaining("invalid node");
  }

  @Test
  void parallelProducerGivesTheSameMetadata() {
    Pod guard =
        pod("guard")
            .requiredPodAntiAffinity(affinityTerm("zone", matchLabels("app", "web")))
            .nodeName("node-a")
            .build();
    Pod db = pod("db").label("app", "db").nodeName("node-x").build();
    Pod p =
        pod("web")
            .label("app", "web")
            .requiredPodAffinity(affinityTerm("zone", matchLabels("app", "db")))
            .build();
    Snapshot s = Snapshot.of(List.of(guard, db), NODES);
    try (Parallelizer par = new Parallelizer("metadata-test", 4)) {
      assertThat(new MetadataProducer(Set.of(), par).produce(p, s))
          .isEqualTo(new MetadataProducer().produce(p, s));
    }
  }

  @Test
  void aMalformedSelectorOnTheIncomingPodMeansNoMetadataAndALogLineNamingTheField() {
    Pod p =
        pod("p")
            .requiredPodAffinity(affinityTerm("zone", matchExpressions(labelExpr("app", "In"))))
            .build();
    PodPredicateMetadata[] m = {meta(pod("q").build(), List.of(), NODES)};
    List<String> log =
        TestSupport.logged(MetadataProducer.class, () -> m[0] = meta(p, List.of(), NODES));
    assertThat(m[0]).isNull();
    assertThat(log)
        .singleElement()
        .asString()
        .startsWith("Error calculating predicate metadata: ")
        .contains(
            "Pod default/p: spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector");
  }

  @Test
  void anExistingPodsMalformedAntiAffinityAlsoMeansNoMetadata() {
    Pod bad =
        pod("bad")
            .requiredPodAntiAffinity(affinityTerm("zone", matchExpressions(labelExpr("app", "In"))))
            .nodeName("node-a")
            .build();
    List<String> log =
        TestSupport.logged(
            MetadataProducer.class,
            () -> assertThat(meta(pod("p").build(), List.of(bad), NODES)).isNull());
    assertThat(log).singleElement().asString().contains("Pod default/bad: spec.affinity");
  }

  @Test
  void anEmptyTopologyKeyIsNotAnError() {
    Pod p = pod("p").requiredPodAntiAffinity(affinityTerm("", matchLabels("app", "db"))).build();
    Pod db = pod("db").label("app", "db").nodeName("node-a").build();
    PodPredicateMetadata m = meta(p, List.of(db), NODES);
    assertThat(m).isNotNull();
    assertThat(m.topologyPairsPotentialAntiAffinityPods().isEmpty())
        .as("no node has a label with an empty key")
        .isTrue();
  }

  @Test
  void aNullPodHasNoMetadata() {
    assertThat(new MetadataProducer().produce(null, Snapshot.of(List.of(), NODES))).isNull();
  }
}
