package io.kubelab.scheduler.spread;

import static io.kubelab.apimachinery.testing.Fixtures.labelExpr;
import static io.kubelab.apimachinery.testing.Fixtures.matchExpressions;
import static io.kubelab.scheduler.spread.Objects.labels;
import static io.kubelab.scheduler.spread.Objects.node;
import static io.kubelab.scheduler.spread.Objects.pod;
import static io.kubelab.scheduler.spread.Run.expect;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.priorities.PodPriorityMetadata;
import io.kubelab.scheduler.spread.PodTopologySpreadMap.TopologyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Upstream's {@code Test_podTopologySpreadMap_initialize} and {@code
 * TestCalculateEvenPodsSpreadPriority} ({@code
 * pkg/scheduler/algorithm/priorities/even_pods_spread_test.go}, v1.17), row by row.
 *
 * <p>Legend of upstream's comments: {@code X/Y} means X matching pods on node1 and Y on node2, both
 * candidates; {@code X/~Y~} that node2 is not a candidate (it failed filtering); {@code X/?Y?} that
 * node2 is a candidate without every topology key (or outside the pod's node selection).
 */
class EvenPodsSpreadPriorityTest {

  static LabelSelector exists(String key) {
    return matchExpressions(labelExpr(key, "Exists"));
  }

  /** {@code st.MakePod().Name("p").Label(...)} with ScheduleAnyway constraints (key, selector). */
  static Pod incoming(Map<String, String> podLabels, Object... keyAndSelector) {
    Fixtures.PodFixture f = Fixtures.pod("p").labels(podLabels);
    for (int i = 0; i < keyAndSelector.length; i += 2) {
      f.spreadConstraint(
          1, (String) keyAndSelector[i], "ScheduleAnyway", (LabelSelector) keyAndSelector[i + 1]);
    }
    Pod p = f.build();
    p.getMetadata().setNamespace("");
    return p;
  }

  static Node zoneNode(String name, String zone) {
    return zone == null
        ? node(name, labels("node", name))
        : node(name, labels("zone", zone, "node", name));
  }

  /** {@code n} pods labelled {@code foo} on {@code nodeName}. */
  static List<Pod> foos(String nodeName, int n) {
    List<Pod> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(pod(nodeName, labels("foo", "")));
    }
    return out;
  }

  @SafeVarargs
  static List<Pod> all(List<Pod>... lists) {
    List<Pod> out = new ArrayList<>();
    for (List<Pod> l : lists) {
      out.addAll(l);
    }
    return out;
  }

  record Case(
      String name,
      Pod pod,
      List<Pod> existing,
      List<Node> nodes,
      List<Node> failedNodes,
      Map<String, Long> expected) {}

  @TestFactory
  Stream<DynamicTest> upstreamInitialize() {
    Pod normal = incoming(labels("foo", ""), "zone", exists("foo"), "node", exists("foo"));
    List<Node> nodes1 =
        List.of(
            zoneNode("node-a", "zone1"), zoneNode("node-b", "zone1"), zoneNode("node-x", "zone2"));
    Pod other = incoming(labels("foo", ""), "zone", exists("foo"), "node", exists("bar"));
    List<Node> nodes2 =
        List.of(zoneNode("node-a", "zone1"), zoneNode("node-b", "zone1"), zoneNode("node-x", null));
    return Stream.of(
        DynamicTest.dynamicTest(
            "normal case",
            () -> {
              PodTopologySpreadMap m = build(normal, nodes1, nodes1);
              assertThat(m.nodeNameSet()).containsExactlyInAnyOrder("node-a", "node-b", "node-x");
              assertThat(m.counts())
                  .containsOnlyKeys(
                      new TopologyPair("zone", "zone1"),
                      new TopologyPair("zone", "zone2"),
                      new TopologyPair("node", "node-a"),
                      new TopologyPair("node", "node-b"),
                      new TopologyPair("node", "node-x"))
                  .allSatisfy((k, v) -> assertThat(v).isZero());
            }),
        DynamicTest.dynamicTest(
            "node-x doesn't have label zone",
            () -> {
              PodTopologySpreadMap m = build(other, nodes2, nodes2);
              assertThat(m.nodeNameSet()).containsExactlyInAnyOrder("node-a", "node-b");
              assertThat(m.counts())
                  .containsOnlyKeys(
                      new TopologyPair("zone", "zone1"),
                      new TopologyPair("node", "node-a"),
                      new TopologyPair("node", "node-b"));
            }));
  }

  static PodTopologySpreadMap build(Pod pod, List<Node> filtered, List<Node> all) {
    Snapshot s = Snapshot.of(List.of(), all);
    return PodTopologySpreadMap.build(pod, Run.infos(filtered, s), s.list());
  }

  @TestFactory
  Stream<DynamicTest> upstreamTestCalculateEvenPodsSpreadPriority() {
    Pod onNode = incoming(labels("foo", ""), "node", exists("foo"));
    Pod onZone = incoming(labels("foo", ""), "zone", exists("foo"));
    Pod zoneAndNode = incoming(labels("foo", ""), "zone", exists("foo"), "node", exists("foo"));
    Pod differentSelectors =
        incoming(labels("foo", "", "bar", ""), "zone", exists("foo"), "node", exists("bar"));
    List<Case> cases = new ArrayList<>();
    // With one candidate or equal counts, every candidate gets 100.
    cases.add(
        new Case(
            "one constraint on node, no existing pods",
            onNode,
            List.of(),
            List.of(zoneNode("node-a", null), zoneNode("node-b", null)),
            List.of(),
            expect("node-a", 100, "node-b", 100)));
    cases.add(
        new Case(
            "one constraint on node, only one node is candidate",
            onNode,
            all(foos("node-a", 2), foos("node-b", 1)),
            List.of(zoneNode("node-a", null)),
            List.of(zoneNode("node-b", null)),
            expect("node-a", 100)));
    cases.add(
        new Case(
            "one constraint on node, all nodes have the same number of matching pods",
            onNode,
            all(foos("node-a", 1), foos("node-b", 1)),
            List.of(zoneNode("node-a", null), zoneNode("node-b", null)),
            List.of(),
            expect("node-a", 100, "node-b", 100)));
    // 2/1/0/3, total 6; flipped 4/5/6/3: 400/6, 500/6, 600/6, 300/6.
    cases.add(
        new Case(
            "one constraint on node, all 4 nodes are candidates",
            onNode,
            all(foos("node-a", 2), foos("node-b", 1), foos("node-d", 3)),
            List.of(
                zoneNode("node-a", null),
                zoneNode("node-b", null),
                zoneNode("node-c", null),
                zoneNode("node-d", null)),
            List.of(),
            expect("node-a", 66, "node-b", 83, "node-c", 100, "node-d", 50)));
    // 4/2/1/~3~, total 7 (node-y is no candidate); flipped 3/5/6: 300/6, 500/6, 600/6.
    cases.add(
        new Case(
            "one constraint on node, 3 out of 4 nodes are candidates",
            onNode,
            all(foos("node-a", 4), foos("node-b", 2), foos("node-x", 1), foos("node-y", 3)),
            List.of(zoneNode("node-a", null), zoneNode("node-b", null), zoneNode("node-x", null)),
            List.of(zoneNode("node-y", null)),
            expect("node-a", 50, "node-b", 83, "node-x", 100)));
    // 4/?2?/1/~3~, total 5 (node-b lacks the key): flipped 1/?/4: 100/4, 0, 400/4.
    cases.add(
        new Case(
            "one constraint on node, 3 out of 4 nodes are candidates, one without the key",
            onNode,
            all(foos("node-a", 4), foos("node-b", 2), foos("node-x", 1), foos("node-y", 3)),
            List.of(
                zoneNode("node-a", null),
                node("node-b", labels("n", "node-b")),
                zoneNode("node-x", null)),
            List.of(zoneNode("node-y", null)),
            expect("node-a", 25, "node-b", 0, "node-x", 100)));
    // Zone key: 6/6/4 summed per zone, total 16; flipped 10/10/12: 1000/12, 1000/12, 1200/12.
    cases.add(
        new Case(
            "one constraint on zone, 3 out of 4 nodes are candidates",
            onZone,
            all(foos("node-a", 4), foos("node-b", 2), foos("node-x", 1), foos("node-y", 3)),
            List.of(
                zoneNode("node-a", "zone1"),
                zoneNode("node-b", "zone1"),
                zoneNode("node-x", "zone2")),
            List.of(zoneNode("node-y", "zone2")),
            expect("node-a", 83, "node-b", 83, "node-x", 100)));
    // 2/~1~/2/~4~: zone and node summed, 2+3 and 2+6, total 13; flipped 8/5: 800/8, 500/8.
    cases.add(
        new Case(
            "two constraints on zone and node, 2 out of 4 nodes are candidates",
            zoneAndNode,
            all(foos("node-a", 2), foos("node-b", 1), foos("node-x", 2), foos("node-y", 4)),
            List.of(zoneNode("node-a", "zone1"), zoneNode("node-x", "zone2")),
            List.of(zoneNode("node-b", "zone1"), zoneNode("node-y", "zone2")),
            expect("node-a", 100, "node-x", 62)));
    List<Node> four =
        List.of(
            zoneNode("node-a", "zone1"),
            zoneNode("node-b", "zone1"),
            zoneNode("node-x", "zone2"),
            zoneNode("node-y", "zone2"));
    // zone (foo): 2/2/1/1; node (bar): 0/1/0/1; sums 2/3/1/2, total 8; flipped 6/5/7/6 over 7.
    cases.add(
        new Case(
            "two constraints on zone and node, with different labelSelectors",
            differentSelectors,
            List.of(
                pod("node-a", labels("foo", "")),
                pod("node-b", labels("foo", "", "bar", "")),
                pod("node-y", labels("foo", "")),
                pod("node-y", labels("bar", ""))),
            four,
            List.of(),
            expect("node-a", 85, "node-b", 71, "node-x", 100, "node-y", 85)));
    // zone: 0/0/2/2; node: 0/1/0/1; sums 0/1/2/3, total 6; flipped 6/5/4/3 over 6.
    cases.add(
        new Case(
            "two constraints on zone and node, with different labelSelectors, some nodes have 0 pods",
            differentSelectors,
            List.of(
                pod("node-b", labels("bar", "")),
                pod("node-x", labels("foo", "")),
                pod("node-y", labels("foo", "", "bar", ""))),
            four,
            List.of(),
            expect("node-a", 100, "node-b", 83, "node-x", 66, "node-y", 50)));
    // zone: 2/2/1/~1~; node: 0/1/0/~1~; sums 2/3/1, total 6; flipped 4/3/5 over 5.
    cases.add(
        new Case(
            "two constraints on zone and node, with different labelSelectors, 3 out of 4 nodes are"
                + " candidates",
            differentSelectors,
            List.of(
                pod("node-a", labels("foo", "")),
                pod("node-b", labels("foo", "", "bar", "")),
                pod("node-y", labels("foo", "")),
                pod("node-y", labels("bar", ""))),
            List.of(
                zoneNode("node-a", "zone1"),
                zoneNode("node-b", "zone1"),
                zoneNode("node-x", "zone2")),
            List.of(zoneNode("node-y", "zone2")),
            expect("node-a", 80, "node-b", 60, "node-x", 100)));
    List<DynamicTest> out = new ArrayList<>();
    for (Case c : cases) {
      out.add(
          DynamicTest.dynamicTest(
              c.name(),
              () -> {
                List<Node> allNodes = new ArrayList<>(c.nodes());
                allNodes.addAll(c.failedNodes());
                Snapshot snapshot = Snapshot.of(c.existing(), allNodes);
                PodPriorityMetadata meta =
                    Run.metadata(c.pod(), SpreadListers.EMPTY, c.nodes(), snapshot);
                assertThat(
                        Run.mapReduce(
                            EvenPodsSpreadPriority::calculateEvenPodsSpreadPriorityMap,
                            EvenPodsSpreadPriority::calculateEvenPodsSpreadPriorityReduce,
                            meta,
                            c.pod(),
                            snapshot,
                            c.nodes()))
                    .containsExactlyEntriesOf(c.expected());
              }));
    }
    return out.stream();
  }
}
