package io.kubelab.scheduler.spread;

import static io.kubelab.apimachinery.testing.Fixtures.labelExpr;
import static io.kubelab.apimachinery.testing.Fixtures.matchExpressions;
import static io.kubelab.apimachinery.testing.Fixtures.matchLabels;
import static io.kubelab.scheduler.spread.Objects.labels;
import static io.kubelab.scheduler.spread.Objects.node;
import static io.kubelab.scheduler.spread.Objects.pod;
import static io.kubelab.scheduler.spread.Objects.rc;
import static io.kubelab.scheduler.spread.Objects.rs;
import static io.kubelab.scheduler.spread.Objects.service;
import static io.kubelab.scheduler.spread.Objects.ss;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.kubelab.scheduler.cache.Snapshot;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The selector of "the same workload", the listers' matching rules, and the zone key. */
class SpreadSelectorTest {

  static final Map<String, String> WEB =
      labels("app", "web", "tier", "front", "pod-template-hash", "x1");

  @Test
  void serviceAndControllerMapsAreMergedAndWorkloadRequirementsAppended() {
    InMemoryListers l = new InMemoryListers();
    l.add(service("prod", labels("app", "web")));
    l.add(rc("prod", labels("tier", "front")));
    l.add(rs("prod", matchExpressions(labelExpr("pod-template-hash", "In", "x1", "x2"))));
    l.add(ss("prod", matchLabels("app", "web")));
    SpreadSelector s = SpreadSelector.defaultSelector(pod("prod", null, WEB), l.spreadListers());
    assertThat(s.toString())
        .isEqualTo("app in (web),app in (web),pod-template-hash in (x1,x2),tier in (front)");
    assertThat(s.matches(WEB)).isTrue();
    assertThat(s.matches(labels("app", "web", "tier", "front"))).isFalse();
  }

  @Test
  void objectsOfOtherNamespacesOrNotSelectingThePodDoNotCount() {
    InMemoryListers l = new InMemoryListers();
    l.add(service("dev", labels("app", "web")));
    l.add(service("prod", labels("app", "api")));
    l.add(rs("dev", matchLabels("app", "web")));
    SpreadSelector s = SpreadSelector.defaultSelector(pod("prod", null, WEB), l.spreadListers());
    assertThat(s.isEmpty()).isTrue();
    assertThat(s).isSameAs(SpreadSelector.EMPTY);
  }

  @Test
  void aServiceWithoutSelectorSelectsNothingButAnEmptySelectorSelectsAll() {
    Service noSelector = service("prod", null);
    Service empty = service("prod", Map.of());
    InMemoryListers l = new InMemoryListers();
    l.add(noSelector);
    assertThat(l.getPodServices(pod("prod", null, WEB))).isEmpty();
    l.add(empty);
    assertThat(l.getPodServices(pod("prod", null, WEB))).containsExactly(empty);
    // It selects the pod but adds no requirement: the spreading selector stays empty.
    assertThat(SpreadSelector.defaultSelector(pod("prod", null, WEB), l.spreadListers()).isEmpty())
        .isTrue();
  }

  @Test
  void controllersWithEmptySelectorsOrPodsWithoutLabelsMatchNothing() {
    InMemoryListers l = new InMemoryListers();
    l.add(rc("prod", Map.of()));
    l.add(rs("prod", null));
    l.add(rs("prod", matchLabels()));
    l.add(ss("prod", null));
    assertThat(l.getPodControllers(pod("prod", null, WEB))).isEmpty();
    assertThat(l.getPodReplicaSets(pod("prod", null, WEB))).isEmpty();
    assertThat(l.getPodStatefulSets(pod("prod", null, WEB))).isEmpty();
    l.add(rc("prod", labels("app", "web")));
    l.add(rs("prod", matchLabels("app", "web")));
    l.add(ss("prod", matchLabels("app", "web")));
    assertThat(l.getPodControllers(pod("prod", null, WEB))).hasSize(1);
    assertThat(l.getPodControllers(pod("prod", null, Map.of()))).isEmpty();
    assertThat(l.getPodReplicaSets(pod("prod", null, Map.of()))).isEmpty();
    assertThat(l.getPodStatefulSets(pod("prod", null, Map.of()))).isEmpty();
  }

