package io.kubelab.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.kubelet.container.ContainerId;
import io.kubelab.kubelet.container.ExecResult;
import io.kubelab.kubelet.container.FakeRuntime;
import io.kubelab.kubelet.events.Event;
import io.kubelab.kubelet.eviction.EvictionManager;
import io.kubelab.kubelet.pleg.PodLifeCycleEventType;
import io.kubelab.kubelet.stats.Summary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The kubelet assembled, on a {@link FakeClock} over a {@link FakeRuntime}, everything inline: a
 * pod's life from the API's point of view (phase, container statuses, conditions, events) and the
 * runtime's (what was started, with which OOM score, what was stopped, with which grace period).
 */
class KubeletTest {

  static Pod pod(String name) {
    return Fixtures.pod(name).uid("u-" + name).build();
  }

  static Pod withRestartPolicy(Pod pod, String policy) {
    return new PodBuilder(pod).editSpec().withRestartPolicy(policy).endSpec().build();
  }

  static ContainerStatus status(Pod pod, String container) {
    for (ContainerStatus s : pod.getStatus().getContainerStatuses()) {
      if (s.getName().equals(container)) {
        return s;
      }
    }
    for (ContainerStatus s : pod.getStatus().getInitContainerStatuses()) {
      if (s.getName().equals(container)) {
        return s;
      }
    }
    throw new AssertionError("no status for " + container + " in " + pod.getStatus());
  }

  static String condition(Pod pod, String type) {
    for (PodCondition c : pod.getStatus().getConditions()) {
      if (c.getType().equals(type)) {
        return c.getStatus();
      }
    }
    return null;
  }

  /** When each container instance started, by "pod/container". */
  static final class Starts {
    final Map<String, List<Instant>> at = new HashMap<>();
    final List<String> order = new ArrayList<>();

    void record(FakeClock clock, String uid, String name) {
      at.computeIfAbsent(uid + "/" + name, k -> new ArrayList<>()).add(clock.now());
      order.add(uid + "/" + name);
    }

    List<Instant> of(String uid, String name) {
      return at.getOrDefault(uid + "/" + name, List.of());
    }
  }

  // ---- a pod's life

  @Test
  void aBoundPodReachesRunningWithItsConditionsIpAndQosClass() {
    try (KubeletRig rig = new KubeletRig()) {
      rig.api.create(Fixtures.pod("web").uid("u-web").container("app").container("log").build());
      rig.runSeconds(5);

      Pod web = rig.pod("web");
      assertThat(web.getStatus().getPhase()).isEqualTo("Running");
      assertThat(web.getStatus().getPodIP()).startsWith("10.244.");
      assertThat(web.getStatus().getQosClass()).isEqualTo("BestEffort");
      for (String c : List.of("app", "log")) {
        assertThat(status(web, c).getState().getRunning()).isNotNull();
        assertThat(status(web, c).getReady()).isTrue();
        assertThat(status(web, c).getRestartCount()).isZero();
        assertThat(status(web, c).getContainerID()).startsWith("fake://u-web-" + c);
      }
      for (String type : List.of("Initialized", "Ready", "ContainersReady", "PodScheduled")) {
        assertThat(condition(web, type)).as(type).isEqualTo("True");
      }
      assertThat(rig.api.events("Started"))
          .containsExactly("web: Started container app", "web: Started container log");
      // One event per container and one for the sandbox: the PLEG sees sandboxes too.
      assertThat(rig.plegEvents)
          .allMatch(e -> e.type() == PodLifeCycleEventType.CONTAINER_STARTED)
          .hasSize(3);
    }
  }

