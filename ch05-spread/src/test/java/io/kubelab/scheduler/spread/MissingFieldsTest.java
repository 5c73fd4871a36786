package io.kubelab.scheduler.spread;

import static io.kubelab.apimachinery.testing.Fixtures.labelExpr;
import static io.kubelab.apimachinery.testing.Fixtures.matchExpressions;
import static io.kubelab.apimachinery.testing.Fixtures.matchLabels;
import static io.kubelab.scheduler.spread.Objects.labels;
import static io.kubelab.scheduler.spread.Objects.node;
import static io.kubelab.scheduler.spread.Objects.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Objects as the API can hand them over with fields left out: a node without metadata or labels, a
 * pod without labels, a Service or controller without a spec, a selector with nothing in it. Go
 * reads a nil map as empty and a nil struct pointer's fields through the getters' guards; here each
 * such object is still answered as upstream answers it, never with a NullPointerException.
 */
class MissingFieldsTest {

  // ---- GetZoneKey ----------------------------------------------------------------------------

  @Test
  void aNodeWithoutMetadataOrLabelsHasNoZone() {
    assertThat(Zones.getZoneKey(new Node())).isEmpty();
    Node unlabelled = new NodeBuilder().withNewMetadata().withName("n").endMetadata().build();
    unlabelled.getMetadata().setLabels(null);
    assertThat(Zones.getZoneKey(unlabelled)).isEmpty();
  }

  /**
   * A label written {@code "failure-domain.beta.kubernetes.io/zone": null} decodes in Go as the key
   * with the empty value: the beta key is there, so the GA label is not read.
   */
  @Test
  void aBetaKeyWithANullValueIsAnEmptyBetaLabelAndHidesTheGaOne() {
    Map<String, String> l =
        labels(
            Zones.LABEL_ZONE_FAILURE_DOMAIN,
            null,
            Zones.LABEL_ZONE_FAILURE_DOMAIN_STABLE,
            "ga",
            Zones.LABEL_ZONE_REGION,
            "r");
    assertThat(Zones.getZoneKey(node("n", l))).isEqualTo("r:\0:");
    Map<String, String> region =
        labels(
            Zones.LABEL_ZONE_REGION,
            null,
            Zones.LABEL_ZONE_REGION_STABLE,
            "rga",
            Zones.LABEL_ZONE_FAILURE_DOMAIN,
            "z");
    assertThat(Zones.getZoneKey(node("n", region))).isEqualTo(":\0:z");
  }

  // ---- the listers ---------------------------------------------------------------------------

  /**
   * {@code GetPodStatefulSets}: "if len(pod.Labels) == 0 { return nil, fmt.Errorf(...) }" comes
   * first, so a pod without labels has no StatefulSet even when one's selector ({@code
   * DoesNotExist}, {@code NotIn}) would match a pod without labels.
   */
  @Test
  void aPodWithoutLabelsHasNoStatefulSetEvenOneWhoseSelectorWouldMatchIt() {
    InMemoryListers l = new InMemoryListers();
    StatefulSet notWeb = Objects.ss("prod", matchExpressions(labelExpr("app", "NotIn", "web")));
    l.add(notWeb);
    l.add(Objects.ss("prod", matchExpressions(labelExpr("app", "DoesNotExist"))));
    Pod bare = pod("prod", null, null);
    bare.getMetadata().setLabels(null);
    assertThat(l.getPodStatefulSets(bare)).isEmpty();
    // The same selectors do select a labelled pod without an app label.
    assertThat(l.getPodStatefulSets(pod("prod", null, labels("tier", "front")))).hasSize(2);
  }

  /** "If a statefulset with a nil or empty selector creeps in, it should match nothing." */
  @Test
  void aStatefulSetOrReplicaSetWithAnEmptySelectorMatchesNothing() {
    InMemoryListers l = new InMemoryListers();
    l.add(Objects.ss("prod", matchLabels()));
    l.add(Objects.rs("prod", matchLabels()));
    Pod web = pod("prod", null, labels("app", "web"));
    assertThat(l.getPodStatefulSets(web)).isEmpty();
    assertThat(l.getPodReplicaSets(web)).isEmpty();
  }

  @Test
  void aControllerOrServiceWithoutASpecSelectsNothing() {
    InMemoryListers l = new InMemoryListers();
    ReplicationController rc = Objects.rc("prod", labels("app", "web"));
    rc.setSpec(null);
    ReplicaSet rs = Objects.rs("prod", matchLabels("app", "web"));
    rs.setSpec(null);
    StatefulSet ss = Objects.ss("prod", matchLabels("app", "web"));
    ss.setSpec(null);
    Service svc = Objects.service("prod", labels("app", "web"));
    svc.setSpec(null);
    l.add(rc);
    l.add(rs);
    l.add(ss);
    l.add(svc);
    Pod web = pod("prod", null, labels("app", "web"));
    assertThat(l.getPodControllers(web)).isEmpty();
    assertThat(l.getPodReplicaSets(web)).isEmpty();
    assertThat(l.getPodStatefulSets(web)).isEmpty();
    assertThat(l.getPodServices(web)).isEmpty();
    assertThat(SpreadSelector.defaultSelector(web, l.spreadListers()))
        .isSameAs(SpreadSelector.EMPTY);
  }

