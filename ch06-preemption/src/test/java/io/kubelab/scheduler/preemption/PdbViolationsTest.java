package io.kubelab.scheduler.preemption;

import static io.kubelab.scheduler.preemption.Upstream.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudgetBuilder;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.FitPredicate;
import io.kubelab.scheduler.algorithm.GenericScheduler;
import io.kubelab.scheduler.algorithm.Victims;
import io.kubelab.scheduler.predicates.GeneralPredicates;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code filterPodsWithPDBViolation} (v1.17) and what the split does to victim selection: protected
 * pods are reprieved first, and the victims among them are counted.
 */
class PdbViolationsTest {

  static PodDisruptionBudget pdb(
      String namespace, LabelSelector selector, Integer disruptionsAllowed) {
    return new PodDisruptionBudgetBuilder()
        .withNewMetadata()
        .withName("pdb")
        .withNamespace(namespace)
        .endMetadata()
        .withNewSpec()
        .withSelector(selector)
        .endSpec()
        .withNewStatus()
        .withDisruptionsAllowed(disruptionsAllowed)
        .endStatus()
        .build();
  }

  static Pod app(String name, String app) {
    return Fixtures.pod(name).label("app", app).build();
  }

  static List<String> names(List<Pod> pods) {
    return pods.stream().map(p -> p.getMetadata().getName()).toList();
  }

  @Test
  void aPodIsViolatingWhenAMatchingPdbOfItsNamespaceAllowsNoDisruption() {
    PdbViolations v =
        PdbViolations.of(List.of(pdb("default", Fixtures.matchLabels("app", "foo"), 0)));
    PdbViolations.Split split =
        v.filterPodsWithPDBViolation(List.of(app("a", "foo"), app("b", "bar"), app("c", "foo")));
    assertThat(names(split.violating())).containsExactly("a", "c");
    assertThat(names(split.nonViolating())).containsExactly("b");
  }

  @Test
  void aPdbThatStillAllowsDisruptionsProtectsNobody() {
    // v1.17 does not count how many of the victims one PDB covers: allowed 1 with two matching
    // victims is still no violation (v1.19 decrements the allowance per victim).
    PdbViolations v =
        PdbViolations.of(List.of(pdb("default", Fixtures.matchLabels("app", "foo"), 1)));
    assertThat(v.filterPodsWithPDBViolation(List.of(app("a", "foo"), app("b", "foo"))).violating())
        .isEmpty();
  }

  @Test
  void aMissingAllowanceCountsAsZero() {
    PdbViolations v =
        PdbViolations.of(List.of(pdb("default", Fixtures.matchLabels("app", "foo"), null)));
    assertThat(names(v.filterPodsWithPDBViolation(List.of(app("a", "foo"))).violating()))
        .containsExactly("a");
  }

  @Test
  void otherNamespacesEmptyOrMissingSelectorsAndUnlabelledPodsNeverMatch() {
    PdbViolations v =
        PdbViolations.of(
            List.of(
                pdb("prod", Fixtures.matchLabels("app", "foo"), 0),
                pdb("default", new LabelSelector(), 0),
                pdb("default", null, 0)));
    Pod unlabelled = Fixtures.pod("u").build();
    PdbViolations.Split split = v.filterPodsWithPDBViolation(List.of(app("a", "foo"), unlabelled));
    assertThat(split.violating()).isEmpty();
    assertThat(names(split.nonViolating())).containsExactly("a", "u");
    assertThat(PdbViolations.NONE.filterPodsWithPDBViolation(List.of(app("a", "foo"))).violating())
        .isEmpty();
  }

  @Test
  void aPdbWithAMalformedSelectorIsSkipped() {
    LabelSelector bad = Fixtures.matchExpressions(Fixtures.labelExpr("app", "Gt", "1"));
    PdbViolations v =
        PdbViolations.of(
            List.of(pdb("default", bad, 0), pdb("default", Fixtures.matchLabels("app", "x"), 0)));
    assertThat(
            names(
                v.filterPodsWithPDBViolation(List.of(app("a", "foo"), app("x", "x"))).violating()))
        .containsExactly("x");
  }

