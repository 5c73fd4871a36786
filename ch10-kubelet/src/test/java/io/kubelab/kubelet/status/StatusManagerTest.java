package io.kubelab.kubelet.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.kubelet.container.ContainerId;
import io.kubelab.kubelet.util.ManualExecutor;
import io.kubelab.kubelet.util.NamedThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The status manager: versions, conditions, merging, terminated pods, and the sync paths. */
class StatusManagerTest {

  static final ContainerId APP = new ContainerId("fake", "app-1");
  private static final ContainerId SIDECAR = new ContainerId("fake", "sidecar-1");

  private final FakeClock clock = new FakeClock();
  private final FakeApi api = new FakeApi();
  private boolean reclaimed;
  private final ManualExecutor goroutine = new ManualExecutor();
  private final StatusManager manager =
      new StatusManager(api, api, (pod, status) -> reclaimed, clock, goroutine);

  static Pod pod(String restartPolicy, String... readinessGates) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName("web-1")
            .withNamespace("default")
            .withUid("u1")
            .endMetadata()
            .withNewSpec()
            .withRestartPolicy(restartPolicy)
            .addNewContainer()
            .withName("app")
            .endContainer()
            .addNewContainer()
            .withName("sidecar")
            .endContainer()
            .endSpec();
    for (String g : readinessGates) {
      b.editSpec().addNewReadinessGate().withConditionType(g).endReadinessGate().endSpec();
    }
    return b.build();
  }

  static ContainerStatus runningStatus(String name, ContainerId id, boolean ready) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withContainerID(id.toString())
        .withReady(ready)
        .withNewState()
        .withNewRunning()
        .withStartedAt("2020-01-01T00:00:00Z")
        .endRunning()
        .endState()
        .build();
  }

  static PodStatus generated(String message, boolean appReady, boolean sidecarReady) {
    return new PodStatusBuilder()
        .withPhase("Running")
        .withMessage(message)
        .withConditions(
            new PodConditionBuilder().withType("Ready").withStatus("False").build(),
            new PodConditionBuilder().withType("ContainersReady").withStatus("False").build())
        .withContainerStatuses(
            runningStatus("sidecar", SIDECAR, sidecarReady), runningStatus("app", APP, appReady))
        .build();
  }

  private static PodCondition condition(PodStatus s, String type) {
    return PodConditions.findCondition(s.getConditions(), type);
  }

  @Test
  void versionsGrowOnlyWithChanges() {
    Pod pod = pod("Always");
    api.create(pod);
    manager.setPodStatus(pod, generated("m1", false, false));
    assertThat(manager.getVersioned("u1").orElseThrow().version()).isEqualTo(1);
    manager.setPodStatus(pod, generated("m1", false, false));
    assertThat(manager.getVersioned("u1").orElseThrow().version()).as("same status").isEqualTo(1);
    manager.setPodStatus(pod, generated("m2", false, false));
    assertThat(manager.getVersioned("u1").orElseThrow().version()).isEqualTo(2);
  }

  @Test
  void normalizesSortsAndStampsTheStatus() {
    Pod pod = pod("Always");
    api.create(pod);
    clock.step(Duration.ofMillis(1500));
    manager.setPodStatus(pod, generated("m1", false, false));
    PodStatus s = manager.getPodStatus("u1").orElseThrow();
    assertThat(s.getContainerStatuses())
        .extracting(ContainerStatus::getName)
        .containsExactly("app", "sidecar");
    assertThat(s.getStartTime()).isEqualTo("2020-01-01T00:00:01Z");
    assertThat(condition(s, "Ready").getLastTransitionTime()).isEqualTo("2020-01-01T00:00:01Z");
  }

  @Test
  void startTimeAndUnchangedTransitionTimesAreKept() {
    Pod pod = pod("Always");
    api.create(pod);
    manager.setPodStatus(pod, generated("m1", false, false));
    clock.step(Duration.ofMinutes(1));
    manager.setPodStatus(pod, generated("m2", false, false));
    PodStatus s = manager.getPodStatus("u1").orElseThrow();
    assertThat(s.getStartTime()).isEqualTo("2020-01-01T00:00:00Z");
    assertThat(condition(s, "Ready").getLastTransitionTime()).isEqualTo("2020-01-01T00:00:00Z");
  }

  @Test
  void readinessChangesSetTheReadyAndContainersReadyConditions() {
    Pod pod = pod("Always");
    api.create(pod);
    manager.setPodStatus(pod, generated("m1", false, false));
    manager.setContainerReadiness("u1", APP, true);
    PodStatus s = manager.getPodStatus("u1").orElseThrow();
    assertThat(condition(s, "ContainersReady").getStatus()).isEqualTo("False");
    assertThat(condition(s, "ContainersReady").getReason()).isEqualTo("ContainersNotReady");
    assertThat(condition(s, "ContainersReady").getMessage())
        .isEqualTo("containers with unready status: [sidecar]");
    assertThat(condition(s, "Ready").getMessage())
        .isEqualTo("containers with unready status: [sidecar]");

    clock.step(Duration.ofSeconds(5));
    manager.setContainerReadiness("u1", SIDECAR, true);
    s = manager.getPodStatus("u1").orElseThrow();
    assertThat(condition(s, "ContainersReady").getStatus()).isEqualTo("True");
    assertThat(condition(s, "Ready").getStatus()).isEqualTo("True");
    assertThat(condition(s, "Ready").getLastTransitionTime()).isEqualTo("2020-01-01T00:00:05Z");
    assertThat(manager.getVersioned("u1").orElseThrow().version()).isEqualTo(3);

    manager.setContainerReadiness("u1", SIDECAR, true);
    assertThat(manager.getVersioned("u1").orElseThrow().version()).as("unchanged").isEqualTo(3);
  }

  @Test
  void readinessGatesKeepThePodUnready() {
    Pod pod = pod("Always", "example.com/lb");
    api.create(pod);
    manager.setPodStatus(pod, generated("m1", true, false));
    manager.setContainerReadiness("u1", SIDECAR, true);
    PodCondition ready = condition(manager.getPodStatus("u1").orElseThrow(), "Ready");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("ReadinessGatesNotReady");
    assertThat(ready.getMessage())
        .isEqualTo(
            "corresponding condition of pod readiness gate \"example.com/lb\" does not exist.");
  }

  @Test
  void readinessBeforeTheFirstStatusIsIgnored() {
    Pod pod = pod("Always");
    api.create(pod);
    manager.setContainerReadiness("u1", APP, true);
    assertThat(manager.getPodStatus("u1")).isEmpty();
  }

  @Test
  void startupFlagIsSetWithoutTouchingConditions() {
    Pod pod = pod("Always");
    api.create(pod);
    manager.setPodStatus(pod, generated("m1", false, false));
    manager.setContainerStartup("u1", APP, true);
    PodStatus s = manager.getPodStatus("u1").orElseThrow();
    assertThat(s.getContainerStatuses().get(0).getStarted()).isTrue();
    assertThat(manager.getVersioned("u1").orElseThrow().version()).isEqualTo(2);
  }

  @Test
  void probeResultsForUnknownPodsOrContainersAndUnchangedValuesChangeNothing() {
    // SetContainerReadiness and SetContainerStartup return early for a pod the pod manager does
    // not know, a pod without a status yet, a container the status does not list, and a value the
    // status already has.
    ContainerId stranger = new ContainerId("fake", "stranger-1");
    manager.setContainerStartup("u1", APP, true);
    manager.setContainerReadiness("u1", APP, true);
    assertThat(manager.getPodStatus("u1")).as("no such pod").isEmpty();
    Pod pod = pod("Always");
    api.create(pod);
    manager.setContainerStartup("u1", APP, true);
    assertThat(manager.getPodStatus("u1")).as("no status yet").isEmpty();

    PodStatus first = generated("m1", false, false);
    first.getContainerStatuses().get(0).setReady(null); // the sidecar: never decided
    manager.setPodStatus(pod, first);
    manager.setContainerStartup("u1", stranger, true);
    manager.setContainerReadiness("u1", stranger, true);
    manager.setContainerReadiness("u1", APP, false);
    manager.setContainerReadiness("u1", SIDECAR, false); // unset reads as Go's false
    assertThat(manager.getVersioned("u1").orElseThrow().version()).isEqualTo(1);

    manager.setContainerStartup("u1", APP, false); // unset is no value: false is a change
    assertThat(manager.getVersioned("u1").orElseThrow().version()).isEqualTo(2);
    manager.setContainerStartup("u1", APP, false);
    assertThat(manager.getVersioned("u1").orElseThrow().version()).isEqualTo(2);
    manager.setContainerStartup("u1", APP, true);
    assertThat(manager.getVersioned("u1").orElseThrow().version()).isEqualTo(3);
    assertThat(manager.getPodStatus("u1").orElseThrow().getContainerStatuses())
        .extracting(ContainerStatus::getStarted)
        .containsExactly(true, null);
  }

  @Test
  void terminatedContainerCannotRunAgainUnlessThePolicyAllows() {
    Pod pod = pod("Never");
    api.create(pod);
    PodStatus done = generated("m1", false, false);
    done.getContainerStatuses()
        .get(1)
        .setState(
            new io.fabric8.kubernetes.api.model.ContainerStateBuilder()
                .withNewTerminated()
                .withExitCode(0)
                .endTerminated()
                .build());
    manager.setPodStatus(pod, done);
    manager.setPodStatus(pod, generated("m2", false, false));
    assertThat(manager.getPodStatus("u1").orElseThrow().getMessage()).as("aborted").isEqualTo("m1");
  }

  private static PodStatus withTerminated(PodStatus s, int index, int exitCode, String message) {
    s.getContainerStatuses()
        .get(index)
        .setState(
            new io.fabric8.kubernetes.api.model.ContainerStateBuilder()
                .withNewTerminated()
                .withExitCode(exitCode)
                .withMessage(message)
                .endTerminated()
                .build());
    return s;
  }

  @Test
  void onFailureLetsOnlyAFailedContainerRunAgain() {
    Pod pod = pod("OnFailure");
    api.create(pod);
    // sidecar (index 0 before sorting) failed: it may be restarted.
    manager.setPodStatus(pod, withTerminated(generated("m1", false, false), 0, 3, ""));
    manager.setPodStatus(pod, generated("m2", false, false));
    assertThat(manager.getPodStatus("u1").orElseThrow().getMessage()).isEqualTo("m2");
    // Now it succeeded: running again would be illegal.
    manager.setPodStatus(pod, withTerminated(generated("m3", false, false), 0, 0, ""));
    manager.setPodStatus(pod, generated("m4", false, false));
    assertThat(manager.getPodStatus("u1").orElseThrow().getMessage()).isEqualTo("m3");
    assertThat(
            StatusManager.checkContainerStateTransition(
                withTerminated(generated("x", false, false), 0, 0, "").getContainerStatuses(),
                generated("y", false, false).getContainerStatuses(),
                "OnFailure"))
        .isEqualTo(
            "terminated container sidecar attempted illegal transition to non-terminated state");
    assertThat(
            StatusManager.checkContainerStateTransition(
                withTerminated(generated("x", false, false), 0, 0, "").getContainerStatuses(),
                generated("y", false, false).getContainerStatuses(),
                "Always"))
        .as("Always restarts anything")
        .isNull();
  }

  @Test
  void terminationMessagesShareTwelveKibibytesAmongTheContainers() {
    Pod pod = pod("Always"); // two containers: 6144 bytes each
    api.create(pod);
    String huge = "é".repeat(5000); // 10,000 bytes of UTF-8
    manager.setPodStatus(pod, withTerminated(generated("m1", false, false), 0, 1, huge));
    String kept =
        manager
            .getPodStatus("u1")
            .orElseThrow()
            .getContainerStatuses()
            .get(1)
            .getState()
            .getTerminated()
            .getMessage();
    assertThat(kept.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSize(6144);
    assertThat(kept).isEqualTo("é".repeat(3072));
    assertThat(StatusManager.truncateBytes("aé", 2)).as("never half a character").isEqualTo("a");
    assertThat(StatusManager.truncateBytes("short", 100)).isEqualTo("short");
  }

  @Test
  void initContainerStatusesFollowTheSpecOrderAndOthersSortByName() {
    Pod pod =
        new PodBuilder(pod("Always"))
            .editSpec()
            .addNewInitContainer()
            .withName("zz-first")
            .endInitContainer()
            .addNewInitContainer()
            .withName("aa-second")
            .endInitContainer()
            .endSpec()
            .build();
    PodStatus s = generated("m1", false, false);
    s.setInitContainerStatuses(
        List.of(
            new ContainerStatusBuilder().withName("unknown-init").build(),
            new ContainerStatusBuilder().withName("aa-second").build(),
            new ContainerStatusBuilder().withName("zz-first").build()));
    manager.setPodStatus(pod, s);
    PodStatus cached = manager.getPodStatus("u1").orElseThrow();
    assertThat(cached.getInitContainerStatuses())
        .extracting(ContainerStatus::getName)
        .containsExactly("zz-first", "aa-second", "unknown-init");
    assertThat(cached.getContainerStatuses())
        .extracting(ContainerStatus::getName)
        .containsExactly("app", "sidecar");
  }

  @Test
  void aPodTheKubeletNoLongerKnowsIsNotReconciled() {
    Pod pod = pod("Always");
    api.create(pod);
    manager.setPodStatus(pod, generated("m1", false, false));
    goroutine.runAll();
    api.pods.get("web-1").getStatus().setMessage("someone else");
    Pod gone = api.pods.remove("web-1");
    manager.syncBatch(); // not in the pod manager: needsReconcile is false, nothing is fetched
    int calls = api.calls;
    manager.syncBatch();
    assertThat(api.calls).isEqualTo(calls);
    api.pods.put("web-1", gone);
    manager.syncBatch();
    assertThat(api.pods.get("web-1").getStatus().getMessage()).isEqualTo("m1");
  }

  @Test
  void conditionsFollowGenerateGo() {
    var spec = pod("Always").getSpec();
    assertThat(PodConditions.containersReady(spec, List.of(), "Running").getReason())
        .as("no statuses at all")
        .isEqualTo("UnknownContainerStatuses");
    var oneReady = List.of(runningStatus("app", APP, true));
    PodCondition cr = PodConditions.containersReady(spec, oneReady, "Running");
    assertThat(cr.getReason()).isEqualTo("ContainersNotReady");
    assertThat(cr.getMessage()).isEqualTo("containers with unknown status: [sidecar]");
    var both = List.of(runningStatus("app", APP, false), runningStatus("sidecar", SIDECAR, false));
    assertThat(PodConditions.containersReady(spec, both, "Succeeded").getReason())
        .isEqualTo("PodCompleted");
    assertThat(PodConditions.containersReady(spec, oneReady, "Succeeded").getReason())
        .as("an unknown container is not completed")
        .isEqualTo("ContainersNotReady");

    var gated = pod("Always", "example.com/lb", "example.com/dns").getSpec();
    var ready = List.of(runningStatus("app", APP, true), runningStatus("sidecar", SIDECAR, true));
    PodCondition r =
        PodConditions.podReady(
            gated,
            List.of(
                new PodConditionBuilder().withType("example.com/lb").withStatus("False").build()),
            ready,
            "Running");
    assertThat(r.getMessage())
        .isEqualTo(
            "the status of pod readiness gate \"example.com/lb\" is not \"True\", but False, "
                + "corresponding condition of pod readiness gate \"example.com/dns\" does not exist.");
  }

  @Test
  void initializedWaitsForEveryInitContainerToSucceed() {
    var spec =
        new PodBuilder(pod("Always"))
            .editSpec()
            .addNewInitContainer()
            .withName("migrate")
            .endInitContainer()
            .addNewInitContainer()
            .withName("seed")
            .endInitContainer()
            .endSpec()
            .build()
            .getSpec();
    assertThat(PodConditions.initialized(spec, List.of(), "Pending"))
        .extracting(PodCondition::getStatus, PodCondition::getReason)
        .containsExactly("False", "UnknownContainerStatuses");
    var migrated =
        List.of(
            new ContainerStatusBuilder().withName("migrate").withReady(true).build(),
            new ContainerStatusBuilder().withName("seed").withReady(false).build());
    assertThat(PodConditions.initialized(spec, migrated, "Pending"))
        .extracting(PodCondition::getStatus, PodCondition::getReason, PodCondition::getMessage)
        .containsExactly(
            "False", "ContainersNotInitialized", "containers with incomplete status: [seed]");
    assertThat(PodConditions.initialized(spec, migrated.subList(0, 1), "Pending").getMessage())
        .isEqualTo("containers with unknown status: [seed]");
    assertThat(PodConditions.initialized(spec, migrated, "Succeeded"))
        .extracting(PodCondition::getStatus, PodCondition::getReason)
        .containsExactly("True", "PodCompleted");
    var done =
        List.of(
            new ContainerStatusBuilder().withName("migrate").withReady(true).build(),
            new ContainerStatusBuilder().withName("seed").withReady(true).build());
    assertThat(PodConditions.initialized(spec, done, "Running"))
        .extracting(PodCondition::getStatus, PodCondition::getReason)
        .containsExactly("True", null);
    assertThat(PodConditions.initialized(pod("Always").getSpec(), List.of(), "Running").getStatus())
        .as("no init containers: initialized")
        .isEqualTo("True");
  }

  @Test
  void terminatePodMarksRunningContainersUnknownExit137() {
    Pod pod = pod("Always");
    api.create(pod);
    manager.setPodStatus(pod, generated("m1", true, true));
    manager.terminatePod(pod);
    PodStatus s = manager.getPodStatus("u1").orElseThrow();
    assertThat(s.getContainerStatuses())
        .allSatisfy(
            c -> {
              assertThat(c.getState().getTerminated().getReason())
                  .isEqualTo("ContainerStatusUnknown");
              assertThat(c.getState().getTerminated().getExitCode()).isEqualTo(137);
              assertThat(c.getState().getTerminated().getMessage())
                  .isEqualTo("The container could not be located when the pod was terminated");
            });
  }

  @Test
  void syncWritesAndKeepsConditionsTheKubeletDoesNotOwn() {
    Pod pod =
        new PodBuilder(pod("Always"))
            .withNewStatus()
            .addNewCondition()
            .withType("example.com/lb")
            .withStatus("True")
            .endCondition()
            .endStatus()
            .build();
    api.create(pod);
    manager.setPodStatus(pod("Always"), generated("m1", false, false));
    goroutine.runAll();
    PodStatus inApi = api.pods.get("web-1").getStatus();
    assertThat(inApi.getMessage()).isEqualTo("m1");
    assertThat(inApi.getConditions())
        .extracting(PodCondition::getType)
        .containsExactly("example.com/lb", "Ready", "ContainersReady");
  }

  @Test
  void failedWriteIsRetriedByTheBatch() {
    Pod pod = pod("Always");
    api.create(pod);
    api.failureRate = 1.0;
    manager.setPodStatus(pod, generated("m1", false, false));
    goroutine.runAll();
    assertThat(api.writes).isEmpty();
    api.failureRate = 0;
    manager.syncBatch();
    assertThat(api.writes).extracting(PodStatus::getMessage).containsExactly("m1");
    manager.syncBatch();
    assertThat(api.writes).as("nothing new to write").hasSize(1);
  }

  @Test
  void batchReconcilesAnApiStatusThatDrifted() {
    Pod pod = pod("Always");
    api.create(pod);
    manager.setPodStatus(pod, generated("m1", false, false));
    goroutine.runAll();
    api.pods.get("web-1").getStatus().setMessage("someone else");
    manager.syncBatch();
    assertThat(api.pods.get("web-1").getStatus().getMessage()).isEqualTo("m1");
  }

  @Test
  void recreatedPodDropsTheCachedStatus() {
    Pod pod = pod("Always");
    api.create(new PodBuilder(pod).editMetadata().withUid("u2").endMetadata().build());
    manager.setPodStatus(pod, generated("m1", false, false));
    goroutine.runAll();
    assertThat(api.writes).isEmpty();
    assertThat(manager.getPodStatus("u1")).isEmpty();
  }

  @Test
  void missingPodIsIgnored() {
    manager.setPodStatus(pod("Always"), generated("m1", false, false));
    goroutine.runAll();
    assertThat(api.writes).isEmpty();
    assertThat(manager.getPodStatus("u1")).isPresent();
  }

  @Test
  void terminatingPodIsDeletedOnceItsResourcesAreReclaimed() {
    Pod pod =
        new PodBuilder(pod("Always"))
            .editMetadata()
            .withDeletionTimestamp("2020-01-01T00:00:00Z")
            .endMetadata()
            .build();
    api.create(pod);
    manager.setPodStatus(pod, generated("m1", false, false));
    goroutine.runAll();
    assertThat(api.deletes).isEmpty();
    reclaimed = true;
    manager.syncBatch();
    assertThat(api.deletes).containsExactly("web-1");
    assertThat(manager.getPodStatus("u1")).isEmpty();
  }

  @Test
  void fullChannelLeavesTheUpdateToTheBatch() {
    Pod pod = pod("Always");
    api.create(pod);
    for (int i = 0; i <= StatusManager.CHANNEL_CAPACITY; i++) {
      manager.setPodStatus(pod, generated("m" + i, false, false));
    }
    assertThat(manager.getVersioned("u1").orElseThrow().version()).isEqualTo(1001);
    goroutine.runAll();
    // 1000 queued requests, each carrying its own version; the newest (1001) was not queued.
    assertThat(api.pods.get("web-1").getStatus().getMessage()).isEqualTo("m999");
    manager.syncBatch();
    assertThat(api.pods.get("web-1").getStatus().getMessage()).isEqualTo("m1000");
  }

  @Test
  void theBatchRunsOnATenSecondTickerOnTheSyncGoroutine() {
    Pod pod = pod("Always");
    api.create(pod);
    manager.start();
    api.failureRate = 1.0;
    manager.setPodStatus(pod, generated("m1", false, false));
    assertThat(goroutine.size()).as("handed to the sync goroutine").isEqualTo(1);
    goroutine.runAll();
    assertThat(api.writes).isEmpty();
    api.failureRate = 0;
    clock.step(Duration.ofSeconds(9));
    assertThat(goroutine.size()).isZero();
    clock.step(Duration.ofSeconds(1));
    assertThat(goroutine.size()).as("the tick").isEqualTo(1);
    goroutine.runAll();
    assertThat(api.writes).extracting(PodStatus::getMessage).containsExactly("m1");
    manager.close();
    clock.step(Duration.ofMinutes(1));
    assertThat(goroutine.size()).as("no tick after close").isZero();
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void ticksThatFindTheGoroutineBusyAreDroppedButOne() {
    Pod pod = pod("Always");
    api.create(pod);
    manager.start();
    manager.setPodStatus(pod, generated("m1", false, false));
    api.failureRate = 1.0;
    clock.step(Duration.ofSeconds(60)); // six ticks while the goroutine never runs
    int callsBefore = api.calls;
    goroutine.runAll();
    // One request (which fails) and one batch (which fails): not six batches.
    assertThat(api.calls - callsBefore).isEqualTo(2);
  }

  @Test
  void onARealThreadAStatusIsWrittenWithoutAnyTick() throws Exception {
    Pod pod = pod("Always");
    api.create(pod);
    java.util.concurrent.CountDownLatch written = new java.util.concurrent.CountDownLatch(1);
    try (NamedThreads thread = new NamedThreads("status-manager-test", 1)) {
      api.onWrite = written::countDown;
      StatusManager m = new StatusManager(api, api, (p, st) -> false, clock, thread);
      m.setPodStatus(pod, generated("m1", false, false));
      assertThat(written.await(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().startsWith("status-manager-test") && t.isAlive());
  }

  // ---- property: random failures never leave a stale status ------------------------------------

  /** op: 0 new status, 1 flip app readiness, 2 handle queued syncs, 3 batch sync. */
  @Test
  void randomFailuresNeverLeaveAStaleStatusInTheApi() {
    qt().withFixedSeed(118L)
        .withExamples(150)
        .forAll(longs().all(), lists().of(integers().between(0, 3)).ofSizeBetween(1, 60))
        .checkAssert(
            (seed, ops) -> {
              FakeClock clk = new FakeClock();
              FakeApi fake = new FakeApi();
              fake.random = new Random(seed);
              fake.failureRate = 0.5;
              ManualExecutor sync = new ManualExecutor();
              StatusManager m = new StatusManager(fake, fake, (p, s) -> false, clk, sync);
              Pod pod = pod("Always");
              fake.create(pod);
              int counter = 0;
              boolean appReady = false;
              long lastVersion = 0;
              for (int op : ops) {
                switch (op) {
                  case 0 -> m.setPodStatus(pod, generated("m" + ++counter, appReady, false));
                  case 1 -> {
                    appReady = !appReady;
                    m.setContainerReadiness("u1", APP, appReady);
                  }
                  case 2 -> sync.runAll();
                  default -> m.syncBatch();
                }
                clk.step(Duration.ofSeconds(1));
                long v = m.getVersioned("u1").map(VersionedPodStatus::version).orElse(0L);
                assertThat(v).as("versions only grow, %s", ops).isGreaterThanOrEqualTo(lastVersion);
                lastVersion = v;
              }
              // Written messages never go backwards: no stale write after a newer one.
              List<Integer> written = new ArrayList<>();
              for (PodStatus w : fake.writes) {
                written.add(Integer.parseInt(w.getMessage().substring(1)));
              }
              assertThat(written).as("seed %s ops %s", seed, ops).isSorted();
              // Once the API behaves, a batch makes it equal to the newest cached status.
              fake.failureRate = 0;
              sync.runAll();
              m.syncBatch();
              m.getPodStatus("u1")
                  .ifPresent(
                      cached -> {
                        PodStatus inApi = fake.pods.get("web-1").getStatus();
                        assertThat(inApi).as("seed %s ops %s", seed, ops).isEqualTo(cached);
                        PodCondition ready = condition(inApi, "Ready");
                        assertThat(ready).isNotNull();
                      });
            });
  }

  @Test
  void orphanedStatusesAreRemoved() {
    Pod pod = pod("Always");
    manager.setPodStatus(pod, generated("m1", false, false));
    manager.removeOrphanedStatuses(Set.of("other"));
    assertThat(manager.getPodStatus("u1")).isEmpty();
  }
}
