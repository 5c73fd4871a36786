package io.kubelab.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.kubelet.container.ContainerState;
import io.kubelab.kubelet.container.FakeRuntime;
import io.kubelab.kubelet.eviction.EvictionManager;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How the kubelet reads a pod's state, called directly: which pods are active (upstream {@code
 * filterOutTerminatedPods}, {@code podIsTerminated}), which get a worker ({@code dispatchWork}),
 * the status it generates ({@code generateAPIPodStatus}), when a pod's resources are reclaimed
 * ({@code PodResourcesAreReclaimed}), and admission order ({@code HandlePodAdditions}).
 */
class KubeletPodStateTest {

  private static final String DELETED_AT = "2020-01-01T00:10:00Z";

  private static Pod pod(String name) {
    return Fixtures.pod(name).uid("u-" + name).build();
  }

  private static Pod withStatus(Pod pod, String phase, String appState) {
    var cs = new ContainerStatusBuilder().withName("app");
    switch (appState) {
      case "running" -> cs.withNewState().withNewRunning().endRunning().endState();
      case "terminated" ->
          cs.withNewState().withNewTerminated().withExitCode(0).endTerminated().endState();
      default -> cs.withNewState().withNewWaiting().endWaiting().endState();
    }
    return new PodBuilder(pod)
        .withStatus(
            new PodStatusBuilder().withPhase(phase).withContainerStatuses(cs.build()).build())
        .build();
  }

  private static Pod deleted(Pod pod) {
    return new PodBuilder(pod)
        .editMetadata()
        .withDeletionTimestamp(DELETED_AT)
        .endMetadata()
        .build();
  }

  private static Pod withoutStatus(Pod pod) {
    return new PodBuilder(pod).withStatus(null).build();
  }

  @Test
  void terminatedPodsAreFailedSucceededOrDeletedWithNothingRunning() {
    try (KubeletRig rig = new KubeletRig()) {
      List<Pod> pods =
          List.of(
              withStatus(pod("running"), "Running", "running"),
              withStatus(pod("succeeded"), "Succeeded", "terminated"),
              withStatus(pod("failed"), "Failed", "terminated"),
              deleted(withStatus(pod("stopping"), "Running", "running")),
              deleted(withStatus(pod("stopped"), "Running", "terminated")),
              deleted(withStatus(pod("waiting"), "Pending", "waiting")),
              withoutStatus(pod("new")));
      pods.forEach(rig.kubelet.podManager()::addPod);
      assertThat(rig.kubelet.activePods())
          .extracting(p -> p.getMetadata().getName())
          .containsExactly("running", "stopping", "new");
      for (Pod p : pods) {
        assertThat(rig.kubelet.podIsTerminated(p))
            .as(p.getMetadata().getName())
            .isEqualTo(!List.of("running", "stopping", "new").contains(p.getMetadata().getName()));
      }
    }
  }

  @Test
  void onlyPodsThatAreNotTerminalGetAWorkerAndADeletedStoppedPodGoesToTheStatusManager() {
    try (KubeletRig rig = new KubeletRig()) {
      Pod succeeded = withStatus(pod("succeeded"), "Succeeded", "terminated");
      Pod failed = withStatus(pod("failed"), "Failed", "terminated");
      Pod stopped = deleted(withStatus(pod("stopped"), "Running", "terminated"));
      Pod fresh = withoutStatus(pod("new"));
      Pod pending = withStatus(pod("pending"), "Pending", "waiting");
      rig.kubelet.handlePodSyncs(List.of(succeeded, failed, stopped, fresh, pending));
      // terminatePod: the status manager now holds the deleted pod's final status.
      assertThat(rig.kubelet.statusManager().getPodStatus("u-stopped")).isPresent();
      assertThat(rig.kubelet.statusManager().getPodStatus("u-succeeded")).isEmpty();
      rig.runSeconds(2);
      assertThat(rig.runtime.hasPod("u-succeeded")).isFalse();
      assertThat(rig.runtime.hasPod("u-failed")).isFalse();
      assertThat(rig.runtime.hasPod("u-stopped")).isFalse();
      assertThat(rig.runtime.hasPod("u-new")).isTrue();
      assertThat(rig.runtime.hasPod("u-pending")).isTrue();
    }
  }

