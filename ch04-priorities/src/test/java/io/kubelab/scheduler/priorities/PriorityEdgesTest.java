package io.kubelab.scheduler.priorities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.policy.Policy;
import io.kubelab.scheduler.cache.NodeInfo;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Inputs at the edges of what the priorities accept. */
class PriorityEdgesTest {

  @Test
  void everyMapFunctionFailsWithNodeNotFoundWithoutANode() {
    Pod pod = Fixtures.pod("p").build();
    NodeInfo empty = new NodeInfo();
    assertThatThrownBy(() -> LeastRequested.LEAST_RESOURCE_PRIORITY.map(pod, null, empty))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("node not found");
    assertThatThrownBy(
            () -> NodePreferAvoidPods.calculateNodePreferAvoidPodsPriorityMap(pod, null, empty))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("node not found");
  }

  @Test
  void aPolicyResourceNeedsAName() {
    assertThatThrownBy(
            () ->
                RequestedToCapacityRatio.fromPolicy(
                    new Policy.RequestedToCapacityRatioArguments(
                        List.of(new Policy.UtilizationShapePoint(0, 10)),
                        List.of(
                            new Policy.ResourceSpec("cpu", 1), new Policy.ResourceSpec("", 1)))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "invalid RequestedToCapacityRatioPriority arguments: resources[1].name is required");
  }

  @Test
  void aShapeIsBuiltFromPairs() {
    assertThat(RequestedToCapacityRatio.FunctionShape.of(0, 100, 100, 0))
        .isEqualTo(RequestedToCapacityRatio.DEFAULT_FUNCTION_SHAPE);
    assertThatThrownBy(() -> RequestedToCapacityRatio.FunctionShape.of(0, 100, 100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("utilization and score come in pairs");
  }

  @Test
  void aContainerWithoutAnImageNameCountsNothing() {
    Pod pod = Fixtures.pod("p").build();
    Container c = new Container();
    c.setName("c");
    pod.getSpec().setContainers(List.of(c));
    assertThat(ImageLocality.imageNames(pod)).containsExactly(":latest");
  }

  @Test
  void podsWithoutTolerationsTolerateNothing() {
    assertThat(TaintToleration.getAllTolerationPreferNoSchedule(null)).isEmpty();
  }

  private static PreferredSchedulingTerm preferred(Integer weight, NodeSelectorTerm preference) {
    PreferredSchedulingTerm t = new PreferredSchedulingTerm();
    t.setWeight(weight);
    t.setPreference(preference);
    return t;
  }

  @Test
  void nodeAffinityReadsUnsetFieldsAsGoZeroValues() {
    // An unset weight is 0 and the term is skipped; an unset preference has no expressions and
    // matches no node; a node without labels still satisfies "zone DoesNotExist".
    NodeSelectorTerm noZone = Fixtures.term(Fixtures.expr("zone", "DoesNotExist"));
    Pod pod = Fixtures.pod("p").build();
    io.fabric8.kubernetes.api.model.NodeAffinity nodeAffinity =
        new io.fabric8.kubernetes.api.model.NodeAffinity();
    nodeAffinity.setPreferredDuringSchedulingIgnoredDuringExecution(
        new ArrayList<>(
            List.of(preferred(null, noZone), preferred(7, null), preferred(2, noZone))));
    Affinity affinity = new Affinity();
    affinity.setNodeAffinity(nodeAffinity);
    pod.getSpec().setAffinity(affinity);
    Node node = Fixtures.node("n").build();
    node.getMetadata().setLabels(null);
    NodeInfo nodeInfo = new NodeInfo();
    nodeInfo.setNode(node);
    assertThat(NodeAffinity.calculateNodeAffinityPriorityMap(pod, null, nodeInfo)).isEqualTo(2);

    Pod plain = Fixtures.pod("plain").build();
    plain.getSpec().setAffinity(null);
    assertThat(NodeAffinity.calculateNodeAffinityPriorityMap(plain, null, nodeInfo)).isZero();
  }
}
