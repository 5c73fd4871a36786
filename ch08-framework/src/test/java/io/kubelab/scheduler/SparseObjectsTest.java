package io.kubelab.scheduler;

import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.queue.PriorityQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Objects as an API server sends them: fields absent rather than empty, a node that has no spec or
 * status yet, a pod status without conditions. The rules about what changed must read absent and
 * empty alike and never trip over a missing part.
 */
@Timeout(30)
class SparseObjectsTest {

  // ---------------------------------------------------------------------------------------------
  // Node updates

  /** A node as first registered: a name, nothing else. */
  private static Node bare() {
    return new NodeBuilder().withNewMetadata().withName("n").endMetadata().build();
  }

  private static Node withSpec(List<Taint> taints, Boolean unschedulable) {
    Node n = bare();
    n.setSpec(new io.fabric8.kubernetes.api.model.NodeSpec());
    n.getSpec().setTaints(taints);
    n.getSpec().setUnschedulable(unschedulable);
    return n;
  }

  private static Node withLabels(Map<String, String> labels) {
    Node n = bare();
    n.getMetadata().setLabels(labels);
    return n;
  }

  private static Node withAllocatable(Map<String, Quantity> allocatable) {
    Node n = bare();
    n.setStatus(new io.fabric8.kubernetes.api.model.NodeStatus());
    n.getStatus().setAllocatable(allocatable);
    n.getStatus().setConditions(null);
    return n;
  }