  @Test
  void theRuntimeReceivesTheOomScoreAdjustOfEveryContainerItStarts() {
    try (KubeletRig rig = new KubeletRig()) {
      rig.api.create(
          Fixtures.pod("guaranteed")
              .uid("u-g")
              .container("app")
              .requests("1", "1Gi")
              .limits("1", "1Gi")
              .build());
      rig.api.create(
          Fixtures.pod("burstable")
              .uid("u-b")
              .initContainer("setup")
              .container("app")
              .request("memory", "1Gi")
              .build());
      rig.api.create(pod("besteffort"));
      rig.runtime.onStart(
          (uid, c) -> c.name().equals("setup") ? new FakeRuntime.Exit(Duration.ZERO, 0) : null);
      rig.runSeconds(5);

      Function<String, Integer> score =
          key -> {
            String[] uc = key.split("/");
            ContainerId id = rig.runtime.containerId(uc[0], uc[1]);
            return rig.runtime.config(id).oomScoreAdj();
          };
      assertThat(score.apply("u-g/app")).isEqualTo(-998);
      // Burstable: 1000 - 1000 * 1Gi / 8Gi of node memory capacity.
      assertThat(score.apply("u-b/app")).isEqualTo(875);
      // Burstable, no request of its own: 1000, which Burstable turns into 999.
      assertThat(score.apply("u-b/setup")).isEqualTo(999);
      assertThat(score.apply("u-besteffort/app")).isEqualTo(1000);
      assertThat(rig.pod("guaranteed").getStatus().getQosClass()).isEqualTo("Guaranteed");
      assertThat(rig.pod("burstable").getStatus().getQosClass()).isEqualTo("Burstable");
    }
  }

  @Test
  void theOomScoreIsAShareOfTheNodesMemoryCapacityNotOfItsAllocatable() {
    io.fabric8.kubernetes.api.model.Node node =
        Fixtures.node("node-1").allocatable("4", "8Gi").capacity("4", "16Gi").build();
    try (KubeletRig rig = new KubeletRig(node, b -> {})) {
      rig.api.create(
          Fixtures.pod("burstable").uid("u-b").container("app").request("memory", "4Gi").build());
      rig.runSeconds(5);
      ContainerId id = rig.runtime.containerId("u-b", "app");
      // 1000 - 1000 * 4Gi / 16Gi of capacity (8Gi of allocatable would give 500).
      assertThat(rig.runtime.config(id).oomScoreAdj()).isEqualTo(750);
    }
  }

