package io.kubelab.scheduler.preemption;

import static io.kubelab.scheduler.preemption.Upstream.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.FitError;
import io.kubelab.scheduler.algorithm.FitPredicate;
import io.kubelab.scheduler.algorithm.GenericScheduler;
import io.kubelab.scheduler.algorithm.PodNominator;
import io.kubelab.scheduler.algorithm.PredicateFailureReason;
import io.kubelab.scheduler.algorithm.PredicateFailureReason.InsufficientResourceError;
import io.kubelab.scheduler.algorithm.PredicateMetadataProducer;
import io.kubelab.scheduler.algorithm.SchedulerExtender;
import io.kubelab.scheduler.algorithm.SchedulingError;
import io.kubelab.scheduler.algorithm.TestCluster;
import io.kubelab.scheduler.algorithm.Victims;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.predicates.EvenPodsSpreadPredicate;
import io.kubelab.scheduler.predicates.GeneralPredicates;
import io.kubelab.scheduler.predicates.MetadataProducer;
import io.kubelab.scheduler.predicates.PredicateErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code Preempt} end to end: upstream's {@code TestPreempt} table (v1.17), each case run twice as
 * upstream does (the second time the victims are terminating and the pod is nominated, so it must
 * not preempt again), then the branches of {@code Preempt} the table does not reach.
 */
class PreemptTest {

  static final Map<String, List<PredicateFailureReason>> DEFAULT_FAILED =
      Map.of(
          "machine1", List.of(new InsufficientResourceError("memory", 1000, 500, 300)),
          "machine2", List.of(PredicateErrors.ERR_DISK_CONFLICT),
          "machine3", List.of(new InsufficientResourceError("memory", 1000, 600, 400)));

  static final List<String> MACHINES = List.of("machine1", "machine2", "machine3");

  record Case(
      String name,
      Pod pod,
      List<Pod> pods,
      List<SchedulerExtender> extenders,
      Map<String, List<PredicateFailureReason>> failed,
      List<String> nodeNames,
      FitPredicate predicate,
      boolean buildPredMeta,
      String expectedNode,
      List<String> expectedPods) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Pod preemptorWithPolicy(String policy) {
    Pod p = preemptor("pod1", HIGH, Size.VERY_LARGE);
    p.getSpec().setPreemptionPolicy(policy);
    return p;
  }

  static Pod running(Pod p) {
    p.getStatus().setPhase("Running");
    return p;
  }

  static List<Pod> basicPods(int m11, int m12, int m21) {
    return List.of(
        running(pod("m1.1", m11, Size.SMALL, "machine1")),
        running(pod("m1.2", m12, Size.SMALL, "machine1")),
        running(pod("m2.1", m21, Size.LARGE, "machine2")));
  }

  static Case simple(
      String name,
      Pod pod,
      List<Pod> pods,
      List<SchedulerExtender> extenders,
      String node,
      List<String> victims) {
    return new Case(
        name,
        pod,
        pods,
        extenders,
        DEFAULT_FAILED,
        MACHINES,
        GeneralPredicates::podFitsResources,
        false,
        node,
        victims);
  }

  static List<Pod> withM31(List<Pod> pods) {
    List<Pod> out = new ArrayList<>(pods);
    out.add(running(pod("m3.1", MID, Size.MEDIUM, "machine3")));
    return out;
  }