  static Stream<Arguments> sparseNodeChanges() {
    Node full =
        node("n")
            .allocatable("2", "4Gi")
            .label("zone", "a")
            .taint("k", "v", "NoSchedule")
            .condition("Ready", "True")
            .build();
    Node noMetadata = new Node();
    return Stream.of(
        Arguments.of("bare, unchanged", bare(), bare(), null),
        Arguments.of("no metadata at all, unchanged", noMetadata, new Node(), null),
        Arguments.of(
            "taints absent, then empty", withSpec(null, null), withSpec(List.of(), null), null),
        Arguments.of(
            "taints empty, then absent", withSpec(List.of(), null), withSpec(null, null), null),
        Arguments.of("no spec, then empty taints", bare(), withSpec(List.of(), null), null),
        Arguments.of(
            "labels absent, then empty", withLabels(null), withLabels(new HashMap<>()), null),
        Arguments.of(
            "allocatable absent, then empty",
            withAllocatable(null),
            withAllocatable(new HashMap<>()),
            null),
        Arguments.of("no status, then a status with nothing", bare(), withAllocatable(null), null),
        Arguments.of(
            "cordoned, then no spec", withSpec(null, true), bare(), "NodeSpecUnschedulableChange"),
        Arguments.of("bare, then described", bare(), full, "NodeAllocatableChange"),
        Arguments.of("described, then bare", full, bare(), "NodeAllocatableChange"),
        Arguments.of(
            "bare, then labelled", bare(), withLabels(Map.of("zone", "a")), "NodeLabelChange"),
        Arguments.of(
            "bare, then tainted",
            bare(),
            withSpec(List.of(Fixtures.taint("k", "v", "NoSchedule")), null),
            "NodeTaintChange"),
        Arguments.of(
            "no conditions, then Ready",
            withAllocatable(null),
            new NodeBuilder(withAllocatable(null))
                .editStatus()
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .endStatus()
                .build(),
            "NodeConditionChange"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sparseNodeChanges")
  void absentAndEmptyReadAlikeAndNothingMissingTripsTheRules(
      String name, Node oldNode, Node newNode, String event) {
    assertThat(NodeChanges.nodeSchedulingPropertiesChange(newNode, oldNode)).isEqualTo(event);
  }

  // ---------------------------------------------------------------------------------------------
  // Pod events

  @Test
  void aBoundPodRelabelledToMatchAPendingPodsAffinityMovesIt() throws Exception {
    try (Harness h = new Harness()) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("other").label("app", "cache").nodeName("n1").build());
      Pod wantsDb =
          pod("web")
              .requiredPodAffinity(
                  Fixtures.affinityTerm(
                      Fixtures.LABEL_HOSTNAME,
                      new LabelSelectorBuilder().addToMatchLabels("app", "db").build()))
              .build();
      h.cluster.createPod(wantsDb);
      h.settle();
      assertThat(h.priorityQueue().queueOf(wantsDb)).contains(PriorityQueue.SubQueue.UNSCHEDULABLE);

      Pod other = h.pod("default", "other");
      h.cluster.updatePod(
          new PodBuilder(other).editMetadata().addToLabels("app", "db").endMetadata().build());

      assertThat(h.priorityQueue().queueOf(wantsDb))
          .isNotEqualTo(Optional.of(PriorityQueue.SubQueue.UNSCHEDULABLE));
    }
  }

  @Test
  void anUpdateOfAnAssumedPodInItsManagedFieldsOnlyIsSkipped() throws Exception {
    TestPlugin plugin = TestPlugin.waitingAtPermit(Duration.ofSeconds(10));
    try (Harness h = new Harness(plugin.options())) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("p").build());
      h.scheduler.scheduleOne(Duration.ZERO);
      Pod p = h.pod("default", "p");

      Pod managed =
          new PodBuilder(p)
              .editMetadata()
              .withManagedFields(
                  new ManagedFieldsEntryBuilder()
                      .withManager("kubectl")
                      .withOperation("Update")
                      .build())
              .endMetadata()
              .build();

      assertThat(EventHandlers.skipPodUpdate(h.schedulerCache, managed)).isTrue();
      h.rejectWaitingPod(p);
      h.awaitBindings();
    }
  }

  @Test
  void aHandlerWithoutAFunctionIgnoresThoseEvents() {
    List<String> heard = new ArrayList<>();
    ResourceEventHandler<String> onlyAdds = EventHandlers.handler(heard::add, null, null);
    ResourceEventHandler<String> onlyUpdates =
        EventHandlers.handler(null, (o, n) -> heard.add(o + "->" + n), null);
    ResourceEventHandler<String> onlyDeletes =
        EventHandlers.handler(null, null, s -> heard.add("-" + s));

    for (ResourceEventHandler<String> h : List.of(onlyAdds, onlyUpdates, onlyDeletes)) {
      h.onAdd("a");
      h.onUpdate("a", "b");
      h.onDelete("b");
    }

    assertThat(heard).containsExactly("a", "a->b", "-b");
  }

  // ---------------------------------------------------------------------------------------------
  // Pod conditions

  private static final Instant T0 = Instant.parse("2020-01-01T00:00:00Z");

  private static PodCondition scheduled(String status, String reason) {
    return new PodConditionBuilder()
        .withType(PodConditions.POD_SCHEDULED)
        .withStatus(status)
        .withReason(reason)
        .build();
  }

  @Test
  void aStatusWithoutAConditionsListGetsItsFirstCondition() {
    PodStatus status = new PodStatus();
    status.setConditions(null);

    assertThat(PodConditions.updatePodCondition(status, scheduled("False", "Unschedulable"), T0))
        .isTrue();

    assertThat(status.getConditions()).hasSize(1);
    assertThat(PodConditions.get(status, PodConditions.POD_SCHEDULED).getReason())
        .isEqualTo("Unschedulable");
  }

  @Test
  void aStatusFlipWithinTheSameSecondIsStillAChange() {
    PodStatus status = new PodStatus();
    PodConditions.updatePodCondition(status, scheduled("False", "Unschedulable"), T0);

    assertThat(PodConditions.updatePodCondition(status, scheduled("True", "Unschedulable"), T0))
        .isTrue();
    assertThat(PodConditions.get(status, PodConditions.POD_SCHEDULED).getStatus())
        .isEqualTo("True");
  }

  @Test
  void aNewProbeTimeAloneIsAChange() {
    PodStatus status = new PodStatus();
    PodConditions.updatePodCondition(status, scheduled("False", "Unschedulable"), T0);
    PodCondition probed = scheduled("False", "Unschedulable");
    probed.setLastProbeTime("2020-01-01T00:00:05Z");

    assertThat(PodConditions.updatePodCondition(status, probed, T0.plusSeconds(5))).isTrue();
    // The status did not change: the transition time stays.
    assertThat(PodConditions.get(status, PodConditions.POD_SCHEDULED).getLastTransitionTime())
        .isEqualTo("2020-01-01T00:00:00Z");
  }

  @Test
  void aPodWithoutAStatusHasNoCondition() {
    assertThat(PodConditions.get(null, PodConditions.POD_SCHEDULED)).isNull();
    PodStatus empty = new PodStatus();
    empty.setConditions(null);
    assertThat(PodConditions.get(empty, PodConditions.POD_SCHEDULED)).isNull();
  }

  // ---------------------------------------------------------------------------------------------
  // The in-memory API server

  private static Pod statusless(String name) {
    Pod p = pod(name).uid("uid-" + name).build();
    p.setStatus(null);
    return p;
  }

  @Test
  void aBindingWithoutATargetOrUidIsJudgedAsTheApiServerDoes() {
    InMemoryCluster c = new InMemoryCluster(new io.kubelab.apimachinery.clock.FakeClock());
    c.createPod(statusless("p"));
    io.fabric8.kubernetes.api.model.Binding noTarget =
        new io.fabric8.kubernetes.api.model.BindingBuilder()
            .withNewMetadata()
            .withNamespace("default")
            .withName("p")
            .endMetadata()
            .build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.bind(noTarget))
        .hasMessage("Binding default/p: target.name: Required value");

    // No UID: no precondition. A pod without a status gets one with PodScheduled=True.
    c.bind(
        new io.fabric8.kubernetes.api.model.BindingBuilder(noTarget)
            .withNewTarget()
            .withKind("Node")
            .withName("n1")
            .endTarget()
            .build());
    Pod bound = c.pod("default", "p").orElseThrow();
    assertThat(bound.getSpec().getNodeName()).isEqualTo("n1");
    assertThat(PodConditions.get(bound.getStatus(), PodConditions.POD_SCHEDULED).getStatus())
        .isEqualTo("True");
  }

  @Test
  void statusWritesGiveAStatuslessPodAStatus() {
    InMemoryCluster c = new InMemoryCluster(new io.kubelab.apimachinery.clock.FakeClock());
    c.createPod(statusless("nominated"));
    c.createPod(statusless("conditioned"));

    c.setNominatedNodeName(statusless("nominated"), "n1");
    c.update(statusless("conditioned"), scheduled("False", "Unschedulable"));

    assertThat(c.pod("default", "nominated").orElseThrow().getStatus().getNominatedNodeName())
        .isEqualTo("n1");
    c.setNominatedNodeName(statusless("nominated"), null);
    assertThat(c.pod("default", "nominated").orElseThrow().getStatus().getNominatedNodeName())
        .isNull();
    assertThat(
            PodConditions.get(
                    c.pod("default", "conditioned").orElseThrow().getStatus(),
                    PodConditions.POD_SCHEDULED)
                .getReason())
        .isEqualTo("Unschedulable");
  }

  @Test
  void anEmptyNamespaceIsNoNamespaceAndANamelessObjectIsRefused() {
    InMemoryCluster c = new InMemoryCluster(new io.kubelab.apimachinery.clock.FakeClock());
    Pod p = pod("p").build();
    p.getMetadata().setNamespace("");
    c.createPod(p);

    assertThat(c.pod(null, "p")).isPresent();
    assertThat(c.pod("", "p")).isPresent();
    assertThat(c.pod("default", "p")).isEmpty();

    Pod nameless = pod("x").build();
    nameless.getMetadata().setName(null);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.createPod(nameless))
        .hasMessage("pods: metadata.name: Required value");
    Pod noMetadata = pod("y").build();
    noMetadata.setMetadata(null);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.createPod(noMetadata))
        .hasMessage("pods: metadata.name: Required value");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.createNode(null))
        .hasMessage("nodes: metadata.name: Required value");
  }
}
