package io.kubelab.scheduler.spread;

import static io.kubelab.scheduler.spread.Objects.labels;
import static io.kubelab.scheduler.spread.Objects.node;
import static io.kubelab.scheduler.spread.Objects.pod;
import static io.kubelab.scheduler.spread.Objects.service;
import static io.kubelab.scheduler.spread.Run.expect;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.kubelab.scheduler.algorithm.PriorityMetadata;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Upstream's {@code TestZoneSpreadPriority} ({@code selector_spreading_test.go}, v1.17) and the
 * rack row of the {@code ServiceAffinity} plugin's {@code TestServiceAffinityScore} ({@code
 * framework/plugins/serviceaffinity/service_affinity_test.go}): the Policy's {@code
 * serviceAntiAffinity} with the label {@code zone} (and {@code rack}).
 */
class ServiceAntiAffinityTest {

  static final Map<String, String> LABELS1 = labels("foo", "bar", "baz", "blah");
  static final Map<String, String> LABELS2 = labels("bar", "foo", "baz", "blah");

  record Case(
      String name,
      Pod pod,
      List<Pod> pods,
      List<Service> services,
      List<String> labelKeys,
      List<Node> nodes,
      Map<String, Long> expected) {}

  static List<Node> zoneNodes() {
    return List.of(
        node("machine11", labels("zone", "zone1")),
        node("machine12", labels("zone", "zone1")),
        node("machine21", labels("zone", "zone2")),
        node("machine22", labels("zone", "zone2")),
        node("machine01", labels("name", "value")),
        node("machine02", labels("name", "value")));
  }

  static Map<String, Long> scores(long z1, long z2) {
    return expect(
        "machine11",
        z1,
        "machine12",
        z1,
        "machine21",
        z2,
        "machine22",
        z2,
        "machine01",
        0,
        "machine02",
        0);
  }

  static Pod incoming(String ns, Map<String, String> l) {
    return pod(ns, null, l);
  }

  @TestFactory
  Stream<DynamicTest> upstreamTestZoneSpreadPriority() {
    List<String> zone = List.of("zone");
    List<Node> nodes = zoneNodes();
    List<Case> cases = new ArrayList<>();
    cases.add(
        new Case(
            "nothing scheduled",
            incoming("", null),
            List.of(),
            List.of(),
            zone,
            nodes,
            scores(100, 100)));
    cases.add(
        new Case(
            "no services",
            incoming("", LABELS1),
            List.of(pod("machine11", null)),
            List.of(),
            zone,
            nodes,
            scores(100, 100)));
    cases.add(
        new Case(
            "different services",
            incoming("", LABELS1),
            List.of(pod("machine11", LABELS2)),
            List.of(service("", labels("key", "value"))),
            zone,
            nodes,
            scores(100, 100)));
    cases.add(
        new Case(
            "three pods, one service pod",
            incoming("", LABELS1),
            List.of(
                pod("machine01", LABELS2), pod("machine11", LABELS2), pod("machine21", LABELS1)),
            List.of(service("", LABELS1)),
            zone,
            nodes,
            scores(100, 0)));
    cases.add(
        new Case(
            "three pods, two service pods on different machines",
            incoming("", LABELS1),
            List.of(
                pod("machine11", LABELS2), pod("machine11", LABELS1), pod("machine21", LABELS1)),
            List.of(service("", LABELS1)),
            zone,
            nodes,
            scores(50, 50)));
    cases.add(
        new Case(
            "three service label match pods in different namespaces",
            incoming("default", LABELS1),
            List.of(
                pod("machine11", LABELS1),
                pod("default", "machine11", LABELS1),
                pod("machine21", LABELS1),
                pod("ns1", "machine21", LABELS1)),
            List.of(service("default", LABELS1)),
            zone,
            nodes,
            scores(0, 100)));
    cases.add(
        new Case(
            "four pods, three service pods",
            incoming("", LABELS1),
            List.of(
                pod("machine11", LABELS2),
                pod("machine11", LABELS1),
                pod("machine21", LABELS1),
                pod("machine21", LABELS1)),
            List.of(service("", LABELS1)),
            zone,
            nodes,
            scores(66, 33)));
    cases.add(
        new Case(
            "service with partial pod label matches",
            incoming("", LABELS1),
            List.of(
                pod("machine11", LABELS2), pod("machine11", LABELS1), pod("machine21", LABELS1)),
            List.of(service("", labels("baz", "blah"))),
            zone,
            nodes,
            scores(33, 66)));
    cases.add(
        new Case(
            "service pod on non-zoned node",
            incoming("", LABELS1),
            List.of(
                pod("machine01", LABELS1),
                pod("machine11", LABELS1),
                pod("machine21", LABELS1),
                pod("machine21", LABELS1)),
            List.of(service("", LABELS1)),
            zone,
            nodes,
            scores(75, 50)));
    List<Node> racks =
        List.of(
            node("machine11", labels("zone", "zone1", "rack", "rack1")),
            node("machine12", labels("zone", "zone1", "rack", "rack2")),
            node("machine21", labels("zone", "zone2", "rack", "rack1")),
            node("machine22", labels("zone", "zone2", "rack", "rack1")),
            node("machine01", labels("name", "value")),
            node("machine02", labels("name", "value")));
    cases.add(
        new Case(
            "three pods, two service pods, with rack label",
            incoming("", LABELS1),
            List.of(
                pod("machine01", LABELS2), pod("machine11", LABELS1), pod("machine21", LABELS1)),
            List.of(service("", LABELS1)),
            List.of("zone", "rack"),
            racks,
            expect(
                "machine11",
                25,
                "machine12",
                75,
                "machine21",
                25,
                "machine22",
                25,
                "machine01",
                0,
                "machine02",
                0)));
    List<DynamicTest> out = new ArrayList<>();
    for (Case c : cases) {
      for (boolean withMeta : new boolean[] {true, false}) {
        out.add(
            DynamicTest.dynamicTest(
                c.name() + (withMeta ? "" : " (no metadata)"),
                () -> {
                  Snapshot snapshot = Snapshot.of(c.pods(), c.nodes());
                  InMemoryListers l = new InMemoryListers();
                  c.services().forEach(l::add);
                  ServiceAntiAffinity p = new ServiceAntiAffinity(l, c.labelKeys());
                  PriorityMetadata meta =
                      withMeta
                          ? Run.metadata(c.pod(), l.spreadListers(), c.nodes(), snapshot)
                          : null;
                  assertThat(
                          Run.mapReduce(
                              p::calculateAntiAffinityPriorityMap,
                              p::calculateAntiAffinityPriorityReduce,
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
}
