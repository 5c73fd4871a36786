package io.kubelab.scheduler;

import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.storage.CSINodeBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.kubelab.scheduler.queue.PriorityQueue;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which informer event goes where: bound pods to the cache, pending pods of our profiles to the
 * queue, and which cluster changes move unschedulable pods, under which event name (upstream's
 * eventhandlers.go and its table test of nodeSchedulingPropertiesChange).
 */
@Timeout(30)
class EventHandlersTest {

  @Test
  void aPendingPodGoesToTheQueueAndLeavesItWhenBound() {
    try (Harness h = new Harness()) {
      Pod p = pod("p").build();
      h.cluster.createPod(p);
      assertThat(h.queue.pendingPods()).containsExactly(p);
      assertThat(h.schedulerCache.podCount()).isZero();

      // Bound by someone else: the update crosses both filters, a delete for the queue and an add
      // for the cache.
      h.cluster.createNode(node("n1").build());
      h.cluster.updatePod(new PodBuilder(p).editSpec().withNodeName("n1").endSpec().build());

      assertThat(h.queue.pendingPods()).isEmpty();
      assertThat(h.schedulerCache.podCount()).isEqualTo(1);
    }
  }

  @Test
  void anAssignedPodGoesToTheCacheAndItsDeletionMovesPods() {
    try (Harness h = new Harness()) {
      h.cluster.createNode(node("n1").build());
      h.cluster.createPod(pod("bound").nodeName("n1").build());
      assertThat(h.schedulerCache.podCount()).isEqualTo(1);
      assertThat(h.queue.pendingPods()).isEmpty();

      h.cluster.deletePod("default", "bound");

      assertThat(h.schedulerCache.podCount()).isZero();
      assertThat(h.moves()).containsExactly("NodeAdd", "AssignedPodDelete");
    }
  }

  @Test
  void nodesGoToTheCacheAndOnlyAddsAndUsefulUpdatesMovePods() {
    try (Harness h = new Harness()) {
      Node n = node("n1").allocatable("2", "4Gi").build();
      h.cluster.createNode(n);
      assertThat(h.schedulerCache.nodeCount()).isEqualTo(1);
      // No unschedulable pod: any update moves, as "Unknown".
      Node relabelled =
          new NodeBuilder(n).editMetadata().addToLabels("a", "b").endMetadata().build();
      h.cluster.updateNode(relabelled);
      assertThat(h.moves()).containsExactly("NodeAdd", "Unknown");

      // With an unschedulable pod, only relevant changes move, named for the change.
      h.cluster.createPod(pod("big").requests("8", "1Gi").build());
      h.cluster.updateNode(relabelled);
      assertThat(h.moves()).containsExactly("NodeAdd", "Unknown", "Unknown");
      assertThat(h.queue.pendingPods()).hasSize(1);
      h.moves().clear();
      try {
        h.settle();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      assertThat(h.queue.numUnschedulablePods()).isEqualTo(1);
      h.cluster.updateNode(relabelled);
      Node heartbeat =
          new NodeBuilder(relabelled).editMetadata().withResourceVersion("7").endMetadata().build();
      h.cluster.updateNode(heartbeat);
      assertThat(h.moves()).isEmpty();
      Node tainted =
          new NodeBuilder(heartbeat)
              .editSpec()
              .addNewTaint()
              .withKey("k")
              .withEffect("NoSchedule")
              .endTaint()
              .endSpec()
              .build();
      h.cluster.updateNode(tainted);
      assertThat(h.moves()).containsExactly("NodeTaintChange");

      // Deleting a node never makes a pod schedulable.
      h.cluster.deleteNode("n1");
      assertThat(h.schedulerCache.nodeCount()).isZero();
      assertThat(h.moves()).containsExactly("NodeTaintChange");
    }
  }

  @Test
  void servicesVolumesAndCsiNodesMovePodsWithUpstreamsEventNames() {
    try (Harness h = new Harness()) {
      var svc =
          new ServiceBuilder()
              .withNewMetadata()
              .withName("s")
              .withNamespace("default")
              .endMetadata()
              .build();
      h.cluster.createService(svc);
      h.cluster.updateService(svc);
      h.cluster.deleteService("default", "s");
      var pv = new PersistentVolumeBuilder().withNewMetadata().withName("pv").endMetadata().build();
      h.cluster.createPersistentVolume(pv);
      h.cluster.updatePersistentVolume(pv);
      var pvc =
          new PersistentVolumeClaimBuilder()
              .withNewMetadata()
              .withName("c")
              .withNamespace("default")
              .endMetadata()
              .build();
      h.cluster.createPersistentVolumeClaim(pvc);
      h.cluster.updatePersistentVolumeClaim(pvc);
      var csi = new CSINodeBuilder().withNewMetadata().withName("n1").endMetadata().build();
      h.cluster.createCSINode(csi);
      h.cluster.updateCSINode(csi);
      h.cluster.createStorageClass(
          new StorageClassBuilder()
              .withNewMetadata()
              .withName("immediate")
              .endMetadata()
              .withVolumeBindingMode("Immediate")
              .build());
      h.cluster.createStorageClass(
          new StorageClassBuilder()
              .withNewMetadata()
              .withName("late")
              .endMetadata()
              .withVolumeBindingMode("WaitForFirstConsumer")
              .build());

      assertThat(h.moves())
          .containsExactly(
              "ServiceAdd",
              "ServiceUpdate",
              "ServiceDelete",
              "PvAdd",
              "PvUpdate",
              "PvcAdd",
              "PvcUpdate",
              "CSINodeAdd",
              "CSINodeUpdate",
              "StorageClassAdd");
    }
  }

  @Test
  void updatesOfBoundPodsAndNodesReachTheCache() {
    try (Harness h = new Harness()) {
      io.fabric8.kubernetes.api.model.Node n = node("n1").allocatable("2", "4Gi").build();
      h.cluster.createNode(n);
      Pod bound = pod("bound").nodeName("n1").label("app", "a").build();
      h.cluster.createPod(bound);
      h.cluster.updatePod(
          new PodBuilder(bound).editMetadata().addToLabels("app", "b").endMetadata().build());
      assertThat(h.schedulerCache.getPod(bound).getMetadata().getLabels())
          .containsEntry("app", "b");

      h.cluster.updateNode(
          new NodeBuilder(n)
              .editStatus()
              .addToAllocatable("cpu", new Quantity("8"))
              .endStatus()
              .build());
      h.schedulerCache.updateSnapshot(h.snapshot);
      assertThat(h.snapshot.get("n1").node().getStatus().getAllocatable().get("cpu"))
          .isEqualTo(new Quantity("8"));
    }
  }

  @Test
  void aBoundPodMatchingAPendingPodsAffinityMovesIt() throws Exception {
    try (Harness h = new Harness()) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      Pod wantsDb =
          pod("web")
              .requiredPodAffinity(
                  io.kubelab.apimachinery.testing.Fixtures.affinityTerm(
                      io.kubelab.apimachinery.testing.Fixtures.LABEL_HOSTNAME,
                      new io.fabric8.kubernetes.api.model.LabelSelectorBuilder()
                          .addToMatchLabels("app", "db")
                          .build()))
              .build();
      h.cluster.createPod(wantsDb);
      h.settle();
      assertThat(h.priorityQueue().queueOf(wantsDb)).contains(PriorityQueue.SubQueue.UNSCHEDULABLE);

      h.cluster.createPod(pod("other").label("app", "cache").nodeName("n1").build());
      assertThat(h.priorityQueue().queueOf(wantsDb)).contains(PriorityQueue.SubQueue.UNSCHEDULABLE);
      Pod db = pod("db").label("app", "db").nodeName("n1").build();
      h.cluster.createPod(db);
      assertThat(h.priorityQueue().queueOf(wantsDb))
          .isNotEqualTo(java.util.Optional.of(PriorityQueue.SubQueue.UNSCHEDULABLE));
    }
  }

