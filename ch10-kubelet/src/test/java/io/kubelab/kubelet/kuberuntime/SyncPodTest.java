package io.kubelab.kubelet.kuberuntime;

import static io.kubelab.kubelet.kuberuntime.ComputePodActionsTest.pod;
import static io.kubelab.kubelet.kuberuntime.SyncResult.Action.CREATE_POD_SANDBOX;
import static io.kubelab.kubelet.kuberuntime.SyncResult.Action.KILL_CONTAINER;
import static io.kubelab.kubelet.kuberuntime.SyncResult.Action.KILL_POD_SANDBOX;
import static io.kubelab.kubelet.kuberuntime.SyncResult.Action.START_CONTAINER;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.kubelet.container.ContainerId;
import io.kubelab.kubelet.container.ContainerState;
import io.kubelab.kubelet.container.ContainerStatus;
import io.kubelab.kubelet.container.FakeRuntime;
import io.kubelab.kubelet.container.PodStatus;
import io.kubelab.kubelet.container.RuntimePod;
import io.kubelab.kubelet.events.Event;
import io.kubelab.kubelet.prober.results.Result;
import io.kubelab.kubelet.prober.results.ResultsManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link RuntimeManager#syncPod} and {@link RuntimeManager#killPod} against the fake runtime:
 * upstream {@code kuberuntime_manager_test.go} ({@code TestSyncPod}, {@code TestKillPod}, {@code
 * TestSyncPodWithInitContainers}, {@code TestPruneInitContainers}, {@code
 * TestSyncPodWithSandboxAndDeletedPod}) and {@code kuberuntime_container_test.go} ({@code
 * TestKillContainer}), v1.18: the order of the steps, their results and events, the crash-loop
 * back-off, the grace periods.
 */
class SyncPodTest {

  private static final String WEB = "web_default(u1)";

  private final FakeClock clock = new FakeClock();
  private final FakeRuntime fake = new FakeRuntime(clock);
  private final FlakyRuntime runtime = new FlakyRuntime(fake);
  private final ResultsManager liveness = new ResultsManager();
  private final List<Event> events = new ArrayList<>();
  private final RuntimeManager manager =
      new RuntimeManager(runtime, liveness, new ResultsManager(), 8L << 30, events::add, clock);
  private final Backoff backOff = Backoff.forContainers(clock);

  private PodStatus status() {
    return fake.getPodStatus("u1", "web", "default");
  }

  private PodSyncResult sync(Pod pod) {
    events.clear();
    return manager.syncPod(pod, status(), backOff).toCompletableFuture().join();
  }

  private List<String> reasons() {
    return events.stream().map(e -> e.type() + " " + e.reason() + ": " + e.message()).toList();
  }

  private List<ContainerStatus> named(String name) {
    return status().containerStatuses().stream().filter(s -> s.name().equals(name)).toList();
  }

  private static SyncResult ok(SyncResult.Action action, String target) {
    return SyncResult.ok(action, target);
  }

  @Test
  void aNewPodGetsASandboxThenEveryContainerInSpecOrder() {
    PodSyncResult result = sync(pod("Always"));

    // A new sandbox means "kill the pod" first, as upstream: with nothing running, only the
    // sandbox step (of no sandbox) is recorded.
    assertThat(result.results())
        .containsExactly(
            ok(KILL_POD_SANDBOX, "u1"),
            ok(CREATE_POD_SANDBOX, WEB),
            ok(START_CONTAINER, "app"),
            ok(START_CONTAINER, "sidecar"));
    assertThat(result.error()).isNull();
    assertThat(reasons())
        .as("no SandboxChanged for a pod that never had a sandbox")
        .containsExactly(
            "Normal Created: Created container app",
            "Normal Started: Started container app",
            "Normal Created: Created container sidecar",
            "Normal Started: Started container sidecar");
    PodStatus after = status();
    assertThat(after.sandboxStatuses())
        .singleElement()
        .satisfies(s -> assertThat(s.ready()).isTrue());
    assertThat(after.containerStatuses())
        .extracting(ContainerStatus::state)
        .containsOnly(ContainerState.RUNNING)
        .hasSize(2);
    // A best-effort pod's containers are the first the kernel kills: oom_score_adj 1000.
    ContainerId app = fake.containerId("u1", "app");
    assertThat(fake.config(app).oomScoreAdj()).isEqualTo(1000);
    assertThat(fake.config(app).attempt()).isZero();
    assertThat(backOff.size()).as("containers that never exited have no back-off").isZero();

    assertThat(sync(pod("Always")).results()).as("a second sync has nothing to do").isEmpty();
  }

