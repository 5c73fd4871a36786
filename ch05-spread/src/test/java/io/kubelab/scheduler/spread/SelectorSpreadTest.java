package io.kubelab.scheduler.spread;

import static io.kubelab.apimachinery.testing.Fixtures.matchLabels;
import static io.kubelab.scheduler.spread.Objects.labels;
import static io.kubelab.scheduler.spread.Objects.node;
import static io.kubelab.scheduler.spread.Objects.pod;
import static io.kubelab.scheduler.spread.Objects.rc;
import static io.kubelab.scheduler.spread.Objects.rs;
import static io.kubelab.scheduler.spread.Objects.service;
import static io.kubelab.scheduler.spread.Objects.ss;
import static io.kubelab.scheduler.spread.Run.expect;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.kubelab.scheduler.algorithm.PriorityMetadata;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Upstream's {@code TestSelectorSpreadPriority} and {@code TestZoneSelectorSpreadPriority} ({@code
 * pkg/scheduler/algorithm/priorities/selector_spreading_test.go}, v1.17), case by case: same pods,
 * same Services and controllers, same scores. Each case runs twice: with the metadata the factory
 * computes (what the scheduler does) and without any (the map builds the selector itself).
 */
class SelectorSpreadTest {

  static final Map<String, String> LABELS1 = labels("foo", "bar", "baz", "blah");
  static final Map<String, String> LABELS2 = labels("bar", "foo", "baz", "blah");

  /** One table row. */
  record Case(
      String name,
      Pod pod,
      List<Pod> pods,
      List<Node> nodes,
      List<HasMetadata> workloads,
      Map<String, Long> expected) {}

  static Pod incoming(String ns, Map<String, String> l) {
    return pod(ns, null, l);
  }

  static InMemoryListers listers(List<HasMetadata> workloads) {
    InMemoryListers l = new InMemoryListers();
    for (HasMetadata o : workloads) {
      if (o instanceof Service s) {
        l.add(s);
      } else if (o instanceof ReplicationController r) {
        l.add(r);
      } else if (o instanceof ReplicaSet r) {
        l.add(r);
      } else if (o instanceof StatefulSet s) {
        l.add(s);
      } else {
        throw new IllegalArgumentException(o.getKind());
      }
    }
    return l;
  }

  static Stream<DynamicTest> run(List<Case> cases) {
    List<DynamicTest> out = new ArrayList<>();
    for (Case c : cases) {
      for (boolean withMeta : new boolean[] {true, false}) {
        out.add(
            DynamicTest.dynamicTest(
                c.name() + (withMeta ? "" : " (no metadata)"),
                () -> {
                  Snapshot snapshot = Snapshot.of(c.pods(), c.nodes());
                  SpreadListers l = listers(c.workloads()).spreadListers();
                  SelectorSpread spread = new SelectorSpread(l);
                  PriorityMetadata meta =
                      withMeta ? Run.metadata(c.pod(), l, c.nodes(), snapshot) : null;
                  assertThat(
                          Run.mapReduce(
                              spread::calculateSpreadPriorityMap,
                              SelectorSpread::calculateSpreadPriorityReduce,
                              meta,
                              c.pod(),
                              snapshot,
                              c.nodes()))
                      .containsExactlyEntriesOf(c.expected());
                }));
      }
    }
    return out.stream();
  }