  static Stream<Case> cases() {
    return Stream.of(
        simple(
            "basic preemption logic",
            preemptorWithPolicy("PreemptLowerPriority"),
            withM31(basicPods(LOW, LOW, HIGH)),
            List.of(),
            "machine1",
            List.of("m1.1", "m1.2")),
        simple(
            "One node doesn't need any preemption",
            preemptorWithPolicy("PreemptLowerPriority"),
            basicPods(LOW, LOW, HIGH),
            List.of(),
            "machine3",
            List.of()),
        new Case(
            "preemption for topology spread constraints",
            SelectNodesForPreemptionTest.spreadPod(),
            List.of(
                running(
                    SelectNodesForPreemptionTest.labelled(
                        pod("pod-a1", HIGH, Size.NONE, "node-a"))),
                running(
                    SelectNodesForPreemptionTest.labelled(
                        pod("pod-a2", HIGH, Size.NONE, "node-a"))),
                running(
                    SelectNodesForPreemptionTest.labelled(pod("pod-b1", LOW, Size.NONE, "node-b"))),
                running(
                    SelectNodesForPreemptionTest.labelled(
                        pod("pod-x1", HIGH, Size.NONE, "node-x"))),
                running(
                    SelectNodesForPreemptionTest.labelled(
                        pod("pod-x2", HIGH, Size.NONE, "node-x")))),
            List.of(),
            Map.of(
                "node-a", List.of(PredicateErrors.ERR_TOPOLOGY_SPREAD_CONSTRAINTS_NOT_MATCH),
                "node-b", List.of(PredicateErrors.ERR_TOPOLOGY_SPREAD_CONSTRAINTS_NOT_MATCH),
                "node-x", List.of(PredicateErrors.ERR_TOPOLOGY_SPREAD_CONSTRAINTS_NOT_MATCH)),
            List.of("node-a/zone1", "node-b/zone1", "node-x/zone2"),
            EvenPodsSpreadPredicate::evenPodsSpread,
            true,
            "node-b",
            List.of("pod-b1")),
        simple(
            "Scheduler extenders allow only machine1, otherwise machine3 would have been chosen",
            preemptorWithPolicy("PreemptLowerPriority"),
            basicPods(MID, LOW, MID),
            List.of(FakeExtender.of(FakeExtender.TRUE), FakeExtender.of(FakeExtender.MACHINE1)),
            "machine1",
            List.of("m1.1", "m1.2")),
        simple(
            "Scheduler extenders do not allow any preemption",
            preemptorWithPolicy("PreemptLowerPriority"),
            basicPods(MID, LOW, MID),
            List.of(FakeExtender.of(FakeExtender.FALSE)),
            "",
            List.of()),
        simple(
            "One scheduler extender allows only machine1, the other returns error but ignorable."
                + " Only machine1 would be chosen",
            preemptorWithPolicy("PreemptLowerPriority"),
            basicPods(MID, LOW, MID),
            List.of(
                new FakeExtender(List.of(FakeExtender.ERROR), false, true),
                FakeExtender.of(FakeExtender.MACHINE1)),
            "machine1",
            List.of("m1.1", "m1.2")),
        simple(
            "One scheduler extender allows only machine1, but it is not interested in given pod,"
                + " otherwise machine1 would have been chosen",
            preemptorWithPolicy("PreemptLowerPriority"),
            basicPods(MID, LOW, MID),
            List.of(
                new FakeExtender(List.of(FakeExtender.MACHINE1), true, false),
                FakeExtender.of(FakeExtender.TRUE)),
            "machine3",
            List.of()),
        simple(
            "no preempting in pod",
            preemptorWithPolicy("Never"),
            withM31(basicPods(LOW, LOW, HIGH)),
            List.of(),
            "",
            List.of()),
        simple(
            "PreemptionPolicy is nil",
            preemptorWithPolicy(null),
            withM31(basicPods(LOW, LOW, HIGH)),
            List.of(),
            "machine1",
            List.of("m1.1", "m1.2")));
  }