  @Test
  void aCrashingContainerRestartsAtOnceThenWaitsOutItsDoublingBackOff() {
    Pod pod = pod("Always");
    sync(pod);
    clock.step(Duration.ofSeconds(5));
    fake.crash(fake.containerId("u1", "app"), 1);
    fake.crash(fake.containerId("u1", "sidecar"), 2);

    // Both crashed at the same moment; each has its own back-off, so both restart at once.
    assertThat(sync(pod).results())
        .containsExactly(ok(START_CONTAINER, "app"), ok(START_CONTAINER, "sidecar"));
    assertThat(backOff.get("web_default_u1_app")).isEqualTo(Duration.ofSeconds(10));
    assertThat(backOff.get("web_default_u1_sidecar")).isEqualTo(Duration.ofSeconds(10));
    assertThat(fake.config(fake.containerId("u1", "app")).attempt())
        .as("the restart count goes up by one")
        .isEqualTo(1);

    clock.step(Duration.ofSeconds(3));
    fake.crash(fake.containerId("u1", "app"), 1);
    clock.step(Duration.ofSeconds(9));
    PodSyncResult backedOff = sync(pod);
    String message = "back-off 10s restarting failed container=app pod=" + WEB;
    assertThat(backedOff.results())
        .containsExactly(
            SyncResult.fail(START_CONTAINER, "app", SyncResult.ERR_CRASH_LOOP_BACK_OFF, message));
    assertThat(backedOff.error())
        .isEqualTo(
            "failed to \"StartContainer\" for \"app\" with CrashLoopBackOff: \"" + message + "\"");
    assertThat(backedOff.onlyBackOffFailures()).isTrue();
    assertThat(reasons()).containsExactly("Warning BackOff: Back-off restarting failed container");

    // Ten seconds after it exited the window is over: it restarts and the window doubles.
    clock.step(Duration.ofSeconds(1));
    assertThat(sync(pod).results()).containsExactly(ok(START_CONTAINER, "app"));
    assertThat(backOff.get("web_default_u1_app")).isEqualTo(Duration.ofSeconds(20));
    assertThat(fake.config(fake.containerId("u1", "app")).attempt()).isEqualTo(2);
  }

  @Test
  void onlyAContainerThatExitedGetsABackOffWindow() {
    Pod pod = pod("Always");
    fake.addPod("u1", "web", "default", "10.244.0.2");
    fake.crash(fake.startContainer("u1", "app"), 1);
    fake.createContainer("u1", "sidecar");

    assertThat(sync(pod).results())
        .containsExactly(ok(START_CONTAINER, "app"), ok(START_CONTAINER, "sidecar"));
    assertThat(backOff.get("web_default_u1_app")).isEqualTo(Duration.ofSeconds(10));
    assertThat(backOff.get("web_default_u1_sidecar"))
        .as("created but never run: nothing to back off from")
        .isZero();
  }