  @Test
  void aContainerTheRuntimeHasNotStartedWaitsInCreationOrForItsPodsInitialisation() {
    try (KubeletRig rig = new KubeletRig()) {
      var empty = io.kubelab.kubelet.container.PodStatus.empty("u-web");
      PodStatus plain = rig.kubelet.generateApiPodStatus(withoutStatus(pod("web")), empty);
      assertThat(plain.getContainerStatuses().get(0).getState().getWaiting().getReason())
          .isEqualTo("ContainerCreating");
      assertThat(plain.getPhase()).isEqualTo("Pending");
      Pod withInit =
          Fixtures.pod("init").uid("u-web").initContainer("setup").container("app").build();
      PodStatus init = rig.kubelet.generateApiPodStatus(withInit, empty);
      assertThat(init.getContainerStatuses().get(0).getState().getWaiting().getReason())
          .isEqualTo("PodInitializing");
      assertThat(init.getInitContainerStatuses().get(0).getState().getWaiting().getReason())
          .isEqualTo("PodInitializing");
    }
  }

  @Test
  void aSucceededOrFailedPodNeverMovesToAnotherPhase() {
    try (KubeletRig rig = new KubeletRig()) {
      var empty = io.kubelab.kubelet.container.PodStatus.empty("u-web");
      for (String terminal : List.of("Succeeded", "Failed")) {
        Pod p = withStatus(pod("web"), terminal, "terminated");
        assertThat(rig.kubelet.generateApiPodStatus(p, empty).getPhase())
            .as(terminal)
            .isEqualTo(terminal);
      }
      // Any other phase follows the runtime: nothing started yet is Pending again.
      Pod running = withStatus(pod("web"), "Running", "running");
      assertThat(rig.kubelet.generateApiPodStatus(running, empty).getPhase()).isEqualTo("Pending");
    }
  }

  @Test
  void conditionsOwnedByOthersAreKeptAndTheKubeletsOwnAreRecomputed() {
    try (KubeletRig rig = new KubeletRig()) {
      Pod p = withStatus(pod("web"), "Running", "running");
      p.getStatus()
          .setConditions(
              List.of(
                  new PodConditionBuilder().withType("example.com/lb").withStatus("True").build(),
                  new PodConditionBuilder().withType("Ready").withStatus("True").build()));
      var empty = io.kubelab.kubelet.container.PodStatus.empty("u-web");
      List<PodCondition> conditions = rig.kubelet.generateApiPodStatus(p, empty).getConditions();
      assertThat(conditions)
          .extracting(PodCondition::getType)
          .containsExactly(
              "example.com/lb", "Initialized", "Ready", "ContainersReady", "PodScheduled");
      assertThat(conditions)
          .filteredOn(c -> c.getType().equals("Ready"))
          .extracting(PodCondition::getStatus)
          .containsExactly("False");
      assertThat(rig.kubelet.generateApiPodStatus(withoutStatus(p), empty).getConditions())
          .extracting(PodCondition::getType)
          .containsExactly("Initialized", "Ready", "ContainersReady", "PodScheduled");
    }
  }

  @Test
  void aPodsResourcesAreReclaimedWhenNothingRunsAndTheRuntimeHoldsNoContainerOfIt() {
    try (KubeletRig rig = new KubeletRig()) {
      rig.api.create(pod("web"));
      rig.runSeconds(3);
      Pod web = rig.pod("web");
      PodStatus stopped = withStatus(web, "Running", "terminated").getStatus();
      PodStatus running = withStatus(web, "Running", "running").getStatus();
      assertThat(rig.kubelet.podResourcesAreReclaimed(web, running)).isFalse();
      // The API says stopped, but the runtime still holds the container.
      assertThat(rig.kubelet.podResourcesAreReclaimed(web, stopped)).isFalse();
      Pod unknown = pod("unknown");
      assertThat(rig.kubelet.podResourcesAreReclaimed(unknown, stopped)).isTrue();
      assertThat(rig.kubelet.podResourcesAreReclaimed(unknown, running)).isFalse();
      // A runtime that cannot report on the pod reclaims nothing.
      rig.runtime.addPod("u-broken", "broken", "default");
      rig.runtime.failPodStatus("u-broken", true);
      rig.runSeconds(2);
      assertThat(rig.kubelet.podResourcesAreReclaimed(pod("broken"), stopped)).isFalse();
    }
  }