  @TestFactory
  Stream<DynamicTest> upstreamTestSelectorSpreadPriority() {
    List<Node> nodes = List.of(node("machine1", Map.of()), node("machine2", Map.of()));
    String m1 = "machine1";
    String m2 = "machine2";
    Map<String, Long> both100 = expect(m1, 100, m2, 100);
    Map<String, Long> both0 = expect(m1, 0, m2, 0);
    List<Case> cases = new ArrayList<>();
    cases.add(
        new Case("nothing scheduled", incoming("", null), List.of(), nodes, List.of(), both100));
    cases.add(
        new Case(
            "no services",
            incoming("", LABELS1),
            List.of(pod(m1, null)),
            nodes,
            List.of(),
            both100));
    cases.add(
        new Case(
            "different services",
            incoming("", LABELS1),
            List.of(pod(m1, LABELS2)),
            nodes,
            List.of(service("", labels("key", "value"))),
            both100));
    cases.add(
        new Case(
            "two pods, one service pod",
            incoming("", LABELS1),
            List.of(pod(m1, LABELS2), pod(m2, LABELS1)),
            nodes,
            List.of(service("", LABELS1)),
            expect(m1, 100, m2, 0)));
    cases.add(
        new Case(
            "five pods, one service pod in no namespace",
            incoming("", LABELS1),
            List.of(
                pod(m1, LABELS2),
                pod("default", m1, LABELS1),
                pod("ns1", m1, LABELS1),
                pod(m2, LABELS1),
                pod(m2, LABELS2)),
            nodes,
            List.of(service("", LABELS1)),
            expect(m1, 100, m2, 0)));
    cases.add(
        new Case(
            "four pods, one service pod in default namespace",
            incoming("default", LABELS1),
            List.of(
                pod(m1, LABELS1),
                pod("ns1", m1, LABELS1),
                pod("default", m2, LABELS1),
                pod(m2, LABELS2)),
            nodes,
            List.of(service("default", LABELS1)),
            expect(m1, 100, m2, 0)));
    cases.add(
        new Case(
            "five pods, one service pod in specific namespace",
            incoming("ns1", LABELS1),
            List.of(
                pod(m1, LABELS1),
                pod("default", m1, LABELS1),
                pod("ns2", m1, LABELS1),
                pod("ns1", m2, LABELS1),
                pod(m2, LABELS2)),
            nodes,
            List.of(service("ns1", LABELS1)),
            expect(m1, 100, m2, 0)));
    cases.add(
        new Case(
            "three pods, two service pods on different machines",
            incoming("", LABELS1),
            List.of(pod(m1, LABELS2), pod(m1, LABELS1), pod(m2, LABELS1)),
            nodes,
            List.of(service("", LABELS1)),
            both0));
    cases.add(
        new Case(
            "four pods, three service pods",
            incoming("", LABELS1),
            List.of(pod(m1, LABELS2), pod(m1, LABELS1), pod(m2, LABELS1), pod(m2, LABELS1)),
            nodes,
            List.of(service("", LABELS1)),
            expect(m1, 50, m2, 0)));
    cases.add(
        new Case(
            "service with partial pod label matches",
            incoming("", LABELS1),
            threePods(),
            nodes,
            List.of(service("", labels("baz", "blah"))),
            expect(m1, 0, m2, 50)));
    // "baz=blah" matches both labels1 and labels2, "foo=bar" only labels1: together they
    // spread pod2 and pod3, not pod1.
    cases.add(
        new Case(
            "service with partial pod label matches with service and replication controller",
            incoming("", LABELS1),
            threePods(),
            nodes,
            List.of(rc("", labels("foo", "bar")), service("", labels("baz", "blah"))),
            both0));
    cases.add(
        new Case(
            "service with partial pod label matches with service and replica set",
            incoming("", LABELS1),
            threePods(),
            nodes,
            List.of(service("", labels("baz", "blah")), rs("", matchLabels("foo", "bar"))),
            both0));
    cases.add(
        new Case(
            "service with partial pod label matches with service and stateful set",
            incoming("", LABELS1),
            threePods(),
            nodes,
            List.of(service("", labels("baz", "blah")), ss("", matchLabels("foo", "bar"))),
            both0));
    Map<String, String> fooBarBarFoo = labels("foo", "bar", "bar", "foo");
    // Taken together, the Service and the controller match no existing pod.
    cases.add(
        new Case(
            "disjoined service and replication controller matches no pods",
            incoming("", fooBarBarFoo),
            threePods(),
            nodes,
            List.of(rc("", labels("foo", "bar")), service("", labels("bar", "foo"))),
            both100));
    cases.add(
        new Case(
            "disjoined service and replica set matches no pods",
            incoming("", fooBarBarFoo),
            threePods(),
            nodes,
            List.of(service("", labels("bar", "foo")), rs("", matchLabels("foo", "bar"))),
            both100));
    cases.add(
        new Case(
            "disjoined service and stateful set matches no pods",
            incoming("", fooBarBarFoo),
            threePods(),
            nodes,
            List.of(service("", labels("bar", "foo")), ss("", matchLabels("foo", "bar"))),
            both100));
    // Both nodes have one pod of the controller: both score 0.
    cases.add(
        new Case(
            "Replication controller with partial pod label matches",
            incoming("", LABELS1),
            threePods(),
            nodes,
            List.of(rc("", labels("foo", "bar"))),
            both0));
    cases.add(
        new Case(
            "Replica set with partial pod label matches",
            incoming("", LABELS1),
            threePods(),
            nodes,
            List.of(rs("", matchLabels("foo", "bar"))),
            both0));
    cases.add(
        new Case(
            "StatefulSet with partial pod label matches",
            incoming("", LABELS1),
            threePods(),
            nodes,
            List.of(ss("", matchLabels("foo", "bar"))),
            both0));
    cases.add(
        new Case(
            "Another replication controller with partial pod label matches",
            incoming("", LABELS1),
            threePods(),
            nodes,
            List.of(rc("", labels("baz", "blah"))),
            expect(m1, 0, m2, 50)));
    cases.add(
        new Case(
            "Another replication set with partial pod label matches",
            incoming("", LABELS1),
            threePods(),
            nodes,
            List.of(rs("", matchLabels("baz", "blah"))),
            expect(m1, 0, m2, 50)));
    cases.add(
        new Case(
            "Another stateful set with partial pod label matches",
            incoming("", LABELS1),
            threePods(),
            nodes,
            List.of(ss("", matchLabels("baz", "blah"))),
            expect(m1, 0, m2, 50)));
    return run(cases);
  }

