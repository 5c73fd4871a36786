package io.kubelab.kubelet.config.exercises;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubelab.kubelet.config.PodUpdate.Op;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Grades {@link PodChange#classify}: one change at a time to a held pod. Run with -Pexercise. */
@Tag("exercise")
class PodChangeExerciseTest {

  private static PodBuilder held() {
    return new PodBuilder()
        .withNewMetadata()
        .withName("web")
        .withNamespace("default")
        .withUid("uid-web")
        .addToLabels("app", "web")
        .addToAnnotations("kubernetes.io/config.source", "api")
        .addToAnnotations("kubernetes.io/config.seen", "2020-04-01T10:00:00Z")
        .endMetadata()
        .withNewSpec()
        .withNodeName("node-1")
        .addNewContainer()
        .withName("app")
        .withImage("nginx")
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Pending")
        .endStatus();
  }

  /** What the held and the incoming pod each make of the base pod, and the expected answer. */
  record Case(
      String what, UnaryOperator<PodBuilder> held, UnaryOperator<PodBuilder> incoming, Op want) {
    static Case incoming(String what, UnaryOperator<PodBuilder> change, Op want) {
      return new Case(what, b -> b, change, want);
    }

    @Override
    public String toString() {
      return what + " -> " + want;
    }
  }

  static List<Case> cases() {
    return List.of(
        Case.incoming("nothing", b -> b, null),
        Case.incoming(
            "the kubelet's annotations only",
            b ->
                b.editMetadata()
                    .removeFromAnnotations("kubernetes.io/config.seen")
                    .addToAnnotations("kubernetes.io/config.mirror", "abc")
                    .endMetadata(),
            null),
        Case.incoming("status", b -> b.editStatus().withPhase("Running").endStatus(), Op.RECONCILE),
        Case.incoming(
            "labels", b -> b.editMetadata().addToLabels("tier", "front").endMetadata(), Op.UPDATE),
        Case.incoming(
            "an annotation added",
            b -> b.editMetadata().addToAnnotations("owner", "team-a").endMetadata(),
            Op.UPDATE),
        new Case(
            "an annotation removed",
            b -> b.editMetadata().addToAnnotations("owner", "team-a").endMetadata(),
            b -> b,
            Op.UPDATE),
        Case.incoming(
            "spec", b -> b.editSpec().withActiveDeadlineSeconds(30L).endSpec(), Op.UPDATE),
        Case.incoming(
            "spec and status",
            b ->
                b.editSpec()
                    .withActiveDeadlineSeconds(30L)
                    .endSpec()
                    .editStatus()
                    .withPhase("Running")
                    .endStatus(),
            Op.UPDATE),
        Case.incoming(
            "deletion timestamp",
            b -> b.editMetadata().withDeletionTimestamp("2020-04-01T10:05:00Z").endMetadata(),
            Op.DELETE),
        new Case(
            "grace period of a pod being deleted",
            b -> b.editMetadata().withDeletionTimestamp("2020-04-01T10:05:00Z").endMetadata(),
            b ->
                b.editMetadata()
                    .withDeletionTimestamp("2020-04-01T10:05:00Z")
                    .withDeletionGracePeriodSeconds(0L)
                    .endMetadata(),
            Op.DELETE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void classifiesOneChange(Case c) {
    Pod held = c.held().apply(held()).build();
    Pod incoming = c.incoming().apply(held()).build();
    Pod heldBefore = c.held().apply(held()).build();
    Pod incomingBefore = c.incoming().apply(held()).build();

    assertThat(PodChange.classify(held, incoming)).isEqualTo(c.want());
    assertThat(held).as("held pod unchanged").isEqualTo(heldBefore);
    assertThat(incoming).as("incoming pod unchanged").isEqualTo(incomingBefore);
  }
}