  @Test
  void aNodeStatusWithoutMemoryCapacityFallsBackToAllocatableAndWithoutEitherIsRefused() {
    io.fabric8.kubernetes.api.model.Node onlyAllocatable = KubeletRig.node();
    onlyAllocatable.getStatus().getCapacity().remove("memory");
    try (KubeletRig rig = new KubeletRig(onlyAllocatable, b -> {})) {
      rig.api.create(
          Fixtures.pod("burstable").uid("u-b").container("app").request("memory", "2Gi").build());
      rig.runSeconds(5);
      ContainerId id = rig.runtime.containerId("u-b", "app");
      assertThat(rig.runtime.config(id).oomScoreAdj()).as("1000 - 1000 * 2Gi / 8Gi").isEqualTo(750);
    }
    io.fabric8.kubernetes.api.model.Node none = KubeletRig.node();
    none.getStatus().getCapacity().remove("memory");
    none.getStatus().getAllocatable().remove("memory");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new KubeletRig(none, b -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Node node-1: status.capacity.memory is missing (the QoS policy needs it)");
    io.fabric8.kubernetes.api.model.Node noStatus = KubeletRig.node();
    noStatus.setStatus(null);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new KubeletRig(noStatus, b -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Node node-1: status.capacity.memory is missing (the QoS policy needs it)");
  }

  @Test
  void aKubeletNeedsANamedNodeAndAStatusClient() {
    FakeClock clock = new FakeClock();
    FakeRuntime runtime = new FakeRuntime(clock);
    io.fabric8.kubernetes.api.model.Node unnamed = KubeletRig.node();
    unnamed.getMetadata().setName(null);
    for (io.fabric8.kubernetes.api.model.Node n :
        java.util.Arrays.asList(null, new io.fabric8.kubernetes.api.model.Node(), unnamed)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Kubelet.builder(n, runtime, clock))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("Kubelet: the node must have a metadata.name");
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Kubelet.builder(KubeletRig.node(), runtime, clock).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Kubelet node-1: a status client is required");
  }

  @Test
  void aReadinessGateTurningTrueIsReconciledIntoTheReadyConditionWithoutWaitingForAResync() {
    try (KubeletRig rig = new KubeletRig()) {
      rig.api.create(
          new PodBuilder(pod("gated"))
              .editSpec()
              .addNewReadinessGate()
              .withConditionType("example.com/lb")
              .endReadinessGate()
              .endSpec()
              .build());
      rig.runSeconds(5);
      assertThat(condition(rig.pod("gated"), "ContainersReady")).isEqualTo("True");
      assertThat(condition(rig.pod("gated"), "Ready")).isEqualTo("False");

      rig.api.setCondition("gated", "example.com/lb", "True");
      rig.runSeconds(2); // far less than the 60 s resync: HandlePodReconcile dispatched a sync
      assertThat(condition(rig.pod("gated"), "Ready")).isEqualTo("True");
      assertThat(condition(rig.pod("gated"), "example.com/lb")).isEqualTo("True");
    }
  }

  @Test
  void initContainersRunOneByOneToCompletionBeforeTheAppStarts() {
    try (KubeletRig rig = new KubeletRig()) {
      Starts starts = new Starts();
      rig.runtime.onStart(
          (uid, c) -> {
            starts.record(rig.clock, uid, c.name());
            return c.name().startsWith("init")
                ? new FakeRuntime.Exit(Duration.ofSeconds(3), 0)
                : null;
          });
      rig.api.create(
          Fixtures.pod("p")
              .uid("u-p")
              .initContainer("init-1")
              .initContainer("init-2")
              .container("app")
              .build());
      rig.runSeconds(2);
      assertThat(starts.order).containsExactly("u-p/init-1");
      assertThat(rig.phase("p")).isEqualTo("Pending");
      assertThat(condition(rig.pod("p"), "Initialized")).isEqualTo("False");
      rig.runSeconds(14);

      assertThat(starts.order).containsExactly("u-p/init-1", "u-p/init-2", "u-p/app");
      // Each starts only once the one before has exited (3 s after it started).
      assertThat(starts.of("u-p", "init-2").get(0))
          .isAfterOrEqualTo(starts.of("u-p", "init-1").get(0).plusSeconds(3));
      assertThat(starts.of("u-p", "app").get(0))
          .isAfterOrEqualTo(starts.of("u-p", "init-2").get(0).plusSeconds(3));
      Pod p = rig.pod("p");
      assertThat(p.getStatus().getPhase()).isEqualTo("Running");
      assertThat(condition(p, "Initialized")).isEqualTo("True");
      assertThat(status(p, "init-1").getState().getTerminated().getReason()).isEqualTo("Completed");
      assertThat(status(p, "init-2").getState().getTerminated().getExitCode()).isZero();
    }
  }

  @Test
  void aFailingInitContainerFailsANeverPodAndTheAppNeverStarts() {
    try (KubeletRig rig = new KubeletRig()) {
      Starts starts = new Starts();
      rig.runtime.onStart(
          (uid, c) -> {
            starts.record(rig.clock, uid, c.name());
            return c.name().equals("init") ? new FakeRuntime.Exit(Duration.ofSeconds(1), 3) : null;
          });
      rig.api.create(
          withRestartPolicy(
              Fixtures.pod("p").uid("u-p").initContainer("init").container("app").build(),
              "Never"));
      rig.runSeconds(30);
      assertThat(starts.order).containsExactly("u-p/init");
      assertThat(rig.phase("p")).isEqualTo("Failed");
      assertThat(status(rig.pod("p"), "init").getState().getTerminated().getExitCode())
          .isEqualTo(3);
    }
  }

  @Test
  void restartPoliciesDecideBetweenRestartSucceededAndFailed() {
    try (KubeletRig rig = new KubeletRig()) {
      Starts starts = new Starts();
      Map<String, Integer> exitCodes =
          Map.of("u-never-fails", 2, "u-never-ok", 0, "u-onfailure-ok", 0, "u-onfailure-fails", 1);
      rig.runtime.onStart(
          (uid, c) -> {
            starts.record(rig.clock, uid, c.name());
            // u-onfailure-fails fails once, then succeeds.
            int code = exitCodes.get(uid);
            if (uid.equals("u-onfailure-fails") && starts.of(uid, c.name()).size() > 1) {
              code = 0;
            }
            return new FakeRuntime.Exit(Duration.ofSeconds(2), code);
          });
      rig.api.create(withRestartPolicy(pod("never-fails"), "Never"));
      rig.api.create(withRestartPolicy(pod("never-ok"), "Never"));
      rig.api.create(withRestartPolicy(pod("onfailure-ok"), "OnFailure"));
      rig.api.create(withRestartPolicy(pod("onfailure-fails"), "OnFailure"));
      rig.runSeconds(30);

      assertThat(rig.phase("never-fails")).isEqualTo("Failed");
      assertThat(rig.phase("never-ok")).isEqualTo("Succeeded");
      assertThat(rig.phase("onfailure-ok")).isEqualTo("Succeeded");
      assertThat(rig.phase("onfailure-fails")).isEqualTo("Succeeded");
      assertThat(starts.of("u-never-fails", "app")).hasSize(1);
      assertThat(starts.of("u-never-ok", "app")).hasSize(1);
      assertThat(starts.of("u-onfailure-ok", "app")).hasSize(1);
      assertThat(starts.of("u-onfailure-fails", "app")).hasSize(2);
      assertThat(status(rig.pod("onfailure-fails"), "app").getRestartCount()).isEqualTo(1);
      assertThat(status(rig.pod("never-fails"), "app").getState().getTerminated().getReason())
          .isEqualTo("Error");
    }
  }

  // ---- crash loops

  @Test
  void aCrashingContainerIsRestartedAtOnceThenWithTheDoublingBackOffOnResyncs() {
    try (KubeletRig rig = new KubeletRig()) {
      Starts starts = new Starts();
      rig.runtime.onStart(
          (uid, c) -> {
            starts.record(rig.clock, uid, c.name());
            return new FakeRuntime.Exit(Duration.ofSeconds(1), 1);
          });
      rig.api.create(pod("crash"));
      rig.run(Duration.ofMinutes(15));

      List<Instant> at = starts.of("u-crash", "app");
      assertThat(at).hasSizeGreaterThanOrEqualTo(7);
      // The first crash (after 1 s) is restarted at the next sync: within the relist period.
      Instant firstExit = at.get(0).plusSeconds(1);
      assertThat(Duration.between(firstExit, at.get(1))).isLessThanOrEqualTo(Duration.ofSeconds(2));
      // Later restarts wait for the back-off (10 s, doubling, at most 300 s) since the last exit,
      // and come with a sync: a pod worker resyncs after 60-90 s when its sync backed off.
      long backOff = 10;
      for (int i = 2; i < at.size(); i++) {
        Instant exit = at.get(i - 1).plusSeconds(1);
        Duration gap = Duration.between(exit, at.get(i));
        assertThat(gap).as("restart %d", i).isGreaterThanOrEqualTo(Duration.ofSeconds(backOff));
        assertThat(gap).as("restart %d", i).isLessThanOrEqualTo(Duration.ofSeconds(backOff + 92));
        backOff = Math.min(backOff * 2, 300);
      }

      List<ContainerStatus> backingOff = new ArrayList<>();
      for (PodStatus s : rig.api.writes("crash")) {
        ContainerStatus cs = s.getContainerStatuses().get(0);
        if (cs.getState().getWaiting() != null
            && "CrashLoopBackOff".equals(cs.getState().getWaiting().getReason())) {
          backingOff.add(cs);
        }
      }
      assertThat(backingOff).isNotEmpty();
      ContainerStatus first = backingOff.get(0);
      assertThat(first.getState().getWaiting().getMessage())
          .isEqualTo("back-off 10s restarting failed container=app pod=crash_default(u-crash)");
      assertThat(first.getLastState().getTerminated().getExitCode()).isEqualTo(1);
      assertThat(first.getLastState().getTerminated().getReason()).isEqualTo("Error");
      assertThat(rig.phase("crash")).isEqualTo("Running"); // Always: restarting counts as running
      assertThat(rig.api.events("BackOff")).contains("crash: Back-off restarting failed container");
      // Dead instances are cleaned up: at most the newest exited one is kept besides the new one.
      assertThat(rig.kubelet.runtimeStatus("u-crash").containerStatuses()).hasSizeLessThan(3);
    }
  }

  @Test
  void aFailedLivenessProbeKillsAndRestartsTheContainer() {
    try (KubeletRig rig = new KubeletRig()) {
      Probe liveness =
          new ProbeBuilder()
              .withNewExec()
              .withCommand("check")
              .endExec()
              .withPeriodSeconds(1)
              .withFailureThreshold(1)
              .build();
      Pod p = pod("live");
      p.getSpec().getContainers().get(0).setLivenessProbe(liveness);
      AtomicReference<ContainerId> sick = new AtomicReference<>();
      rig.runtime.onExec((id, cmd) -> new ExecResult(id.equals(sick.get()) ? 1 : 0, ""));
      rig.api.create(p);
      rig.runSeconds(10);
      ContainerId first = rig.runtime.containerId("u-live", "app");
      sick.set(first);
      rig.runSeconds(5);

      assertThat(rig.api.events("Killing"))
          .containsExactly("live: Container app failed liveness probe, will be restarted");
      assertThat(rig.runtime.stops()).extracting(FakeRuntime.Stop::id).containsExactly(first);
      assertThat(rig.runtime.containerId("u-live", "app")).isNotEqualTo(first);
      Pod live = rig.pod("live");
      assertThat(status(live, "app").getRestartCount()).isEqualTo(1);
      assertThat(status(live, "app").getState().getRunning()).isNotNull();
    }
  }

  @Test
  void aDeadSandboxIsReplacedAndItsContainersStartAgain() {
    try (KubeletRig rig = new KubeletRig()) {
      rig.api.create(pod("web"));
      rig.runSeconds(5);
      ContainerId first = rig.runtime.containerId("u-web", "app");
      rig.runtime.setSandboxReady("u-web", false);
      rig.runSeconds(5);

      assertThat(rig.api.events("SandboxChanged"))
          .containsExactly("web: Pod sandbox changed, it will be killed and re-created.");
      assertThat(rig.runtime.stops()).extracting(FakeRuntime.Stop::id).containsExactly(first);
      var sandboxes = rig.kubelet.runtimeStatus("u-web").sandboxStatuses();
      assertThat(sandboxes.get(0).attempt()).isEqualTo(1);
      assertThat(sandboxes.get(0).ready()).isTrue();
      assertThat(rig.phase("web")).isEqualTo("Running");
      assertThat(status(rig.pod("web"), "app").getRestartCount()).isEqualTo(1);
    }
  }

  // ---- deletion

  @Test
  void aDeletedPodIsKilledWithItsGracePeriodAndThenDeletedFromTheApi() {
    try (KubeletRig rig = new KubeletRig()) {
      rig.runtime.onStop(id -> Duration.ofSeconds(5));
      rig.api.create(Fixtures.pod("web").uid("u-web").container("app").container("log").build());
      rig.runSeconds(5);
      Instant deleted = rig.clock.now();
      rig.api.delete("web", 30);
      rig.runSeconds(4);
      assertThat(rig.api.deleted()).isEmpty(); // still terminating
      rig.runSeconds(30);

      assertThat(rig.runtime.stops())
          .extracting(FakeRuntime.Stop::gracePeriodSeconds)
          .containsExactly(30L, 30L);
      assertThat(rig.api.events("Killing"))
          .containsExactlyInAnyOrder("web: Stopping container app", "web: Stopping container log");
      assertThat(rig.api.deleted()).containsExactly("web");
      assertThat(rig.pod("web")).isNull();
      assertThat(rig.kubelet.podManager().getPods()).isEmpty();
      assertThat(rig.kubelet.runtimeStatus("u-web").containerStatuses()).isEmpty();
      assertThat(rig.runtime.getPods(false)).isEmpty();
      // The last status written before the delete shows both containers terminated by SIGTERM.
      List<PodStatus> writes = rig.api.writes("web");
      PodStatus last = writes.get(writes.size() - 1);
      assertThat(last.getContainerStatuses())
          .allMatch(s -> s.getState().getTerminated().getExitCode() == 143);
      assertThat(rig.clock.now()).isAfter(deleted.plusSeconds(5));
    }
  }

  @Test
  void aContainerThatIgnoresSigtermIsKilledAtTheEndOfItsGracePeriod() {
    try (KubeletRig rig = new KubeletRig()) {
      rig.runtime.onStop(id -> Duration.ofHours(1));
      rig.api.create(pod("stubborn"));
      rig.runSeconds(5);
      rig.api.delete("stubborn", 3);
      rig.runSeconds(2);
      assertThat(rig.runtime.getPods(false)).hasSize(1);
      rig.runSeconds(20);

      List<PodStatus> writes = rig.api.writes("stubborn");
      assertThat(writes.get(writes.size() - 1).getContainerStatuses().get(0).getState())
          .extracting(s -> s.getTerminated().getExitCode())
          .isEqualTo(137);
      assertThat(rig.api.deleted()).containsExactly("stubborn");
    }
  }

  @Test
  void theGracePeriodIsNeverShorterThanTwoSeconds() {
    try (KubeletRig rig = new KubeletRig()) {
      rig.api.create(pod("quick"));
      rig.runSeconds(5);
      rig.api.delete("quick", 1);
      rig.runSeconds(15);
      assertThat(rig.runtime.stops())
          .extracting(FakeRuntime.Stop::gracePeriodSeconds)
          .containsExactly(2L);
    }
  }

  @Test
  void aPodDeletedWhileItsWorkerIsBusyIsKilledOnce() {
    try (KubeletRig rig = new KubeletRig()) {
      rig.runtime.onStop(id -> Duration.ofSeconds(20));
      Pod p = pod("busy");
      rig.api.create(p);
      rig.runSeconds(5);
      rig.api.delete("busy", 30);
      rig.runSeconds(1);
      assertThat(rig.kubelet.podWorkerBusy("u-busy")).isTrue();
      // More updates while the kill runs: a label change, a second delete.
      Pod labelled = rig.pod("busy");
      labelled.getMetadata().getLabels().put("touched", "yes");
      rig.api.update(labelled);
      rig.api.delete("busy", 30);
      rig.runSeconds(60);

      assertThat(rig.runtime.stops()).hasSize(1);
      assertThat(rig.api.deleted()).containsExactly("busy");
    }
  }

  @Test
  void anOrphanedPodInTheRuntimeIsKilledAtHousekeeping() {
    try (KubeletRig rig = new KubeletRig()) {
      rig.runtime.addPod("u-ghost", "ghost", "default");
      ContainerId ghost = rig.runtime.startContainer("u-ghost", "app");
      rig.runSeconds(3);
      // No API pod: the minimum grace period, and no event (no pod to attach it to).
      assertThat(rig.runtime.stops()).containsExactly(new FakeRuntime.Stop(ghost, 2));
      assertThat(rig.runtime.getPods(false)).isEmpty();
      assertThat(rig.api.events()).isEmpty();
    }
  }

  // ---- admission

  @Test
  void aPodThatDoesNotFitIsRejectedWithUpstreamsReasonAndMessage() {
    var node = Fixtures.node("small").allocatable("1", "1Gi").pods(2).build();
    try (KubeletRig rig = new KubeletRig(node, b -> {})) {
      rig.api.create(Fixtures.pod("big").uid("u-big").requests("2", "100Mi").build());
      rig.api.create(pod("a"));
      rig.api.create(pod("b"));
      rig.api.create(pod("c"));
      rig.runSeconds(5);

      Pod big = rig.pod("big");
      assertThat(big.getStatus().getPhase()).isEqualTo("Failed");
      assertThat(big.getStatus().getReason()).isEqualTo("OutOfcpu");
      assertThat(big.getStatus().getMessage())
          .isEqualTo(
              "Pod Node didn't have enough resource: cpu, requested: 2000, used: 0, capacity: 1000");
      assertThat(rig.api.events("OutOfcpu")).hasSize(1);
      assertThat(rig.phase("a")).isEqualTo("Running");
      assertThat(rig.phase("b")).isEqualTo("Running");
      assertThat(rig.pod("c").getStatus().getReason()).isEqualTo("OutOfpods");
      assertThat(rig.pod("c").getStatus().getMessage())
          .isEqualTo(
              "Pod Node didn't have enough resource: pods, requested: 1, used: 2, capacity: 2");
      assertThat(rig.runtime.hasPod("u-big")).isFalse();
      assertThat(rig.runtime.hasPod("u-c")).isFalse();
    }
  }

  @Test
  void aHundredAndTenPodsReachRunningAndTheHundredAndEleventhIsRejected() {
    try (KubeletRig rig = new KubeletRig()) {
      for (int i = 0; i < 111; i++) {
        rig.api.create(
            Fixtures.pod("p" + i)
                .uid("u-" + i)
                .createdAt(Fixtures.DEFAULT_CREATION.plusSeconds(i))
                .build());
      }
      rig.runSeconds(10);
      for (int i = 0; i < 110; i++) {
        assertThat(rig.phase("p" + i)).as("p" + i).isEqualTo("Running");
      }
      assertThat(rig.pod("p110").getStatus().getReason()).isEqualTo("OutOfpods");
    }
  }

  // ---- eviction

  /** A summary from the runtime: each running pod uses what {@code usage} says. */
  static Summary summary(KubeletRig rig, String available, Map<String, String> usage) {
    long a = Fixtures.q(available).getNumericalAmount().longValue();
    Summary.MemoryStats node = new Summary.MemoryStats(null, a, a);
    List<Summary.PodStats> pods = new ArrayList<>();
    for (var rp : rig.runtime.getPods(false)) {
      long ws = Fixtures.q(usage.getOrDefault(rp.name(), "0")).getNumericalAmount().longValue();
      Summary.MemoryStats m = new Summary.MemoryStats(null, null, ws);
      List<Summary.ContainerStats> containers = new ArrayList<>();
      for (var c : rp.containers()) {
        containers.add(new Summary.ContainerStats(c.name(), m, null, null));
      }
      pods.add(
          new Summary.PodStats(
              new Summary.PodReference(rp.name(), rp.namespace(), rp.uid()),
              containers,
              m,
              List.of()));
    }
    return new Summary(
        new Summary.NodeStats(
            "node-1",
            node,
            null,
            null,
            null,
            List.of(new Summary.ContainerStats(Summary.SYSTEM_CONTAINER_PODS, node, null, null))),
        pods);
  }

  @Test
  void underMemoryPressureTheBestEffortPodUsingMostIsEvictedAndBestEffortPodsAreRefused() {
    AtomicReference<String> available = new AtomicReference<>("4Gi");
    AtomicReference<KubeletRig> self = new AtomicReference<>();
    Map<String, String> usage = Map.of("hog", "2Gi", "small", "100Mi", "guaranteed", "900Mi");
    try (KubeletRig rig =
        new KubeletRig(
            KubeletRig.node(),
            b -> b.summaryProvider(update -> summary(self.get(), available.get(), usage)))) {
      self.set(rig);
      rig.api.create(pod("hog"));
      rig.api.create(pod("small"));
      rig.api.create(
          Fixtures.pod("guaranteed")
              .uid("u-guaranteed")
              .requests("1", "1Gi")
              .limits("1", "1Gi")
              .build());
      rig.runSeconds(10);
      assertThat(rig.api.events(EvictionManager.REASON)).isEmpty();

      available.set("50Mi"); // below the default hard threshold memory.available<100Mi
      rig.runSeconds(10);

      Pod hog = rig.pod("hog");
      assertThat(hog.getStatus().getPhase()).isEqualTo("Failed");
      assertThat(hog.getStatus().getReason()).isEqualTo("Evicted");
      assertThat(hog.getStatus().getMessage())
          .isEqualTo(
              "The node was low on resource: memory. Container app was using 2Gi, which exceeds"
                  + " its request of 0. ");
      List<Event> evicted =
          rig.api.events().stream().filter(e -> e.reason().equals("Evicted")).toList();
      assertThat(evicted).hasSize(1); // one eviction per pass, and the pressure is still there
      assertThat(evicted.get(0).annotations())
          .containsEntry(EvictionManager.OFFENDING_CONTAINERS_KEY, "app")
          .containsEntry(EvictionManager.STARVED_RESOURCE_KEY, "memory");
      // Hard threshold: no grace period.
      assertThat(rig.runtime.stops()).extracting(FakeRuntime.Stop::gracePeriodSeconds).contains(0L);
      assertThat(rig.phase("guaranteed")).isEqualTo("Running");
      assertThat(rig.kubelet.evictionManager().isUnderMemoryPressure()).isTrue();

      // While under memory pressure: BestEffort refused, others admitted.
      rig.api.create(pod("newcomer"));
      rig.api.create(
          Fixtures.pod("burstable").uid("u-burstable").request("memory", "10Mi").build());
      rig.runSeconds(3);
      assertThat(rig.pod("newcomer").getStatus().getReason()).isEqualTo("Evicted");
      assertThat(rig.pod("newcomer").getStatus().getMessage())
          .isEqualTo("Pod The node had condition: [MemoryPressure]. ");
      assertThat(rig.phase("burstable")).isEqualTo("Running");
      // An evicted pod keeps no dead container once the relist has seen its container die: all
      // are removed, not all but the newest.
      assertThat(rig.kubelet.runtimeStatus("u-hog").containerStatuses()).isEmpty();
    }
  }

  // ---- the whole

  @Test
  void closingStopsEveryTimerTheKubeletStarted() {
    KubeletRig rig = new KubeletRig();
    rig.api.create(pod("web"));
    rig.runSeconds(5);
    rig.close();
    assertThat(rig.clock.pendingTimers()).isZero();
    int patches = rig.api.patches();
    rig.runSeconds(30);
    assertThat(rig.api.patches()).isEqualTo(patches);
  }

  @Test
  void theSameScriptGivesTheSameHistory() {
    assertThat(history(7)).isEqualTo(history(7));
  }

  private static List<String> history(long seed) {
    List<String> out = new ArrayList<>();
    try (KubeletRig rig = new KubeletRig(KubeletRig.node(), b -> b.random(new Random(seed)))) {
      Random r = new Random(seed);
      rig.runtime.onStart(
          (uid, c) -> new FakeRuntime.Exit(Duration.ofSeconds(1 + r.nextInt(20)), r.nextInt(2)));
      for (int i = 0; i < 5; i++) {
        rig.api.create(pod("p" + i));
      }
      rig.run(Duration.ofMinutes(5));
      for (int i = 0; i < 5; i++) {
        rig.api.writes("p" + i).forEach(s -> out.add(s.toString()));
      }
      rig.runtime.stops().forEach(s -> out.add(s.toString()));
    }
    return out;
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void onThreadsOfItsOwnThePodStillReachesRunningAndCloseJoinsThem() throws Exception {
    FakeClock clock = new FakeClock();
    FakeRuntime runtime = new FakeRuntime(clock);
    FakeCluster api = new FakeCluster(clock);
    try (KubeletExecutors executors = KubeletExecutors.threads("kt", 4, 4)) {
      Kubelet kubelet =
          Kubelet.builder(KubeletRig.node(), runtime, clock)
              .podSource(api)
              .statusClient(api)
              .events(api)
              .executors(executors)
              .build();
      kubelet.start();
      api.create(pod("web"));
      while (!"Running".equals(api.phase("web"))) {
        clock.step(Duration.ofMillis(100));
        Thread.sleep(1);
      }
      kubelet.close();
    }
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().startsWith("kt-") && t.isAlive());
  }
}
