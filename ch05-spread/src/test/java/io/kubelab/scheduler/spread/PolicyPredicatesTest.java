package io.kubelab.scheduler.spread;

import static io.kubelab.scheduler.spread.Objects.labels;
import static io.kubelab.scheduler.spread.Objects.node;
import static io.kubelab.scheduler.spread.Objects.pod;
import static io.kubelab.scheduler.spread.Objects.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.predicates.PredicateErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The two Policy-only predicates: upstream's {@code TestNodeLabelPresence} and {@code
 * TestServiceAffinity} ({@code pkg/scheduler/algorithm/predicates/predicates_test.go}; the same
 * table in the v1.17 {@code serviceaffinity} plugin's test), and the details around them.
 */
class PolicyPredicatesTest {

  @TestFactory
  Stream<DynamicTest> upstreamTestNodeLabelPresence() {
    Node node = node("machine1", labels("foo", "bar", "bar", "foo"));
    record Row(String name, List<String> labels, boolean presence, boolean fits) {}
    List<Row> rows =
        List.of(
            new Row("label does not match, presence true", List.of("baz"), true, false),
            new Row("label does not match, presence false", List.of("baz"), false, true),
            new Row("one label matches, presence true", List.of("foo", "baz"), true, false),
            new Row("one label matches, presence false", List.of("foo", "baz"), false, false),
            new Row("all labels match, presence true", List.of("foo", "bar"), true, true),
            new Row("all labels match, presence false", List.of("foo", "bar"), false, false));
    return rows.stream()
        .map(
            r ->
                DynamicTest.dynamicTest(
                    r.name(),
                    () -> {
                      NodeLabelChecker c =
                          r.presence()
                              ? new NodeLabelChecker(r.labels(), List.of())
                              : new NodeLabelChecker(List.of(), r.labels());
                      PredicateResult res = c.check(pod(null, null), null, info(node));
                      assertThat(res.fits()).isEqualTo(r.fits());
                      if (!r.fits()) {
                        assertThat(res.reasons())
                            .containsExactly(PredicateErrors.ERR_NODE_LABEL_PRESENCE_VIOLATED);
                      }
                    }));
  }

  @Test
  void labelValuesNeverMatterOnlyKeys() {
    NodeLabelChecker retiring = new NodeLabelChecker(List.of(), List.of("retiring"));
    assertThat(
            retiring.check(pod(null, null), null, info(node("n", labels("retiring", "")))).fits())
        .isFalse();
    assertThat(retiring.check(pod(null, null), null, info(node("n", Map.of()))).fits()).isTrue();
  }

  @Test
  void aNodeInfoWithoutANodeCannotBeJudged() {
    assertThatThrownBy(
            () ->
                new NodeLabelChecker(List.of("a"), List.of())
                    .check(pod(null, null), null, new NodeInfo()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("node not found");
  }

  static NodeInfo info(Node n) {
    return Snapshot.of(List.of(), List.of(n)).get(n.getMetadata().getName());
  }

  static final Map<String, String> SELECTOR = labels("foo", "bar");

  static List<Node> regionNodes() {
    Map<String, String> l4 = labels("region", "r2", "zone", "z22");
    return List.of(
        node("machine1", labels("region", "r1", "zone", "z11")),
        node("machine2", labels("region", "r1", "zone", "z12")),
        node("machine3", labels("region", "r2", "zone", "z21")),
        node("machine4", l4),
        node("machine5", l4));
  }

  static Pod withNodeSelector(Map<String, String> nodeSelector) {
    Pod p = pod("", null, null);
    p.getSpec().setNodeSelector(nodeSelector);
    return p;
  }

  @TestFactory
  Stream<DynamicTest> upstreamTestServiceAffinity() {
    record Row(
        String name,
        Pod pod,
        List<Pod> pods,
        List<Service> services,
        String node,
        List<String> labels,
        boolean fits) {}
    List<String> region = List.of("region");
    List<String> regionZone = List.of("region", "zone");
    List<Row> rows = new ArrayList<>();
    rows.add(
        new Row(
            "nothing scheduled",
            pod("", null, null),
            List.of(),
            List.of(),
            "machine1",
            region,
            true));
    rows.add(
        new Row(
            "pod with region label match",
            withNodeSelector(labels("region", "r1")),
            List.of(),
            List.of(),
            "machine1",
            region,
            true));
    rows.add(
        new Row(
            "pod with region label mismatch",
            withNodeSelector(labels("region", "r2")),
            List.of(),
            List.of(),
            "machine1",
            region,
            false));
    rows.add(
        new Row(
            "service pod on same node",
            pod("", null, SELECTOR),
            List.of(pod("machine1", SELECTOR)),
            List.of(service("", SELECTOR)),
            "machine1",
            region,
            true));
    rows.add(
        new Row(
            "service pod on different node, region match",
            pod("", null, SELECTOR),
            List.of(pod("machine2", SELECTOR)),
            List.of(service("", SELECTOR)),
            "machine1",
            region,
            true));
    rows.add(
        new Row(
            "service pod on different node, region mismatch",
            pod("", null, SELECTOR),
            List.of(pod("machine3", SELECTOR)),
            List.of(service("", SELECTOR)),
            "machine1",
            region,
            false));
    rows.add(
        new Row(
            "service in different namespace, region mismatch",
            pod("ns1", null, SELECTOR),
            List.of(pod("ns1", "machine3", SELECTOR)),
            List.of(service("ns2", SELECTOR)),
            "machine1",
            region,
            true));
    rows.add(
        new Row(
            "pod in different namespace, region mismatch",
            pod("ns1", null, SELECTOR),
            List.of(pod("ns2", "machine3", SELECTOR)),
            List.of(service("ns1", SELECTOR)),
            "machine1",
            region,
            true));
    rows.add(
        new Row(
            "service and pod in same namespace, region mismatch",
            pod("ns1", null, SELECTOR),
            List.of(pod("ns1", "machine3", SELECTOR)),
            List.of(service("ns1", SELECTOR)),
            "machine1",
            region,
            false));
    rows.add(
        new Row(
            "service pod on different node, multiple labels, not all match",
            pod("", null, SELECTOR),
            List.of(pod("machine2", SELECTOR)),
            List.of(service("", SELECTOR)),
            "machine1",
            regionZone,
            false));
    rows.add(
        new Row(
            "service pod on different node, multiple labels, all match",
            pod("", null, SELECTOR),
            List.of(pod("machine5", SELECTOR)),
            List.of(service("", SELECTOR)),
            "machine4",
            regionZone,
            true));
    return rows.stream()
        .map(
            r ->
                DynamicTest.dynamicTest(
                    r.name(),
                    () -> {
                      Snapshot snapshot = Snapshot.of(r.pods(), regionNodes());
                      InMemoryListers l = new InMemoryListers();
                      r.services().forEach(l::add);
                      ServiceAffinityPredicate p =
                          new ServiceAffinityPredicate(() -> snapshot, l, r.labels());
                      PredicateResult res = p.check(r.pod(), null, snapshot.get(r.node()));
                      assertThat(res.fits()).isEqualTo(r.fits());
                      if (!r.fits()) {
                        assertThat(res.reasons())
                            .containsExactly(PredicateErrors.ERR_SERVICE_AFFINITY_VIOLATED);
                      }
                    }));
  }

  @Test
  void aPodRemovedFromTheNodeBeingCheckedNoLongerPinsTheLabels() {
    // Preemption removes victims from a clone of the node: the service pod on machine3 is the
    // only one, so once it is gone from machine3's clone, machine3's region no longer binds the
    // pod, and machine1 fits... but only when machine1 is the node checked with the pod removed.
    Pod victim = pod("machine3", SELECTOR);
    Snapshot snapshot = Snapshot.of(List.of(victim), regionNodes());
    InMemoryListers l = new InMemoryListers();
    l.add(service("", SELECTOR));
    ServiceAffinityPredicate p = new ServiceAffinityPredicate(() -> snapshot, l, List.of("region"));
    Pod incoming = pod("", null, SELECTOR);
    assertThat(p.check(incoming, null, snapshot.get("machine1")).fits()).isFalse();
    assertThat(p.check(incoming, null, snapshot.get("machine3")).fits()).isTrue();
    NodeInfo clone = snapshot.get("machine3").clone();
    clone.removePod(victim);
    // The pod no longer runs anywhere as far as machine3's clone is concerned: nothing pins.
    assertThat(p.check(incoming, null, clone).fits()).isTrue();
  }

  @Test
  void theFirstMatchingPodInSnapshotOrderDecides() {
    // Two service pods in different regions (the cluster already breaks the rule): the first
    // in snapshot order wins, as upstream takes filteredPods[0].
    Pod first = pod("machine3", SELECTOR);
    Pod second = pod("machine1", SELECTOR);
    Snapshot snapshot = Snapshot.of(List.of(first, second), regionNodes());
    InMemoryListers l = new InMemoryListers();
    l.add(service("", SELECTOR));
    ServiceAffinityPredicate p = new ServiceAffinityPredicate(() -> snapshot, l, List.of("region"));
    Pod incoming = pod("", null, SELECTOR);
    String firstNode = firstWith(snapshot, SELECTOR);
    String region = snapshot.get(firstNode).node().getMetadata().getLabels().get("region");
    for (NodeInfo ni : snapshot.list()) {
      boolean sameRegion = region.equals(ni.node().getMetadata().getLabels().get("region"));
      assertThat(p.check(incoming, null, ni).fits()).as(ni.nodeName()).isEqualTo(sameRegion);
    }
  }

  private static String firstWith(Snapshot s, Map<String, String> labels) {
    for (NodeInfo ni : s.list()) {
      for (Pod p : ni.pods()) {
        if (p.getMetadata().getLabels().equals(labels)) {
          return ni.nodeName();
        }
      }
    }
    throw new AssertionError("no pod");
  }

  @Test
  void withoutAServiceNothingIsPinned() {
    Snapshot snapshot = Snapshot.of(List.of(pod("machine3", SELECTOR)), regionNodes());
    ServiceAffinityPredicate p =
        new ServiceAffinityPredicate(() -> snapshot, new InMemoryListers(), List.of("region"));
    assertThat(p.check(pod("", null, SELECTOR), null, snapshot.get("machine1")).fits()).isTrue();
  }

  @Test
  void theMatchingPodsAreComputedOncePerPodAndSnapshotGeneration() {
    Snapshot snapshot = Snapshot.of(List.of(pod("machine3", SELECTOR)), regionNodes());
    InMemoryListers l = new InMemoryListers();
    l.add(service("", SELECTOR));
    ServiceAffinityPredicate p = new ServiceAffinityPredicate(() -> snapshot, l, List.of("region"));
    Pod incoming = pod("", null, SELECTOR);
    ServiceAffinityPredicate.Matching m = p.matching(incoming, snapshot);
    assertThat(p.matching(incoming, snapshot)).isSameAs(m);
    assertThat(p.matching(pod("", null, SELECTOR), snapshot)).isNotSameAs(m).isEqualTo(m);
    Snapshot other = Snapshot.of(List.of(), regionNodes());
    assertThat(p.matching(incoming, other).pods()).isEmpty();
  }
}
