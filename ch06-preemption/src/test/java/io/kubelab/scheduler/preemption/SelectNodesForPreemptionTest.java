package io.kubelab.scheduler.preemption;

import static io.kubelab.scheduler.preemption.Upstream.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.FitPredicate;
import io.kubelab.scheduler.algorithm.GenericScheduler;
import io.kubelab.scheduler.algorithm.PredicateOrdering;
import io.kubelab.scheduler.algorithm.Victims;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.predicates.EvenPodsSpreadPredicate;
import io.kubelab.scheduler.predicates.GeneralPredicates;
import io.kubelab.scheduler.predicates.InterPodAffinityPredicate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Upstream's {@code TestSelectNodesForPreemption} (v1.17), case by case: which nodes can be made to
 * fit the pod and which pods go on each. The counted predicate plays the part of upstream's fake
 * filter plugin, which counts the fit checks: one per node, plus one per reprieve attempt.
 */
class SelectNodesForPreemptionTest {

  record Case(
      String name,
      FitPredicate predicate,
      boolean addAffinityPredicate,
      boolean alwaysFailingFilter,
      List<String> nodes,
      Pod pod,
      List<Pod> pods,
      Map<String, Set<String>> expected,
      int expectedFitChecks) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final List<String> MACHINES = List.of("machine1", "machine2");

  static Case c(
      String name,
      FitPredicate predicate,
      Pod pod,
      List<Pod> pods,
      Map<String, Set<String>> expected,
      int calls) {
    return new Case(name, predicate, false, false, MACHINES, pod, pods, expected, calls);
  }

  static Stream<Case> cases() {
    FitPredicate resources = GeneralPredicates::podFitsResources;
    return Stream.of(
        c(
            "a pod that does not fit on any machine",
            FALSE_PREDICATE,
            preemptor("new", HIGH, Size.NONE),
            List.of(pod("a", MID, Size.NONE, "machine1"), pod("b", MID, Size.NONE, "machine2")),
            Map.of(),
            2),
        c(
            "a pod that fits with no preemption",
            TRUE_PREDICATE,
            preemptor("new", HIGH, Size.NONE),
            List.of(pod("a", MID, Size.NONE, "machine1"), pod("b", MID, Size.NONE, "machine2")),
            Map.of("machine1", Set.of(), "machine2", Set.of()),
            4),
        c(
            "a pod that fits on one machine with no preemption",
            MATCHES_PREDICATE,
            preemptor("machine1", HIGH, Size.NONE),
            List.of(pod("a", MID, Size.NONE, "machine1"), pod("b", MID, Size.NONE, "machine2")),
            Map.of("machine1", Set.of()),
            3),
        c(
            "a pod that fits on both machines when lower priority pods are preempted",
            resources,
            preemptor("machine1", HIGH, Size.LARGE),
            List.of(pod("a", MID, Size.LARGE, "machine1"), pod("b", MID, Size.LARGE, "machine2")),
            Map.of("machine1", Set.of("a"), "machine2", Set.of("b")),
            4),
        c(
            "a pod that would fit on the machines, but other pods running are higher priority",
            resources,
            preemptor("machine1", LOW, Size.LARGE),
            List.of(pod("a", MID, Size.LARGE, "machine1"), pod("b", MID, Size.LARGE, "machine2")),
            Map.of(),
            2),
        c(
            "medium priority pod is preempted, but lower priority one stays as it is small",
            resources,
            preemptor("machine1", HIGH, Size.LARGE),
            List.of(
                pod("a", LOW, Size.SMALL, "machine1"),
                pod("b", MID, Size.LARGE, "machine1"),
                pod("c", MID, Size.LARGE, "machine2")),
            Map.of("machine1", Set.of("b"), "machine2", Set.of("c")),
            5),
        c(
            "mixed priority pods are preempted",
            resources,
            preemptor("machine1", HIGH, Size.LARGE),
            List.of(
                pod("a", MID, Size.SMALL, "machine1"),
                pod("b", LOW, Size.SMALL, "machine1"),
                pod("c", MID, Size.MEDIUM, "machine1"),
                pod("d", HIGH, Size.SMALL, "machine1"),
                pod("e", HIGH, Size.LARGE, "machine2")),
            Map.of("machine1", Set.of("b", "c")),
            5),
        c(
            "mixed priority pods are preempted, pick later StartTime one when priorities are equal",
            resources,
            preemptor("machine1", HIGH, Size.LARGE),
            List.of(
                pod("a", LOW, Size.SMALL, "machine1", jan(7)),
                pod("b", LOW, Size.SMALL, "machine1", jan(6)),
                pod("c", MID, Size.MEDIUM, "machine1", jan(5)),
                pod("d", HIGH, Size.SMALL, "machine1", jan(4)),
                pod("e", HIGH, Size.LARGE, "machine2", jan(3))),
            Map.of("machine1", Set.of("a", "c")),
            5),
        new Case(
            "pod with anti-affinity is preempted",
            resources,
            true,
            false,
            MACHINES,
            Fixtures.pod("machine1")
                .label("pod", "preemptor")
                .priority(HIGH)
                .requests(DEFAULT_MILLI_CPU_REQUEST + "m", String.valueOf(DEFAULT_MEMORY_REQUEST))
                .build(),
            List.of(
                Fixtures.pod("a")
                    .uid("a")
                    .label("service", "securityscan")
                    .priority(LOW)
                    .requests(
                        DEFAULT_MILLI_CPU_REQUEST + "m", String.valueOf(DEFAULT_MEMORY_REQUEST))
                    .nodeName("machine1")
                    .requiredPodAntiAffinity(
                        Fixtures.affinityTerm(
                            "hostname",
                            Fixtures.matchExpressions(
                                Fixtures.labelExpr("pod", "In", "preemptor", "value2"))))
                    .build(),
                pod("b", MID, Size.SMALL, "machine1"),
                pod("d", HIGH, Size.SMALL, "machine1"),
                pod("e", HIGH, Size.LARGE, "machine2")),
            Map.of("machine1", Set.of("a"), "machine2", Set.of()),
            4),
        new Case(
            "preemption to resolve even pods spread FitError",
            EvenPodsSpreadPredicate::evenPodsSpread,
            false,
            false,
            List.of("node-a/zone1", "node-b/zone1", "node-x/zone2"),
            spreadPod(),
            List.of(
                labelled(pod("pod-a1", MID, Size.NONE, "node-a")),
                labelled(pod("pod-a2", LOW, Size.NONE, "node-a")),
                labelled(pod("pod-b1", LOW, Size.NONE, "node-b")),
                labelled(pod("pod-x1", HIGH, Size.NONE, "node-x")),
                labelled(pod("pod-x2", HIGH, Size.NONE, "node-x"))),
            Map.of("node-a", Set.of("pod-a2"), "node-b", Set.of("pod-b1")),
            6),
        // Upstream's last case makes its fake filter plugin return Unschedulable on every node;
        // here a second predicate fails everywhere after the counted one.
        new Case(
            "get Unschedulable in the preemption phase when the filter plugins filtering the nodes",
            resources,
            false,
            true,
            MACHINES,
            preemptor("machine1", HIGH, Size.LARGE),
            List.of(pod("a", MID, Size.LARGE, "machine1"), pod("b", MID, Size.LARGE, "machine2")),
            Map.of(),
            2));
  }