  @Test
  void theRunningPodOfAStatusIsItsRunningContainersAndEverySandbox() {
    sync(pod("Always"));
    fake.crash(fake.containerId("u1", "sidecar"), 0);
    fake.runPodSandbox("u1", "web", "default", 1);
    fake.stopPodSandbox(status().sandboxStatuses().get(1).id());

    RuntimePod running = RuntimeManager.runningPod(status());

    assertThat(running.uid()).isEqualTo("u1");
    assertThat(running.containers())
        .extracting(io.kubelab.kubelet.container.Container::name)
        .containsExactly("app");
    assertThat(running.sandboxes())
        .extracting(io.kubelab.kubelet.container.Container::state)
        .containsExactly(ContainerState.RUNNING, ContainerState.EXITED);
  }

  @Test
  void anInitContainerInUnknownStateIsKilledThenCountsAsItsLastRunWhenPruning() {
    Pod pod = pod("Always", List.of("init1"), List.of("app"));
    sync(pod);
    fake.crash(fake.containerId("u1", "init1"), 1);
    sync(pod);
    ContainerId second = fake.containerId("u1", "init1");
    fake.setState(second, ContainerState.UNKNOWN);
    clock.step(Duration.ofSeconds(11));

    assertThat(sync(pod).results())
        .containsExactly(ok(KILL_CONTAINER, "init1"), ok(START_CONTAINER, "init1"));
    assertThat(reasons())
        .startsWith(
            "Normal Killing: Init container is in \"unknown\" state, try killing it before restart");
    assertThat(named("init1"))
        .as("the new run and the unknown one; the older exited run is pruned")
        .extracting(ContainerStatus::state)
        .containsExactly(ContainerState.RUNNING, ContainerState.UNKNOWN);
  }

  @Test
  void aContainerThatFailsItsLivenessProbeIsKilledWithThatMessageThenStartedAgain() {
    Pod pod = pod("Always");
    sync(pod);
    ContainerId app = fake.containerId("u1", "app");
    liveness.set(app, Result.FAILURE, "u1");

    PodSyncResult result = sync(pod);

    assertThat(result.results())
        .containsExactly(ok(KILL_CONTAINER, "app"), ok(START_CONTAINER, "app"));
    assertThat(reasons())
        .startsWith("Normal Killing: Container app failed liveness probe, will be restarted");
    assertThat(fake.stops())
        .as("no grace period in the spec: the 2 s minimum")
        .containsExactly(new FakeRuntime.Stop(app, 2));
    assertThat(named("app"))
        .extracting(ContainerStatus::state)
        .containsExactly(ContainerState.RUNNING, ContainerState.EXITED);
  }

  @Test
  void aContainerThatCannotBeKilledEndsTheSyncBeforeAnyOtherKillOrStart() {
    Pod pod = pod("Always");
    sync(pod);
    ContainerId app = fake.containerId("u1", "app");
    ContainerId sidecar = fake.containerId("u1", "sidecar");
    liveness.set(app, Result.FAILURE, "u1");
    liveness.set(sidecar, Result.FAILURE, "u1");
    runtime.refuseStop.add(app);

    PodSyncResult result = sync(pod);

    assertThat(result.results())
        .containsExactly(
            SyncResult.fail(
                KILL_CONTAINER,
                "app",
                SyncResult.ERR_KILL_CONTAINER,
                "rpc error: container " + app + " is stuck"));
    assertThat(result.onlyBackOffFailures()).isFalse();
    assertThat(fake.stops()).isEmpty();
    assertThat(status().containerStatuses()).hasSize(2);
  }

  @Test
  void aKillThatFailsLaterIsReportedWithTheRuntimesMessage() {
    Pod pod = pod("Always");
    sync(pod);
    ContainerId app = fake.containerId("u1", "app");
    liveness.set(app, Result.FAILURE, "u1");
    runtime.failStopLater.add(app);

    assertThat(sync(pod).results())
        .containsExactly(
            SyncResult.fail(
                KILL_CONTAINER,
                "app",
                SyncResult.ERR_KILL_CONTAINER,
                "rpc error: deadline exceeded stopping " + app));
  }