  // Through victim selection: node1 holds 4 units; each pod below takes one.

  static Victims victimsOnNode1(Pod preemptor, List<Pod> pods, List<PodDisruptionBudget> pdbs) {
    Node node1 = makeNode("node1", DEFAULT_MILLI_CPU_REQUEST * 4, DEFAULT_MEMORY_REQUEST * 4);
    Map<String, FitPredicate> predicates = Map.of("matches", GeneralPredicates::podFitsResources);
    GenericScheduler scheduler = scheduler(predicates, List.of(node1), pods);
    try (Preemption preemption = preemption(scheduler)) {
      return preemption.selectNodesForPreemption(preemptor, List.of(node1), pdbs).get("node1");
    }
  }

  static Pod small(String name, int priority, String app) {
    Pod p = pod(name, priority, Size.SMALL, "node1", START_TIME);
    p.getMetadata().getLabels().put("app", app);
    return p;
  }

  @Test
  void protectedPodsAreReprievedBeforeMoreImportantUnprotectedOnes() {
    // Room for the LARGE preemptor and one small pod. Without PDBs the MID pod would stay; with
    // the LOW pod protected, the LOW pod is tried first, stays, and the MID pod goes.
    Pod preemptor = preemptor("p", HIGH, Size.LARGE);
    List<Pod> pods = List.of(small("protected", LOW, "foo"), small("free", MID, "bar"));
    Victims without = victimsOnNode1(preemptor, pods, List.of());
    assertThat(names(without.pods())).containsExactly("protected");
    Victims with =
        victimsOnNode1(
            preemptor, pods, List.of(pdb("default", Fixtures.matchLabels("app", "foo"), 0)));
    assertThat(names(with.pods())).containsExactly("free");
    assertThat(with.numPDBViolations()).isZero();
  }

  @Test
  void protectedVictimsAreCountedAndListedFirst() {
    // The LARGE preemptor leaves room for one of the three: b, protected and tried first, stays.
    Pod preemptor = preemptor("p", HIGH, Size.LARGE);
    Victims v =
        victimsOnNode1(
            preemptor,
            List.of(small("a", MID, "bar"), small("b", LOW, "foo"), small("c", LOW, "foo")),
            List.of(pdb("default", Fixtures.matchLabels("app", "foo"), 0)));
    assertThat(names(v.pods())).containsExactly("c", "a");
    assertThat(v.numPDBViolations()).isEqualTo(1);
  }

  @Test
  void upstreamV120sSamePdbCaseCountsNoViolationInV117() {
    // v1.20's "preemption with violation of same pdb": two victims under one PDB that allows one
    // disruption. v1.20 reports 1 violation; v1.17 compares the allowance with 0 only.
    Node node1 = makeNode("node1", DEFAULT_MILLI_CPU_REQUEST * 5, DEFAULT_MEMORY_REQUEST * 5);
    Pod p11 = pod("p1.1", MID, Size.MEDIUM, "node1");
    Pod p12 = pod("p1.2", MID, Size.MEDIUM, "node1");
    p11.getMetadata().getLabels().put("app", "foo");
    p12.getMetadata().getLabels().put("app", "foo");
    GenericScheduler scheduler =
        scheduler(
            Map.of("matches", GeneralPredicates::podFitsResources),
            List.of(node1),
            List.of(p11, p12));
    try (Preemption preemption = preemption(scheduler)) {
      Victims v =
          preemption
              .selectNodesForPreemption(
                  preemptor("p", HIGH, Size.VERY_LARGE),
                  List.of(node1),
                  List.of(pdb("default", Fixtures.matchLabels("app", "foo"), 1)))
              .get("node1");
      assertThat(names(v.pods())).containsExactlyInAnyOrder("p1.1", "p1.2");
      assertThat(v.numPDBViolations()).isZero();
    }
  }
}
