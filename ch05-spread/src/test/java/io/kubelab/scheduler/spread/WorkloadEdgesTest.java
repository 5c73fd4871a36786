package io.kubelab.scheduler.spread;

import static io.kubelab.scheduler.spread.Objects.labels;
import static io.kubelab.scheduler.spread.Objects.node;
import static io.kubelab.scheduler.spread.Objects.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Objects without a namespace or labels, as manifests leave them: where they are looked up, what
 * they count, and how an error names them.
 */
class WorkloadEdgesTest {

  @Test
  void aPodWithoutANamespaceIsSelectedByTheServicesOfDefault() {
    InMemoryListers l = new InMemoryListers();
    var web = Objects.service("default", labels("app", "web"));
    l.add(web);
    l.add(Objects.service("prod", labels("app", "web")));
    assertThat(l.getPodServices(pod(null, null, labels("app", "web")))).containsExactly(web);
    assertThat(l.getPodServices(pod("", null, labels("app", "web")))).containsExactly(web);
  }

  @Test
  void aPodWithoutLabelsHasNoReplicaSet() {
    InMemoryListers l = new InMemoryListers();
    l.add(
        Objects.rs(
            "default", Fixtures.matchExpressions(Fixtures.labelExpr("app", "DoesNotExist"))));
    Pod bare = pod("default", null, null);
    bare.getMetadata().setLabels(null);
    assertThat(l.getPodReplicaSets(bare)).isEmpty();
  }

  @Test
  void aMalformedReplicaSetSelectorIsReportedInItsNamespaceOrDefault() {
    for (String ns : new String[] {null, "", "default"}) {
      InMemoryListers l = new InMemoryListers();
      ReplicaSet rs = Objects.rs(ns, Fixtures.matchExpressions(Fixtures.labelExpr("app", "In")));
      l.add(rs);
      String name = rs.getMetadata().getName();
      assertThatThrownBy(() -> l.getPodReplicaSets(pod("default", null, labels("app", "web"))))
          .as("namespace %s", ns)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("ReplicaSet default/" + name + ": spec.selector");
    }
  }

  @Test
  void podsWithoutANamespaceCountForAPodWithoutOne() {
    Pod unset = pod(null, "n", labels("app", "web"));
    Snapshot s =
        Snapshot.of(
            List.of(unset, pod("prod", "n", labels("app", "web"))), List.of(node("n", Map.of())));
    SpreadSelector web = SpreadSelector.fromSet(labels("app", "web"));
    // Upstream compares the field itself: unset is "", not "default".
    assertThat(SelectorSpread.countMatchingPods("", web, s.get("n"))).isEqualTo(1);
    assertThat(SelectorSpread.countMatchingPods("default", web, s.get("n"))).isZero();
  }

  @Test
  void aNodeWithoutAConstraintsKeyScoresNothingForIt() {
    Pod incoming =
        Fixtures.pod("incoming")
            .labels("app", "web")
            .spreadConstraint(1, "zone", "ScheduleAnyway", Fixtures.matchLabels("app", "web"))
            .build();
    Snapshot s =
        Snapshot.of(
            List.of(pod("n", labels("app", "web"))), List.of(node("n", labels("zone", "a"))));
    PodTopologySpreadMap m = PodTopologySpreadMap.build(incoming, s.list(), s.list());
    assertThat(m.score(labels("zone", "a"))).isEqualTo(1);
    assertThat(m.score(labels("rack", "r1"))).isZero();
  }

  /** What a Policy configured is what the rule reports, for logs and explanations. */
  @Test
  void thePolicyConfiguredRulesSayWhatTheyWereConfiguredWith() {
    InMemoryListers l = new InMemoryListers();
    assertThat(new SelectorSpread(l.spreadListers()).toString()).startsWith("SelectorSpread{");
    ServiceAntiAffinity anti = new ServiceAntiAffinity(l, List.of("rack"));
    assertThat(anti.labels()).containsExactly("rack");
    assertThat(anti).hasToString("ServiceAntiAffinity{labels=[rack]}");
    assertThat(new ServiceAffinityPredicate(Snapshot::new, l, List.of("region")))
        .hasToString("CheckServiceAffinity{labels=[region]}");
    assertThat(new NodeLabelChecker(List.of("ssd"), List.of("retiring")))
        .hasToString("CheckNodeLabelPresence{present=[ssd], absent=[retiring]}");
  }
}