  @Test
  void aControllerWhoseSelectorDoesNotMatchThePodIsNotItsController() {
    InMemoryListers l = new InMemoryListers();
    ReplicationController web = Objects.rc("prod", labels("app", "web"));
    l.add(web);
    l.add(Objects.rc("prod", labels("app", "db")));
    l.add(Objects.rc("prod", labels("app", "web", "tier", "back")));
    assertThat(l.getPodControllers(pod("prod", null, labels("app", "web", "tier", "front"))))
        .containsExactly(web);
  }

  /** A pod without metadata is in {@code default} and has no labels. */
  @Test
  void aPodWithoutMetadataIsLookedUpInDefaultWithoutLabels() {
    InMemoryListers l = new InMemoryListers();
    Service all = Objects.service("default", Map.of());
    l.add(all);
    l.add(Objects.service("default", labels("app", "web")));
    l.add(Objects.rc("default", labels("app", "web")));
    Pod bare = new Pod();
    assertThat(l.getPodServices(bare)).containsExactly(all);
    assertThat(l.getPodControllers(bare)).isEmpty();
    assertThat(l.getPodReplicaSets(bare)).isEmpty();
    assertThat(l.getPodStatefulSets(bare)).isEmpty();
  }

  /** Without metadata a pod is in the namespace "" and selected by nothing: it counts nothing. */
  @Test
  void aPodWithoutMetadataIsSpreadAgainstNothing() {
    InMemoryListers l = new InMemoryListers();
    l.add(Objects.service("default", Map.of()));
    Snapshot s = Snapshot.of(List.of(pod("n", labels("app", "web"))), List.of(node("n", Map.of())));
    assertThat(
            new SelectorSpread(l.spreadListers())
                .calculateSpreadPriorityMap(new Pod(), null, s.get("n")))
        .isZero();
    assertThat(
            new ServiceAntiAffinity(l, List.of("rack"))
                .calculateAntiAffinityPriorityMap(new Pod(), null, s.get("n")))
        .isZero();
  }

  // ---- malformed selectors are named -----------------------------------------------------------

  @Test
  void aMalformedStatefulSetSelectorNamesTheStatefulSetInItsNamespace() {
    InMemoryListers l = new InMemoryListers();
    StatefulSet ss = Objects.ss("prod", matchExpressions(labelExpr("app", "In")));
    l.add(ss);
    assertThatThrownBy(() -> l.getPodStatefulSets(pod("prod", null, labels("app", "web"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "StatefulSet prod/" + ss.getMetadata().getName() + ": spec.selector");
  }

  @Test
  void aMalformedSelectorOfAnObjectWithoutMetadataIsStillReported() {
    ReplicaSet rs = Objects.rs("prod", matchExpressions(labelExpr("app", "In")));
    rs.setMetadata(null);
    ReplicaSetLister lister = namespace -> List.of(rs);
    assertThatThrownBy(() -> lister.getPodReplicaSets(pod("prod", null, labels("app", "web"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("ReplicaSet default/");
  }

  // ---- the in-memory store -------------------------------------------------------------------

  @Test
  void anObjectWithoutMetadataIsRefusedAndWasNeverThere() {
    InMemoryListers l = new InMemoryListers();
    Service nameless = Objects.service("prod", labels("app", "web"));
    nameless.setMetadata(null);
    assertThatThrownBy(() -> l.add(nameless))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Service: metadata.name is missing");
    assertThat(new InMemoryListers().remove(nameless)).isFalse();
  }

  // ---- CheckNodeLabelPresence ------------------------------------------------------------------

  @Test
  void aNodeWithoutLabelsHasNoneOfThePresentLabelsAndNoneOfTheAbsentOnes() {
    Node unlabelled = node("n", Map.of());
    unlabelled.getMetadata().setLabels(null);
    var info = Snapshot.of(List.of(), List.of(unlabelled)).get("n");
    assertThat(
            new NodeLabelChecker(List.of("ssd"), List.of())
                .check(pod(null, null), null, info)
                .fits())
        .isFalse();
    assertThat(
            new NodeLabelChecker(List.of(), List.of("retiring"))
                .check(pod(null, null), null, info)
                .fits())
        .isTrue();
  }
}
