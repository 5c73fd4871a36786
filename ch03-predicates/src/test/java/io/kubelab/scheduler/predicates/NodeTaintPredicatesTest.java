package io.kubelab.scheduler.predicates;

import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static io.kubelab.scheduler.predicates.TestSupport.nodeInfo;
import static io.kubelab.scheduler.predicates.TestSupport.reasons;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.cache.NodeInfo;
import org.junit.jupiter.api.Test;

/**
 * CheckNodeUnschedulable, PodToleratesNodeTaints and PodToleratesNodeNoExecuteTaints, with the
 * cases of upstream's {@code TestNodeUnschedulablePredicate} and {@code TestPodToleratesTaints}
 * ({@code predicates_test.go}, v1.17).
 */
class NodeTaintPredicatesTest {

  @Test
  void cordonedNodeRejectsPodsThatDoNotTolerateTheUnschedulableTaint() {
    Node cordoned = node("n").unschedulable().build();
    PredicateResult r =
        NodeTaintPredicates.checkNodeUnschedulable(pod("p").build(), null, nodeInfo(cordoned));
    assertThat(reasons(r)).containsExactly("node(s) were unschedulable");
    assertThat(
            NodeTaintPredicates.checkNodeUnschedulable(
                    pod("p").build(), null, nodeInfo(node("n").build()))
                .fits())
        .isTrue();
  }

  @Test
  void toleratingTheUnschedulableTaintKeyAdmitsToACordonedNode() {
    Node cordoned = node("n").unschedulable().build();
    Pod daemon =
        pod("ds")
            .toleration(NodeTaintPredicates.TAINT_NODE_UNSCHEDULABLE, "Exists", null, "NoSchedule")
            .build();
    assertThat(NodeTaintPredicates.checkNodeUnschedulable(daemon, null, nodeInfo(cordoned)).fits())
        .isTrue();
    Pod wrongEffect =
        pod("x")
            .toleration(NodeTaintPredicates.TAINT_NODE_UNSCHEDULABLE, "Exists", null, "NoExecute")
            .build();
    assertThat(
            NodeTaintPredicates.checkNodeUnschedulable(wrongEffect, null, nodeInfo(cordoned))
                .fits())
        .isFalse();
    Pod everything = pod("y").toleration(null, "Exists", null, null).build();
    assertThat(
            NodeTaintPredicates.checkNodeUnschedulable(everything, null, nodeInfo(cordoned)).fits())
        .isTrue();
  }

  @Test
  void missingNodeIsAnUnknownCondition() {
    assertThat(
            reasons(
                NodeTaintPredicates.checkNodeUnschedulable(pod("p").build(), null, new NodeInfo())))
        .containsExactly("node(s) had unknown conditions");
    assertThat(
            reasons(
                NodeTaintPredicates.podToleratesNodeTaints(pod("p").build(), null, new NodeInfo())))
        .containsExactly("node(s) had unknown conditions");
    assertThat(reasons(NodeTaintPredicates.checkNodeUnschedulable(pod("p").build(), null, null)))
        .as("no NodeInfo at all")
        .containsExactly("node(s) had unknown conditions");
    assertThat(reasons(NodeTaintPredicates.podToleratesNodeTaints(pod("p").build(), null, null)))
        .containsExactly("node(s) had unknown conditions");
  }

  @Test
  void aNodeWithoutSpecIsNotCordoned() {
    Node bare = node("n").build();
    bare.setSpec(null);
    assertThat(
            NodeTaintPredicates.checkNodeUnschedulable(pod("p").build(), null, nodeInfo(bare))
                .fits())
        .isTrue();
  }

  static boolean tolerates(Pod p, Node n) {
    PredicateResult r = NodeTaintPredicates.podToleratesNodeTaints(p, null, nodeInfo(n));
    if (!r.fits()) {
      assertThat(reasons(r)).containsExactly("node(s) had taints that the pod didn't tolerate");
    }
    return r.fits();
  }

  @Test
  void aPodWithoutTolerationsFitsOnlyUntaintedNodes() {
    assertThat(
            tolerates(
                pod("p").build(), node("n").taint("dedicated", "user1", "NoSchedule").build()))
        .isFalse();
    assertThat(tolerates(pod("p").build(), node("n").build())).isTrue();
  }

  @Test
  void equalTolerationsNeedTheSameValue() {
    Node n = node("n").taint("dedicated", "user1", "NoSchedule").build();
    assertThat(
            tolerates(pod("p").toleration("dedicated", "Equal", "user1", "NoSchedule").build(), n))
        .isTrue();
    assertThat(
            tolerates(pod("p").toleration("dedicated", "Equal", "user2", "NoSchedule").build(), n))
        .isFalse();
    assertThat(tolerates(pod("p").toleration("foo", "Exists", null, "NoSchedule").build(), n))
        .isFalse();
  }

  @Test
  void anEmptyTolerationEffectMatchesAllEffects() {
    Node n = node("n").taint("foo", "bar", "NoSchedule").build();
    assertThat(tolerates(pod("p").toleration("foo", "Equal", "bar", null).build(), n)).isTrue();
    assertThat(tolerates(pod("p").toleration("foo", "Equal", "bar", "NoExecute").build(), n))
        .isFalse();
  }

  @Test
  void preferNoScheduleTaintsAreIgnoredForFiltering() {
    Node n = node("n").taint("foo", "bar", "PreferNoSchedule").build();
    assertThat(tolerates(pod("p").build(), n)).isTrue();
  }

  @Test
  void everyFilteredTaintMustBeTolerated() {
    Node n = node("n").taint("foo", "bar", "NoSchedule").taint("baz", "qux", "NoExecute").build();
    Pod onlyFirst = pod("p").toleration("foo", "Equal", "bar", "NoSchedule").build();
    assertThat(tolerates(onlyFirst, n)).isFalse();
    Pod both =
        pod("p")
            .toleration("foo", "Equal", "bar", "NoSchedule")
            .toleration("baz", "Exists", null, "NoExecute")
            .build();
    assertThat(tolerates(both, n)).isTrue();
  }

  @Test
  void noExecuteVariantLooksOnlyAtNoExecuteTaints() {
    Node noSchedule = node("n").taint("foo", "bar", "NoSchedule").build();
    assertThat(
            NodeTaintPredicates.podToleratesNodeNoExecuteTaints(
                    pod("p").build(), null, nodeInfo(noSchedule))
                .fits())
        .isTrue();
    Node noExecute = node("n").taint("foo", "bar", "NoExecute").build();
    assertThat(
            reasons(
                NodeTaintPredicates.podToleratesNodeNoExecuteTaints(
                    pod("p").build(), null, nodeInfo(noExecute))))
        .containsExactly("node(s) had taints that the pod didn't tolerate");
  }
}