  /** labels2 and labels1 on machine1, labels1 on machine2: the pods of most rows. */
  static List<Pod> threePods() {
    return List.of(pod("machine1", LABELS2), pod("machine1", LABELS1), pod("machine2", LABELS1));
  }

  static final String M1Z1 = "machine1.zone1";
  static final String M1Z2 = "machine1.zone2";
  static final String M2Z2 = "machine2.zone2";
  static final String M1Z3 = "machine1.zone3";
  static final String M2Z3 = "machine2.zone3";
  static final String M3Z3 = "machine3.zone3";

  static List<Node> zonedNodes() {
    List<Node> nodes = new ArrayList<>();
    for (String[] nz :
        new String[][] {
          {M1Z1, "zone1"}, {M1Z2, "zone2"}, {M2Z2, "zone2"},
          {M1Z3, "zone3"}, {M2Z3, "zone3"}, {M3Z3, "zone3"}
        }) {
      nodes.add(node(nz[0], labels(Zones.LABEL_ZONE_FAILURE_DOMAIN, nz[1])));
    }
    return nodes;
  }

  static Map<String, Long> zoned(long z1, long m1z2, long m2z2, long m1z3, long m2z3, long m3z3) {
    return expect(M1Z1, z1, M1Z2, m1z2, M2Z2, m2z2, M1Z3, m1z3, M2Z3, m2z3, M3Z3, m3z3);
  }

  @TestFactory
  Stream<DynamicTest> upstreamTestZoneSelectorSpreadPriority() {
    Map<String, String> l1 = labels("label1", "l1", "baz", "blah");
    Map<String, String> l2 = labels("label2", "l2", "baz", "blah");
    List<Node> nodes = zonedNodes();
    List<Case> cases = new ArrayList<>();
    cases.add(
        new Case(
            "nothing scheduled",
            incoming("", null),
            List.of(),
            nodes,
            List.of(),
            zoned(100, 100, 100, 100, 100, 100)));
    cases.add(
        new Case(
            "no services",
            incoming("", l1),
            List.of(pod(M1Z1, null)),
            nodes,
            List.of(),
            zoned(100, 100, 100, 100, 100, 100)));
    cases.add(
        new Case(
            "different services",
            incoming("", l1),
            List.of(pod(M1Z1, l2)),
            nodes,
            List.of(service("", labels("key", "value"))),
            zoned(100, 100, 100, 100, 100, 100)));
    cases.add(
        new Case(
            "two pods, 0 matching",
            incoming("", l1),
            List.of(pod(M1Z1, l2), pod(M1Z2, l2)),
            nodes,
            List.of(service("", l1)),
            zoned(100, 100, 100, 100, 100, 100)));
    // A pod on m1.z2 already: 0 there, 33 for the other node of its zone.
    cases.add(
        new Case(
            "two pods, 1 matching (in z2)",
            incoming("", l1),
            List.of(pod(M1Z1, l2), pod(M1Z2, l1)),
            nodes,
            List.of(service("", l1)),
            zoned(100, 0, 33, 100, 100, 100)));
    cases.add(
        new Case(
            "five pods, 3 matching (z2=2, z3=1)",
            incoming("", l1),
            List.of(pod(M1Z1, l2), pod(M1Z2, l1), pod(M2Z2, l1), pod(M1Z3, l2), pod(M2Z3, l1)),
            nodes,
            List.of(service("", l1)),
            zoned(100, 0, 0, 66, 33, 66)));
    cases.add(
        new Case(
            "four pods, 3 matching (z1=1, z2=1, z3=1)",
            incoming("", l1),
            List.of(pod(M1Z1, l1), pod(M1Z2, l1), pod(M2Z2, l2), pod(M1Z3, l1)),
            nodes,
            List.of(service("", l1)),
            zoned(0, 0, 33, 0, 33, 33)));
    cases.add(
        new Case(
            "four pods, 3 matching (z1=1, z2=1, z3=1), other order",
            incoming("", l1),
            List.of(pod(M1Z1, l1), pod(M1Z2, l1), pod(M1Z3, l1), pod(M2Z2, l2)),
            nodes,
            List.of(service("", l1)),
            zoned(0, 0, 33, 0, 33, 33)));
    // Two pods on one node of zone3: zone1 is still the most favoured, m1.z3 the least.
    cases.add(
        new Case(
            "Replication controller spreading (z1=0, z2=1, z3=2)",
            incoming("", l1),
            List.of(pod(M1Z3, l1), pod(M1Z2, l1), pod(M1Z3, l1)),
            nodes,
            List.of(rc("", l1)),
            zoned(100, 50, 66, 0, 33, 33)));
    return run(cases);
  }
}