  @Test
  void aDeadSandboxTakesThePodDownAndComesBackAsTheNextAttempt() {
    Pod pod = pod("Always");
    sync(pod);
    fake.crash(fake.containerId("u1", "sidecar"), 0);
    fake.setSandboxReady("u1", false);

    PodSyncResult result = sync(pod);

    assertThat(result.results())
        .as("only the running container is killed, then the sandbox, then all start again")
        .containsExactly(
            ok(KILL_CONTAINER, "app"),
            ok(KILL_POD_SANDBOX, "u1"),
            ok(CREATE_POD_SANDBOX, WEB),
            ok(START_CONTAINER, "app"),
            ok(START_CONTAINER, "sidecar"));
    assertThat(reasons())
        .startsWith(
            "Normal SandboxChanged: Pod sandbox changed, it will be killed and re-created.",
            "Normal Killing: Stopping container app");
    assertThat(status().sandboxStatuses().get(0).attempt()).isEqualTo(1);
    assertThat(status().sandboxStatuses().get(0).ready()).isTrue();
  }

  @Test
  void whenTheOldSandboxCannotBeStoppedNoNewOneIsCreated() {
    Pod pod = pod("Always");
    sync(pod);
    fake.setSandboxReady("u1", false);
    runtime.failStopSandbox = true;

    PodSyncResult result = sync(pod);

    assertThat(result.results())
        .containsExactly(
            ok(KILL_CONTAINER, "sidecar"),
            ok(KILL_CONTAINER, "app"),
            SyncResult.fail(
                KILL_POD_SANDBOX,
                "u1",
                SyncResult.ERR_KILL_POD_SANDBOX,
                "rpc error: cannot tear down the network"));
    assertThat(status().sandboxStatuses()).hasSize(1);
  }

  @Test
  void aSandboxTheRuntimeCannotCreateIsReportedAndNothingStarts() {
    runtime.failRunSandbox = true;

    PodSyncResult result = sync(pod("Always"));

    assertThat(result.results())
        .containsExactly(
            ok(KILL_POD_SANDBOX, "u1"),
            SyncResult.fail(
                CREATE_POD_SANDBOX,
                WEB,
                SyncResult.ERR_CREATE_POD_SANDBOX,
                "CreatePodSandbox for pod \""
                    + WEB
                    + "\" failed: rpc error: sandbox network not ready"));
    assertThat(reasons())
        .containsExactly(
            "Warning FailedCreatePodSandBox: Failed to create pod sandbox: rpc error: sandbox network not ready");
    assertThat(fake.hasPod("u1")).isFalse();
  }

  @Test
  void aContainerThatCannotStartIsReportedAndTheOthersStillStart() {
    runtime.failStart.add("app");

    PodSyncResult result = sync(pod("Always"));

    assertThat(result.results())
        .containsExactly(
            ok(KILL_POD_SANDBOX, "u1"),
            ok(CREATE_POD_SANDBOX, WEB),
            SyncResult.fail(
                START_CONTAINER,
                "app",
                SyncResult.ERR_RUN_CONTAINER,
                "executable file not found in $PATH"),
            ok(START_CONTAINER, "sidecar"));
    assertThat(reasons())
        .containsExactly(
            "Warning Failed: Error: executable file not found in $PATH",
            "Normal Created: Created container sidecar",
            "Normal Started: Started container sidecar");
    assertThat(result.onlyBackOffFailures()).isFalse();
  }