  /** Upstream's topology-spread preemptor: maxSkew 1 over zone and hostname, foo exists. */
  static Pod spreadPod() {
    Pod p = Fixtures.pod("p").label("foo", "").priority(HIGH).noContainers().build();
    for (String key : List.of("zone", "hostname")) {
      p.getSpec()
          .getTopologySpreadConstraints()
          .add(
              new TopologySpreadConstraintBuilder()
                  .withMaxSkew(1)
                  .withTopologyKey(key)
                  .withWhenUnsatisfiable("DoNotSchedule")
                  .withLabelSelector(Fixtures.matchExpressions(Fixtures.labelExpr("foo", "Exists")))
                  .build());
    }
    return p;
  }

  static Pod labelled(Pod p) {
    p.getMetadata().getLabels().put("foo", "");
    return p;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void victimsPerNodeAreUpstreams(Case tc) {
    List<Node> nodes = new ArrayList<>();
    for (String n : tc.nodes()) {
      nodes.add(makeNode(n, 1000 * 5, DEFAULT_MEMORY_REQUEST * 5));
    }
    Counting counted = new Counting(tc.predicate());
    Map<String, FitPredicate> predicates = new LinkedHashMap<>();
    predicates.put("matches", counted);
    Snapshot[] holder = new Snapshot[1];
    Supplier<Snapshot> snapshot = () -> holder[0];
    if (tc.addAffinityPredicate()) {
      predicates.put(
          PredicateOrdering.MATCH_INTER_POD_AFFINITY_PRED, new InterPodAffinityPredicate(snapshot));
    }
    if (tc.alwaysFailingFilter()) {
      predicates.put("nopods", FALSE_PREDICATE);
    }
    GenericScheduler scheduler = scheduler(predicates, nodes, tc.pods());
    holder[0] = scheduler.snapshot();
    // A node added to the cluster after the snapshot was taken: preemption skips it.
    List<Node> potential = new ArrayList<>(nodes);
    potential.add(makeNode("newnode", 1000 * 5, DEFAULT_MEMORY_REQUEST * 5));
    try (Preemption preemption = preemption(scheduler)) {
      Map<String, Victims> nodeToPods =
          preemption.selectNodesForPreemption(tc.pod(), potential, List.of());

      assertThat(counted.calls.get()).as("fit checks").isEqualTo(tc.expectedFitChecks());
      assertThat(names(nodeToPods)).isEqualTo(tc.expected());
      nodeToPods.forEach(
          (node, victims) ->
              assertThat(victims.pods())
                  .as("victims on %s, most important first", node)
                  .isSortedAccordingTo(
                      (a, b) ->
                          Integer.compare(b.getSpec().getPriority(), a.getSpec().getPriority())));
    }
  }

  static Map<String, Set<String>> names(Map<String, Victims> nodeToVictims) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    nodeToVictims.forEach(
        (node, v) ->
            out.put(
                node,
                v.pods().stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet())));
    return out;
  }
}
