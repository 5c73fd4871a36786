package io.kubelab.cluster.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.kubelab.cluster.controller.ControllerUtils.RankedPod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules every controller shares: which pods count and which go first. */
class ControllerUtilsTest {

  /** A pod described by the fields the deletion order reads. */
  private static Pod pod(
      String node, String phase, Boolean ready, String readySince, int restarts, String created) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName("p")
            .withCreationTimestamp(created)
            .endMetadata()
            .withNewSpec()
            .withNodeName(node)
            .endSpec()
            .withNewStatus()
            .withPhase(phase)
            .addNewContainerStatus()
            .withName("app")
            .withRestartCount(restarts)
            .endContainerStatus()
            .endStatus();
    if (ready != null) {
      b.editStatus()
          .addNewCondition()
          .withType("Ready")
          .withStatus(ready ? "True" : "False")
          .withLastTransitionTime(readySince)
          .endCondition()
          .endStatus();
    }
    return b.build();
  }

  private static final String T0 = "2020-01-01T00:00:00Z";
  private static final String T1 = "2020-01-01T00:01:00Z";

  private static boolean first(Pod a, int rankA, Pod b, int rankB) {
    return ControllerUtils.less(new RankedPod(a, rankA), new RankedPod(b, rankB));
  }

  @Test
  void eachRuleDecidesOnlyWhenTheOnesBeforeItTie() {
    Pod running = pod("n", "Running", true, T0, 0, T0);
    // 1. not on a node first
    assertThat(first(pod(null, "Running", true, T0, 0, T0), 0, running, 0)).isTrue();
    // 2. Pending, then Unknown, then Running
    assertThat(first(pod("n", "Pending", true, T0, 0, T0), 0, running, 0)).isTrue();
    assertThat(first(pod("n", "Unknown", true, T0, 0, T0), 0, running, 0)).isTrue();
    assertThat(
            first(pod("n", "Pending", true, T0, 0, T0), 0, pod("n", "Unknown", true, T0, 0, T0), 0))
        .isTrue();
    // 3. not ready first
    assertThat(first(pod("n", "Running", false, T0, 0, T0), 0, running, 0)).isTrue();
    // 4. more related pods on its node first, even when it has been ready longer
    assertThat(
            first(pod("n", "Running", true, T0, 0, T0), 2, pod("n", "Running", true, T1, 0, T0), 1))
        .isTrue();
    // 5. ready for a shorter time first
    assertThat(first(pod("n", "Running", true, T1, 0, T0), 0, running, 0)).isTrue();
    // 6. more restarts first
    assertThat(first(pod("n", "Running", true, T0, 3, T0), 0, running, 0)).isTrue();
    // 7. created later first; no creation time counts as the latest
    assertThat(first(pod("n", "Running", true, T0, 0, T1), 0, running, 0)).isTrue();
    assertThat(first(pod("n", "Running", true, T0, 0, null), 0, running, 0)).isTrue();
    // identical: neither first
    assertThat(first(running, 0, running, 0)).isFalse();
  }

  @Test
  void theDeletionOrderIsATotalPreorder() {
    // Java's sort needs a consistent comparator: antisymmetric and transitive
    String[] nodes = {null, "a", "b"};
    String[] phases = {"Pending", "Unknown", "Running"};
    String[] times = {null, T0, T1};
    qt().withFixedSeed(0xac71L)
        .withExamples(200)
        .forAll(lists().of(integers().between(0, 3 * 3 * 3 * 3 * 3 * 3 * 4 - 1)).ofSize(3))
        .checkAssert(
            codes -> {
              List<RankedPod> ps = new ArrayList<>();
              for (int c : codes) {
                Boolean ready = c % 3 == 0 ? null : c % 3 == 1;
                c /= 3;
                String node = nodes[c % 3];
                c /= 3;
                String phase = phases[c % 3];
                c /= 3;
                String readySince = times[c % 3];
                c /= 3;
                int restarts = c % 3;
                c /= 3;
                String created = times[c % 3];
                c /= 3;
                ps.add(
                    new RankedPod(pod(node, phase, ready, readySince, restarts, created), c % 4));
              }
              var cmp = ControllerUtils.ACTIVE_PODS_WITH_RANKS;
              for (RankedPod x : ps) {
                for (RankedPod y : ps) {
                  assertThat(Integer.signum(cmp.compare(x, y)))
                      .isEqualTo(-Integer.signum(cmp.compare(y, x)));
                  for (RankedPod z : ps) {
                    if (cmp.compare(x, y) <= 0 && cmp.compare(y, z) <= 0) {
                      assertThat(cmp.compare(x, z)).isLessThanOrEqualTo(0);
                    }
                  }
                }
              }
            });
  }

  @Test
  void activePodsAreNeitherFinishedNorBeingDeleted() {
    assertThat(ControllerUtils.isPodActive(pod("n", "Running", true, T0, 0, T0))).isTrue();
    assertThat(ControllerUtils.isPodActive(pod("n", "Succeeded", null, null, 0, T0))).isFalse();
    assertThat(ControllerUtils.isPodActive(pod("n", "Failed", null, null, 0, T0))).isFalse();
    Pod deleting =
        new PodBuilder(pod("n", "Running", true, T0, 0, T0))
            .editMetadata()
            .withDeletionTimestamp(T1)
            .endMetadata()
            .build();
    assertThat(ControllerUtils.isPodActive(deleting)).isFalse();
    assertThat(
            ControllerUtils.filterActivePods(
                List.of(deleting, pod("n", "Pending", null, null, 0, T0))))
        .hasSize(1);
  }

  @Test
  void aPodIsAvailableOnceReadyForMoreThanMinReadySeconds() {
    Pod p = pod("n", "Running", true, T0, 0, T0);
    Instant t0 = Instant.parse(T0);
    assertThat(ControllerUtils.isPodAvailable(p, 0, t0)).isTrue();
    assertThat(ControllerUtils.isPodAvailable(p, 10, t0.plusSeconds(10))).isFalse();
    assertThat(ControllerUtils.isPodAvailable(p, 10, t0.plusSeconds(11))).isTrue();
    assertThat(ControllerUtils.isPodAvailable(pod("n", "Running", false, T0, 0, T0), 0, t0))
        .isFalse();
  }

  @Test
  void aControllerReferenceMustSayControllerAndBlockOwnerDeletion() {
    OwnerReference ok =
        new OwnerReferenceBuilder()
            .withApiVersion("apps/v1")
            .withKind("ReplicaSet")
            .withName("web")
            .withUid("u")
            .withController(true)
            .withBlockOwnerDeletion(true)
            .build();
    ControllerUtils.validateControllerRef(ok);
    assertThatThrownBy(() -> ControllerUtils.validateControllerRef(null))
        .hasMessage("controllerRef is nil");
    assertThatThrownBy(
            () ->
                ControllerUtils.validateControllerRef(
                    new OwnerReferenceBuilder(ok).withApiVersion("").build()))
        .hasMessage("controllerRef has empty APIVersion");
    assertThatThrownBy(
            () ->
                ControllerUtils.validateControllerRef(
                    new OwnerReferenceBuilder(ok).withKind(null).build()))
        .hasMessage("controllerRef has empty Kind");
    assertThatThrownBy(
            () ->
                ControllerUtils.validateControllerRef(
                    new OwnerReferenceBuilder(ok).withController(false).build()))
        .hasMessage("controllerRef.Controller is not set to true");
    assertThatThrownBy(
            () ->
                ControllerUtils.validateControllerRef(
                    new OwnerReferenceBuilder(ok).withBlockOwnerDeletion(null).build()))
        .hasMessage("controllerRef.BlockOwnerDeletion is not set");
  }

  @Test
  void aPodFromATemplateIsNamedAfterItsOwnerAndOwnedByIt() {
    var owner =
        new ReplicaSetBuilder()
            .withNewMetadata()
            .withName("web")
            .withUid("u")
            .endMetadata()
            .build();
    var template =
        new PodTemplateSpecBuilder()
            .withNewMetadata()
            .withName("ignored")
            .addToLabels("app", "web")
            .addToFinalizers("example.com/keep")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .endContainer()
            .endSpec()
            .build();
    OwnerReference ref = ControllerUtils.newControllerRef(owner, "apps/v1", "ReplicaSet");
    Pod p = ControllerUtils.podFromTemplate(template, owner, ref);
    assertThat(p.getMetadata().getName()).isNull();
    assertThat(p.getMetadata().getGenerateName()).isEqualTo("web-");
    assertThat(p.getMetadata().getFinalizers()).containsExactly("example.com/keep");
    assertThat(p.getMetadata().getOwnerReferences()).containsExactly(ref);
    // a copy: changing the pod leaves the template alone
    p.getSpec().getContainers().get(0).setName("changed");
    p.getMetadata().getLabels().put("x", "y");
    assertThat(template.getSpec().getContainers().get(0).getName()).isEqualTo("app");
    assertThat(template.getMetadata().getLabels()).doesNotContainKey("x");
    // "NAME-" when that is a valid prefix (the dash masked), else the name as it is
    assertThat(ControllerUtils.podsPrefix("web")).isEqualTo("web-");
    assertThat(ControllerUtils.podsPrefix("a".repeat(253))).isEqualTo("a".repeat(253) + "-");
    assertThat(ControllerUtils.podsPrefix("Web")).isEqualTo("Web");
  }
}