  @Test
  void initContainersRunOneAtATimeAndOnlyTheLastRunOfEachIsKept() {
    Pod pod = pod("Always", List.of("init1"), List.of("app"));
    assertThat(sync(pod).results())
        .containsExactly(
            ok(KILL_POD_SANDBOX, "u1"), ok(CREATE_POD_SANDBOX, WEB), ok(START_CONTAINER, "init1"));

    clock.step(Duration.ofSeconds(1));
    fake.crash(fake.containerId("u1", "init1"), 1);
    assertThat(sync(pod).results()).containsExactly(ok(START_CONTAINER, "init1"));
    // The second run is going; the failed first run is kept while it does.
    assertThat(sync(pod).results()).isEmpty();
    assertThat(named("init1"))
        .extracting(ContainerStatus::state)
        .containsExactly(ContainerState.RUNNING, ContainerState.EXITED);

    clock.step(Duration.ofSeconds(1));
    fake.crash(fake.containerId("u1", "init1"), 1);
    clock.step(Duration.ofSeconds(10));
    assertThat(sync(pod).results()).containsExactly(ok(START_CONTAINER, "init1"));
    assertThat(named("init1"))
        .as("before starting it again the older failed run was removed")
        .extracting(ContainerStatus::state)
        .containsExactly(ContainerState.RUNNING, ContainerState.EXITED);

    fake.crash(fake.containerId("u1", "init1"), 0);
    assertThat(sync(pod).results()).containsExactly(ok(START_CONTAINER, "app"));
    assertThat(named("init1")).extracting(ContainerStatus::exitCode).containsExactly(0);

    // Pruning touches init containers only: the app's earlier runs stay (container GC's job).
    fake.crash(fake.containerId("u1", "app"), 1);
    assertThat(sync(pod).results()).containsExactly(ok(START_CONTAINER, "app"));
    assertThat(named("app")).hasSize(2);
    assertThat(named("init1")).hasSize(1);

    // A new sandbox runs the init containers again from scratch: every earlier run is purged.
    // (Past init1's back-off window first: its last exit still counts against the new run.)
    clock.step(Duration.ofSeconds(21));
    fake.setSandboxReady("u1", false);
    assertThat(sync(pod).results())
        .containsExactly(
            ok(KILL_CONTAINER, "app"),
            ok(KILL_POD_SANDBOX, "u1"),
            ok(CREATE_POD_SANDBOX, WEB),
            ok(START_CONTAINER, "init1"));
    assertThat(named("init1"))
        .extracting(ContainerStatus::state)
        .containsExactly(ContainerState.RUNNING);
    assertThat(named("app")).hasSize(2);
  }

  @Test
  void aFinishedNeverPodIsKilledWithoutANewSandboxAndKeepsItsInitContainers() {
    Pod pod = pod("Never", List.of("init1"), List.of("app"));
    sync(pod);
    fake.crash(fake.containerId("u1", "init1"), 0);
    sync(pod);
    fake.crash(fake.containerId("u1", "app"), 0);

    assertThat(sync(pod).results())
        .as("nothing runs and nothing is to start: the pod is killed")
        .containsExactly(ok(KILL_POD_SANDBOX, "u1"));
    assertThat(sync(pod).results())
        .as("its sandbox is no longer ready, but a Never pod that ran gets no new one")
        .containsExactly(ok(KILL_POD_SANDBOX, "u1"));
    assertThat(reasons()).isEmpty();
    assertThat(status().sandboxStatuses()).hasSize(1);
    assertThat(named("init1")).hasSize(1);
  }

  // ---- KillPod and the grace period ------------------------------------------------------------

  private Pod graced(Long termination, Long deletion) {
    return new PodBuilder(pod("Always"))
        .editMetadata()
        .withDeletionGracePeriodSeconds(deletion)
        .endMetadata()
        .editSpec()
        .withTerminationGracePeriodSeconds(termination)
        .endSpec()
        .build();
  }

  private List<Long> gracePeriodsOfKillPod(Pod pod, Long override) {
    sync(pod("Always"));
    events.clear();
    manager
        .killPod(pod, RuntimeManager.runningPod(status()), override)
        .toCompletableFuture()
        .join();
    return fake.stops().stream().map(FakeRuntime.Stop::gracePeriodSeconds).toList();
  }