  static GenericScheduler schedulerFor(
      List<String> nodeNames,
      List<Pod> pods,
      FitPredicate predicate,
      boolean buildPredMeta,
      List<SchedulerExtender> extenders,
      PodNominator nominator) {
    List<Node> nodes = new ArrayList<>();
    for (String n : nodeNames) {
      nodes.add(makeNode(n, 1000 * 5, DEFAULT_MEMORY_REQUEST * 5));
    }
    PredicateMetadataProducer producer =
        buildPredMeta ? new MetadataProducer() : (pod, snapshot) -> null;
    return GenericScheduler.builder(new TestCluster.SnapshotCache(), Snapshot.of(pods, nodes))
        .predicates(Map.of("matches", predicate))
        .predicateOrdering(ORDER)
        .predicateMetadataProducer(producer)
        .extenders(extenders)
        .nominator(nominator)
        .parallelism(1)
        .build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void upstreamsPreemption(Case tc) {
    GenericScheduler scheduler =
        schedulerFor(
            tc.nodeNames(),
            tc.pods(),
            tc.predicate(),
            tc.buildPredMeta(),
            tc.extenders(),
            PodNominator.NONE);
    try (Preemption preemption = preemption(scheduler)) {
      FitError fitError = new FitError(tc.pod(), tc.nodeNames().size(), tc.failed());
      PreemptionResult r = preemption.preempt(tc.pod(), fitError);

      assertThat(r.nodeName()).isEqualTo(tc.expectedNode());
      assertThat(r.victims().stream().map(p -> p.getMetadata().getName()))
          .containsExactlyInAnyOrderElementsOf(tc.expectedPods());

      // Upstream marks the victims for deletion in the cache's own objects, records the
      // nomination, and preempts again: the pod must now wait instead of evicting more.
      for (Pod victim : r.victims()) {
        victim.getMetadata().setDeletionTimestamp("2020-06-01T00:00:00Z");
      }
      r.node().ifPresent(n -> tc.pod().getStatus().setNominatedNodeName(n.getMetadata().getName()));
      PreemptionResult again = preemption.preempt(tc.pod(), fitError);
      assertThat(again.node().isPresent() && !again.victims().isEmpty())
          .as("preempted again: %s", again)
          .isFalse();
    }
  }

  GenericScheduler basic(List<SchedulerExtender> extenders, PodNominator nominator) {
    return schedulerFor(
        MACHINES,
        withM31(basicPods(LOW, LOW, HIGH)),
        GeneralPredicates::podFitsResources,
        false,
        extenders,
        nominator);
  }

  @Test
  void onlyAFitErrorLeadsToPreemption() {
    try (Preemption preemption = preemption(basic(List.of(), PodNominator.NONE))) {
      Pod pod = preemptor("pod1", HIGH, Size.VERY_LARGE);
      assertThat(preemption.preempt(pod, new SchedulingError.NoNodesAvailable()))
          .isEqualTo(PreemptionResult.NONE);
      assertThat(preemption.preempt(pod, new SchedulingError.AlgorithmFailure("x", null)))
          .isEqualTo(PreemptionResult.NONE);
      assertThat(preemption.preempt(pod, null)).isEqualTo(PreemptionResult.NONE);
    }
  }

  @Test
  void anEmptyClusterHasNoNodesAvailable() {
    GenericScheduler scheduler =
        schedulerFor(
            List.of(),
            List.of(),
            GeneralPredicates::podFitsResources,
            false,
            List.of(),
            PodNominator.NONE);
    try (Preemption preemption = preemption(scheduler)) {
      Pod pod = preemptor("pod1", HIGH, Size.VERY_LARGE);
      assertThatThrownBy(() -> preemption.preempt(pod, new FitError(pod, 0, Map.of())))
          .isInstanceOf(SchedulingError.NoNodesAvailable.class)
          .hasMessage("no nodes available to schedule pods");
    }
  }

  @Test
  void whenNoNodeCanBeHelpedThePodsOwnNominationIsCleared() {
    try (Preemption preemption = preemption(basic(List.of(), PodNominator.NONE))) {
      Pod pod = preemptor("pod1", HIGH, Size.VERY_LARGE);
      Map<String, List<PredicateFailureReason>> hopeless =
          Map.of(
              "machine1", List.of(PredicateErrors.ERR_NODE_SELECTOR_NOT_MATCH),
              "machine2", List.of(PredicateErrors.ERR_TAINTS_TOLERATIONS_NOT_MATCH),
              "machine3", List.of(PredicateErrors.ERR_NODE_UNSCHEDULABLE));
      PreemptionResult r = preemption.preempt(pod, new FitError(pod, 3, hopeless));
      assertThat(r.node()).isEmpty();
      assertThat(r.victims()).isEmpty();
      assertThat(r.nominatedPodsToClear()).containsExactly(pod);
    }
  }

  @Test
  void lowerPriorityPodsNominatedToTheChosenNodeAreReturnedForClearing() {
    Pod nominatedLow = preemptor("nominated-low", LOW, Size.NONE);
    Pod nominatedHigh = preemptor("nominated-high", VERY_HIGH, Size.NONE);
    Pod elsewhere = preemptor("elsewhere", LOW, Size.NONE);
    PodNominator nominator =
        node ->
            switch (node) {
              case "machine1" -> List.of(nominatedLow, nominatedHigh);
              case "machine3" -> List.of(elsewhere);
              default -> List.of();
            };
    try (Preemption preemption = preemption(basic(List.of(), nominator))) {
      Pod pod = preemptor("pod1", HIGH, Size.VERY_LARGE);
      PreemptionResult r = preemption.preempt(pod, new FitError(pod, 3, DEFAULT_FAILED));
      assertThat(r.nodeName()).isEqualTo("machine1");
      assertThat(r.nominatedPodsToClear()).containsExactly(nominatedLow);
    }
  }

  @Test
  void aHigherPriorityNominatedPodKeepsItsRoomSoMorePodsMustGo() {
    // machine1 holds 5 units; m1.1 (MID, 1 unit) and m1.2 (LOW, 1 unit) run there. A LARGE
    // (3 units) pod fits after evicting nobody, unless a VERY_HIGH pod nominated there claims a
    // unit: then m1.2, the less important one, must go.
    List<Pod> pods =
        List.of(
            running(pod("m1.1", MID, Size.SMALL, "machine1")),
            running(pod("m1.2", LOW, Size.SMALL, "machine1")));
    Pod claimant = preemptor("claimant", VERY_HIGH, Size.SMALL);
    Pod pod = preemptor("pod1", HIGH, Size.LARGE);
    for (boolean nominated : new boolean[] {false, true}) {
      PodNominator nominator =
          node -> nominated && node.equals("machine1") ? List.of(claimant) : List.of();
      GenericScheduler scheduler =
          schedulerFor(
              List.of("machine1"),
              pods,
              GeneralPredicates::podFitsResources,
              true,
              List.of(),
              nominator);
      try (Preemption preemption = preemption(scheduler)) {
        Map<String, Victims> candidates =
            preemption.selectNodesForPreemption(
                pod, List.of(scheduler.snapshot().get("machine1").node()), List.of());
        assertThat(candidates.get("machine1").pods().stream().map(p -> p.getMetadata().getName()))
            .as("nominated: %s", nominated)
            .containsExactlyElementsOf(nominated ? List.of("m1.2") : List.of());
      }
    }
  }

  @Test
  void aFailingPdbListFailsThePreemption() {
    PdbLister failing =
        () -> {
          throw new IllegalStateException("the API server is away");
        };
    try (Preemption preemption = preemption(basic(List.of(), PodNominator.NONE), failing)) {
      Pod pod = preemptor("pod1", HIGH, Size.VERY_LARGE);
      assertThatThrownBy(() -> preemption.preempt(pod, new FitError(pod, 3, DEFAULT_FAILED)))
          .isInstanceOf(PreemptionException.class)
          .hasMessage("listing PodDisruptionBudgets: the API server is away");
    }
  }

  @Test
  void aFailingExtenderThatIsNotIgnorableFailsThePreemption() {
    FakeExtender failing = FakeExtender.of(FakeExtender.ERROR);
    try (Preemption preemption = preemption(basic(List.of(failing), PodNominator.NONE))) {
      Pod pod = preemptor("pod1", HIGH, Size.VERY_LARGE);
      assertThatThrownBy(() -> preemption.preempt(pod, new FitError(pod, 3, DEFAULT_FAILED)))
          .isInstanceOf(PreemptionException.class)
          .hasMessage("extender \"FakeExtender\" preemption for Pod default/pod1: some error");
    }
  }

  @Test
  void extendersAreAskedInTurnUntilNoCandidateIsLeft() {
    FakeExtender none = FakeExtender.of(FakeExtender.FALSE);
    FakeExtender after = FakeExtender.of(FakeExtender.TRUE);
    try (Preemption preemption = preemption(basic(List.of(none, after), PodNominator.NONE))) {
      Pod pod = preemptor("pod1", HIGH, Size.VERY_LARGE);
      assertThat(preemption.preempt(pod, new FitError(pod, 3, DEFAULT_FAILED)))
          .isEqualTo(PreemptionResult.NONE);
      assertThat(none.preemptionCalls).isEqualTo(1);
      assertThat(after.preemptionCalls).as("asked after the map became empty").isZero();
    }
  }

  @Test
  void extendersAreNotAskedWhenNoNodeCanBeMadeToFit() {
    FakeExtender extender = FakeExtender.of(FakeExtender.TRUE);
    try (Preemption preemption = preemption(basic(List.of(extender), PodNominator.NONE))) {
      Pod pod = preemptor("pod1", LOW, Size.VERY_LARGE);
      assertThat(preemption.preempt(pod, new FitError(pod, 3, DEFAULT_FAILED)))
          .isEqualTo(PreemptionResult.NONE);
      assertThat(extender.preemptionCalls).isZero();
    }
  }

  /** An extender with the interface's defaults: no preempt verb. */
  static class FilterOnlyExtender implements SchedulerExtender {
    @Override
    public String name() {
      return "http://filter-only";
    }

    @Override
    public FilterResult filter(Pod pod, List<Node> nodes, Snapshot snapshot) {
      return new FilterResult(nodes, Map.of());
    }

    @Override
    public PrioritizeResult prioritize(Pod pod, List<Node> nodes) {
      return new PrioritizeResult(Map.of(), 0);
    }

    @Override
    public void bind(Binding binding) {}

    @Override
    public boolean isBinder() {
      return false;
    }

    @Override
    public boolean isInterested(Pod pod) {
      return true;
    }

    @Override
    public boolean isIgnorable() {
      return false;
    }
  }

  @Test
  void anExtenderWithoutAPreemptVerbIsNotAsked() {
    SchedulerExtender filterOnly = new FilterOnlyExtender();
    assertThat(filterOnly.supportsPreemption()).isFalse();
    assertThatThrownBy(() -> filterOnly.processPreemption(null, Map.of(), null))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessage(
            "preempt verb is not defined for extender http://filter-only but run into"
                + " ProcessPreemption");
    try (Preemption preemption = preemption(basic(List.of(filterOnly), PodNominator.NONE))) {
      Pod pod = preemptor("pod1", HIGH, Size.VERY_LARGE);
      assertThat(preemption.preempt(pod, new FitError(pod, 3, DEFAULT_FAILED)).nodeName())
          .isEqualTo("machine1");
    }
  }

  @Test
  void aNodeAnExtenderInventedFailsThePreemption() {
    SchedulerExtender inventing =
        new FilterOnlyExtender() {
          @Override
          public boolean supportsPreemption() {
            return true;
          }

          @Override
          public Map<String, Victims> processPreemption(
              Pod pod, Map<String, Victims> nodeNameToVictims, Snapshot nodeInfos) {
            return Map.of("ghost", Victims.NONE);
          }
        };
    try (Preemption preemption = preemption(basic(List.of(inventing), PodNominator.NONE))) {
      Pod pod = preemptor("pod1", HIGH, Size.VERY_LARGE);
      assertThatThrownBy(() -> preemption.preempt(pod, new FitError(pod, 3, DEFAULT_FAILED)))
          .isInstanceOf(PreemptionException.class)
          .hasMessage(
              "preemption failed: the target node ghost has been deleted from scheduler cache");
    }
  }
}