  @Test
  void anEvictedPodReconciledFromTheApiLosesAllItsDeadContainers() {
    try (KubeletRig rig = new KubeletRig()) {
      rig.runtime.onStart((uid, c) -> new FakeRuntime.Exit(Duration.ofSeconds(1), 1));
      for (String name : List.of("evicted", "failed", "running")) {
        rig.api.create(KubeletTest.withRestartPolicy(pod(name), "Never"));
      }
      rig.runSeconds(5);
      for (String name : List.of("evicted", "failed", "running")) {
        assertThat(rig.kubelet.runtimeStatus("u-" + name).containerStatuses())
            .as(name)
            .extracting(io.kubelab.kubelet.container.ContainerStatus::state)
            .containsExactly(ContainerState.EXITED);
      }
      rig.kubelet.handlePodReconcile(
          List.of(
              reason(rig.pod("evicted"), "Failed", EvictionManager.REASON),
              reason(rig.pod("failed"), "Failed", "OutOfcpu"),
              reason(rig.pod("running"), "Running", EvictionManager.REASON)));
      rig.runSeconds(2);
      assertThat(rig.kubelet.runtimeStatus("u-evicted").containerStatuses()).isEmpty();
      assertThat(rig.kubelet.runtimeStatus("u-failed").containerStatuses()).hasSize(1);
      assertThat(rig.kubelet.runtimeStatus("u-running").containerStatuses()).hasSize(1);
    }
  }

  private static Pod reason(Pod pod, String phase, String reason) {
    return new PodBuilder(pod).editStatus().withPhase(phase).withReason(reason).endStatus().build();
  }

  @Test
  void additionsAreAdmittedOldestFirstAndATerminatedPodIsNotAdmittedAgain() {
    var node = Fixtures.node("small").allocatable("4", "8Gi").pods(2).build();
    try (KubeletRig rig = new KubeletRig(node, b -> {})) {
      Pod old = Fixtures.pod("old").uid("u-old").createdAt(Fixtures.DEFAULT_CREATION).build();
      Pod young =
          Fixtures.pod("young")
              .uid("u-young")
              .createdAt(Fixtures.DEFAULT_CREATION.plusSeconds(60))
              .build();
      Pod undated = Fixtures.pod("undated").uid("u-undated").build();
      undated.getMetadata().setCreationTimestamp(null);
      Pod done = withStatus(Fixtures.pod("done").uid("u-done").build(), "Succeeded", "terminated");
      // Room for two: a pod without a creation time sorts first, then the old one; the pod that
      // already succeeded needs no room and is not refused.
      rig.kubelet.handlePodAdditions(List.of(young, done, old, undated));
      rig.runSeconds(3);
      assertThat(rig.runtime.hasPod("u-undated")).isTrue();
      assertThat(rig.runtime.hasPod("u-old")).isTrue();
      assertThat(rig.kubelet.statusManager().getPodStatus("u-young"))
          .hasValueSatisfying(s -> assertThat(s.getReason()).isEqualTo("OutOfpods"));
      assertThat(rig.kubelet.statusManager().getPodStatus("u-done")).isEmpty();
      assertThat(rig.api.events("OutOfpods")).hasSize(1);
    }
  }

  @Test
  void aPodWhoseProbesTheApiServerWouldRefuseRunsWithoutThem() {
    try (KubeletRig rig = new KubeletRig()) {
      Pod p = pod("bad-probe");
      p.getSpec()
          .getContainers()
          .get(0)
          .setReadinessProbe(
              new io.fabric8.kubernetes.api.model.ProbeBuilder()
                  .withNewExec()
                  .withCommand("ready")
                  .endExec()
                  .withPeriodSeconds(-1)
                  .build());
      rig.api.create(p);
      rig.runSeconds(3);
      assertThat(rig.api.events("FailedValidation")).hasSize(1);
      assertThat(rig.kubelet.probeManager().workerCount()).isZero();
      assertThat(rig.runtime.hasPod("u-bad-probe")).isTrue();
    }
  }
}
