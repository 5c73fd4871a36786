package io.kubelab.scheduler.exercises;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.apimachinery.testing.Generators;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.SourceDSL;

/**
 * Grades {@link NodeEvents}: a table of single changes, then generated nodes with a random set of
 * changes applied, where the expected event is the first applied change in upstream's order.
 */
@Tag("exercise")
class NodeEventsExerciseTest {

  private static final Node BASE =
      Fixtures.node("n")
          .allocatable("2", "4Gi")
          .label("zone", "a")
          .taint("k", "v", "NoSchedule")
          .condition("Ready", "True")
          .build();

  @Test
  void theTable() {
    Node cordoned = new NodeBuilder(BASE).editSpec().withUnschedulable(true).endSpec().build();
    assertThat(NodeEvents.nodeSchedulingPropertiesChange(BASE, BASE)).isNull();
    assertThat(NodeEvents.nodeSchedulingPropertiesChange(cordoned, BASE)).isNull();
    assertThat(NodeEvents.nodeSchedulingPropertiesChange(BASE, cordoned))
        .isEqualTo("NodeSpecUnschedulableChange");
    for (int change = 1; change < CHANGES.size(); change++) {
      Node changed = apply(BASE, change);
      assertThat(NodeEvents.nodeSchedulingPropertiesChange(changed, BASE))
          .as("only %s", CHANGES.get(change))
          .isEqualTo(CHANGES.get(change));
    }
    Node heartbeat =
        new NodeBuilder(BASE)
            .editStatus()
            .editFirstCondition()
            .withLastHeartbeatTime("2020-01-01T00:01:00Z")
            .endCondition()
            .endStatus()
            .build();
    assertThat(NodeEvents.nodeSchedulingPropertiesChange(heartbeat, BASE)).isNull();
  }

  private static final List<String> CHANGES =
      List.of(
          "NodeSpecUnschedulableChange",
          "NodeAllocatableChange",
          "NodeLabelChange",
          "NodeTaintChange",
          "NodeConditionChange");

  /** The node with change number {@code change} of {@link #CHANGES} applied. */
  private static Node apply(Node n, int change) {
    NodeBuilder b = new NodeBuilder(n);
    switch (change) {
      case 0 -> b.editOrNewSpec().withUnschedulable(false).endSpec();
      case 1 -> b.editOrNewStatus().addToAllocatable("pods", new Quantity("7")).endStatus();
      case 2 -> b.editOrNewMetadata().addToLabels("kubelab.io/changed", "yes").endMetadata();
      case 3 ->
          b.editOrNewSpec()
              .addNewTaint()
              .withKey("kubelab.io/changed")
              .withEffect("NoExecute")
              .endTaint()
              .endSpec();
      default -> {
        List<NodeCondition> conditions = new ArrayList<>();
        conditions.add(
            new io.fabric8.kubernetes.api.model.NodeConditionBuilder()
                .withType("KubelabChanged")
                .withStatus("True")
                .build());
        if (n.getStatus() != null && n.getStatus().getConditions() != null) {
          conditions.addAll(n.getStatus().getConditions());
        }
        b.editOrNewStatus().withConditions(conditions).endStatus();
      }
    }
    return b.build();
  }

  @Test
  void generatedNodesWithRandomChanges() {
    qt().withFixedSeed(0x8e0de5L)
        .withExamples(200)
        .forAll(Generators.nodes(), SourceDSL.integers().between(0, 31))
        .checkAssert(
            (node, mask) -> {
              // The old node is cordoned when the first change is drawn, so that uncordoning it
              // is a change.
              Node old =
                  (mask & 1) != 0
                      ? new NodeBuilder(node)
                          .editOrNewSpec()
                          .withUnschedulable(true)
                          .endSpec()
                          .build()
                      : new NodeBuilder(node)
                          .editOrNewSpec()
                          .withUnschedulable(false)
                          .endSpec()
                          .build();
              Node changed = new NodeBuilder(old).build();
              String expected = null;
              for (int change = 0; change < CHANGES.size(); change++) {
                if ((mask & (1 << change)) != 0) {
                  changed = apply(changed, change);
                  if (expected == null) {
                    expected = CHANGES.get(change);
                  }
                }
              }
              assertThat(NodeEvents.nodeSchedulingPropertiesChange(changed, old))
                  .as("changes %s", Integer.toBinaryString(mask))
                  .isEqualTo(expected);
            });
  }
}