  @Test
  void aMalformedReplicaSetSelectorDropsAllReplicaSetsAsUpstreamsListerFails() {
    InMemoryListers l = new InMemoryListers();
    ReplicaSet good = rs("prod", matchLabels("app", "web"));
    l.add(good);
    l.add(rs("prod", matchExpressions(labelExpr("app", "Exists", "web"))));
    l.add(service("prod", labels("tier", "front")));
    SpreadSelector s = SpreadSelector.defaultSelector(pod("prod", null, WEB), l.spreadListers());
    assertThat(s.toString()).isEqualTo("tier in (front)");
    l.remove(good);
    assertThat(l.replicaSets("prod")).hasSize(1);
  }

  @Test
  void theFirstServiceIsTheFirstInNameOrder() {
    InMemoryListers l = new InMemoryListers();
    Service b = service("prod", labels("tier", "front"));
    Service a = service("prod", labels("app", "web"));
    b.getMetadata().setName("b");
    a.getMetadata().setName("a");
    l.add(b);
    l.add(a);
    assertThat(SpreadSelector.firstServiceSelector(pod("prod", null, WEB), l).toString())
        .isEqualTo("app in (web)");
    assertThat(SpreadSelector.firstServiceSelector(pod("dev", null, WEB), l)).isNull();
  }

  @Test
  void countingSkipsOtherNamespacesPodsBeingDeletedAndEmptySelectors() {
    Pod deleting = pod("prod", "n", WEB);
    deleting.getMetadata().setDeletionTimestamp(Instant.EPOCH.toString());
    Snapshot s =
        Snapshot.of(
            List.of(pod("prod", "n", WEB), pod("dev", "n", WEB), deleting),
            List.of(node("n", Map.of())));
    SpreadSelector web = SpreadSelector.fromSet(labels("app", "web"));
    assertThat(SelectorSpread.countMatchingPods("prod", web, s.get("n"))).isEqualTo(1);
    assertThat(SelectorSpread.countMatchingPods("prod", SpreadSelector.EMPTY, s.get("n"))).isZero();
  }

  @Test
  void zoneKeyReadsBetaLabelsFirstAndGaLabelsOnlyWhenTheBetaKeyIsAbsent() {
    String beta = Zones.LABEL_ZONE_FAILURE_DOMAIN;
    String ga = Zones.LABEL_ZONE_FAILURE_DOMAIN_STABLE;
    String betaRegion = Zones.LABEL_ZONE_REGION;
    String gaRegion = Zones.LABEL_ZONE_REGION_STABLE;
    assertThat(Zones.getZoneKey(node("n", Map.of()))).isEmpty();
    assertThat(Zones.getZoneKey(node("n", labels(beta, "a")))).isEqualTo(":\0:a");
    assertThat(Zones.getZoneKey(node("n", labels(ga, "a")))).isEqualTo(":\0:a");
    assertThat(Zones.getZoneKey(node("n", labels(beta, "a", ga, "b")))).isEqualTo(":\0:a");
    assertThat(Zones.getZoneKey(node("n", labels(beta, "", ga, "b")))).isEmpty();
    assertThat(Zones.getZoneKey(node("n", labels(betaRegion, "r", ga, "b")))).isEqualTo("r:\0:b");
    assertThat(Zones.getZoneKey(node("n", labels(gaRegion, "r")))).isEqualTo("r:\0:");
    assertThat(Zones.getZoneKey(node("n", labels(betaRegion, "r", gaRegion, "s"))))
        .isEqualTo("r:\0:");
    assertThat(Zones.getZoneKey(node("n", labels("zone", "a")))).isEmpty();
    // A colon in a name cannot make two zones one.
    assertThat(Zones.getZoneKey(node("n", labels(betaRegion, "a:", beta, "b"))))
        .isNotEqualTo(Zones.getZoneKey(node("n", labels(betaRegion, "a", beta, ":b"))));
  }
}
