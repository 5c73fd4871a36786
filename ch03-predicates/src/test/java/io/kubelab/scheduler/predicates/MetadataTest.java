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