  @Test
  void aPodWithAnEmptyNodeNameIsPending() {
    try (Harness h = new Harness()) {
      Pod p = pod("p").build();
      p.getSpec().setNodeName("");
      h.cluster.createPod(p);
      assertThat(h.queue.pendingPods()).containsExactly(p);
      assertThat(h.schedulerCache.podCount()).isZero();
    }
  }

  static Stream<Arguments> nodeChanges() {
    Node base =
        node("n")
            .allocatable("2", "4Gi")
            .label("zone", "a")
            .taint("k", "v", "NoSchedule")
            .condition("Ready", "True")
            .build();
    Node cordoned = new NodeBuilder(base).editSpec().withUnschedulable(true).endSpec().build();
    return Stream.of(
        Arguments.of("nothing", base, base, null),
        Arguments.of("cordoned", base, cordoned, null),
        Arguments.of("uncordoned", cordoned, base, "NodeSpecUnschedulableChange"),
        Arguments.of(
            "allocatable",
            base,
            new NodeBuilder(base)
                .editStatus()
                .addToAllocatable("cpu", new Quantity("3"))
                .endStatus()
                .build(),
            "NodeAllocatableChange"),
        Arguments.of(
            "labels",
            base,
            new NodeBuilder(base).editMetadata().addToLabels("zone", "b").endMetadata().build(),
            "NodeLabelChange"),
        Arguments.of(
            "taints",
            base,
            new NodeBuilder(base).editSpec().withTaints(List.of()).endSpec().build(),
            "NodeTaintChange"),
        Arguments.of(
            "condition status",
            base,
            new NodeBuilder(base)
                .editStatus()
                .editFirstCondition()
                .withStatus("False")
                .endCondition()
                .endStatus()
                .build(),
            "NodeConditionChange"),
        Arguments.of(
            "heartbeat only",
            base,
            new NodeBuilder(base)
                .editStatus()
                .editFirstCondition()
                .withLastHeartbeatTime("2020-01-01T00:00:10Z")
                .endCondition()
                .endStatus()
                .build(),
            null),
        Arguments.of(
            "uncordoned and relabelled: the first rule names it",
            cordoned,
            new NodeBuilder(base).editMetadata().addToLabels("zone", "b").endMetadata().build(),
            "NodeSpecUnschedulableChange"),
        Arguments.of(
            "allocatable before labels",
            base,
            new NodeBuilder(base)
                .editMetadata()
                .addToLabels("zone", "b")
                .endMetadata()
                .editStatus()
                .addToAllocatable("cpu", new Quantity("3"))
                .endStatus()
                .build(),
            "NodeAllocatableChange"),
        Arguments.of(
            "labels before taints",
            base,
            new NodeBuilder(base)
                .editMetadata()
                .addToLabels("zone", "b")
                .endMetadata()
                .editSpec()
                .withTaints(List.of())
                .endSpec()
                .build(),
            "NodeLabelChange"),
        Arguments.of(
            "taints before conditions",
            base,
            new NodeBuilder(base)
                .editSpec()
                .withTaints(List.of())
                .endSpec()
                .editStatus()
                .editFirstCondition()
                .withStatus("False")
                .endCondition()
                .endStatus()
                .build(),
            "NodeTaintChange"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nodeChanges")
  void nodeSchedulingPropertiesChange(String name, Node oldNode, Node newNode, String event) {
    assertThat(NodeChanges.nodeSchedulingPropertiesChange(newNode, oldNode)).isEqualTo(event);
  }
}