  @Test
  void theGracePeriodIsTheDeletionsThenTheSpecsThenTwoSecondsAndNeverLessThanTwo() {
    assertThat(gracePeriodsOfKillPod(graced(30L, null), null)).containsExactly(30L, 30L);
  }

  @Test
  void theDeletionGracePeriodWinsOverTheSpecs() {
    assertThat(gracePeriodsOfKillPod(graced(30L, 5L), null)).containsExactly(5L, 5L);
  }

  @Test
  void aGracePeriodUnderTwoSecondsIsRaisedToTwo() {
    assertThat(gracePeriodsOfKillPod(graced(1L, null), null)).containsExactly(2L, 2L);
  }

  @Test
  void anOverrideWinsEvenBelowTheMinimum() {
    assertThat(gracePeriodsOfKillPod(graced(30L, 10L), 0L)).containsExactly(0L, 0L);
  }

  @Test
  void killPodStopsEveryRunningContainerThenEverySandbox() {
    Pod pod = graced(30L, null);
    sync(pod);
    fake.crash(fake.containerId("u1", "sidecar"), 1);
    events.clear();

    PodSyncResult result =
        manager
            .killPod(pod, RuntimeManager.runningPod(status()), null)
            .toCompletableFuture()
            .join();

    assertThat(result.results())
        .as("the exited sidecar is not stopped again")
        .containsExactly(ok(KILL_CONTAINER, "app"), ok(KILL_POD_SANDBOX, "u1"));
    assertThat(reasons()).containsExactly("Normal Killing: Stopping container app");
    assertThat(status().containerStatuses())
        .extracting(ContainerStatus::state)
        .containsOnly(ContainerState.EXITED);
    assertThat(status().sandboxStatuses())
        .singleElement()
        .satisfies(s -> assertThat(s.ready()).isFalse());
  }

  @Test
  void aPodTheKubeletNoLongerKnowsIsKilledWithTheMinimumGracePeriodAndNoEvents() {
    sync(pod("Always"));
    events.clear();

    manager.killPod(null, RuntimeManager.runningPod(status()), null).toCompletableFuture().join();

    assertThat(fake.stops())
        .extracting(FakeRuntime.Stop::gracePeriodSeconds)
        .containsExactly(2L, 2L);
    assertThat(events).isEmpty();
  }

  @Test
  void killPodReportsEachFailureAndStillStopsTheSandbox() {
    Pod pod = pod("Always");
    sync(pod);
    ContainerId app = fake.containerId("u1", "app");
    runtime.refuseStop.add(app);

    PodSyncResult result =
        manager
            .killPod(pod, RuntimeManager.runningPod(status()), null)
            .toCompletableFuture()
            .join();

    String appError = "rpc error: container " + app + " is stuck";
    assertThat(result.results())
        .containsExactly(
            ok(KILL_CONTAINER, "sidecar"),
            SyncResult.fail(KILL_CONTAINER, "app", SyncResult.ERR_KILL_CONTAINER, appError),
            ok(KILL_POD_SANDBOX, "u1"));
    assertThat(result.error())
        .isEqualTo(
            "failed to \"KillContainer\" for \"app\" with KillContainerError: \""
                + appError
                + "\"");

    runtime.failStopSandbox = true;
    runtime.refuseStop.clear();
    runtime.failStopLater.add(app);
    PodSyncResult again =
        manager
            .killPod(pod, RuntimeManager.runningPod(status()), null)
            .toCompletableFuture()
            .join();
    assertThat(again.error())
        .as("two failures: upstream's aggregate error in brackets")
        .isEqualTo(
            "[failed to \"KillContainer\" for \"app\" with KillContainerError: \"rpc error: deadline"
                + " exceeded stopping "
                + app
                + "\", failed to \"KillPodSandbox\" for \"u1\" with KillPodSandboxError: \"rpc"
                + " error: cannot tear down the network\"]");
  }
}
