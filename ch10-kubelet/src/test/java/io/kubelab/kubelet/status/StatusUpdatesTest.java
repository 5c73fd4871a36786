package io.kubelab.kubelet.status;

import static io.kubelab.kubelet.status.StatusManagerTest.APP;
import static io.kubelab.kubelet.status.StatusManagerTest.generated;
import static io.kubelab.kubelet.status.StatusManagerTest.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
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
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The status manager's update paths that the pod workers and probers drive, as upstream {@code
 * status_manager.go} (v1.18) has them: {@code TerminatePod}, {@code SetContainerStartup}, the start
 * time and transition times of {@code updateStatusInternal}, the state-transition check for init
 * containers, {@code normalizeStatus}, {@code isPodStatusByKubeletEqual}, and starting the
 * goroutine once.
 */
class StatusUpdatesTest {

  private final FakeClock clock = new FakeClock();
  private final FakeApi api = new FakeApi();
  private final ManualExecutor goroutine = new ManualExecutor();
  private final StatusManager manager =
      new StatusManager(api, api, (pod, status) -> false, clock, goroutine);

  private static ContainerState terminated(int exitCode, String reason) {
    return new ContainerStateBuilder()
        .withNewTerminated()
        .withExitCode(exitCode)
        .withReason(reason)
        .endTerminated()
        .build();
  }

  private static ContainerState waiting(String reason) {
    return new ContainerStateBuilder().withNewWaiting().withReason(reason).endWaiting().build();
  }

  private static ContainerStatus named(PodStatus s, String name) {
    return s.getContainerStatuses().stream()
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .or(
            () ->
                s.getInitContainerStatuses().stream()
                    .filter(c -> c.getName().equals(name))
                    .findFirst())
        .orElseThrow();
  }

  private static Pod withInit(String restartPolicy) {
    return new PodBuilder(pod(restartPolicy))
        .editSpec()
        .addNewInitContainer()
        .withName("init")
        .endInitContainer()
        .endSpec()
        .build();
  }

  private static ContainerStatus initStatus(ContainerState state) {
    return new ContainerStatusBuilder()
        .withName("init")
        .withContainerID("fake://init-1")
        .withState(state)
        .build();
  }

  private PodStatus cached() {
    return manager.getPodStatus("u1").orElseThrow();
  }

  // ---- TerminatePod ----------------------------------------------------------------------------

  @Test
  void terminatePodKeepsWhatAlreadyEndedOrWaitsAndIsWrittenAtOnce() {
    Pod pod = withInit("Always");
    api.create(pod);
    PodStatus s = generated("m1", true, true);
    named(s, "sidecar").setState(waiting("CrashLoopBackOff"));
    s.getInitContainerStatuses().add(initStatus(terminated(0, "Completed")));
    manager.setPodStatus(pod, s);
    goroutine.runAll();

    manager.terminatePod(pod);
    assertThat(goroutine.size()).as("queued for the sync goroutine").isEqualTo(1);
    goroutine.runAll();

    PodStatus inApi = api.pods.get("web-1").getStatus();
    assertThat(named(inApi, "app").getState().getTerminated().getReason())
        .isEqualTo("ContainerStatusUnknown");
    assertThat(named(inApi, "sidecar").getState().getWaiting().getReason())
        .isEqualTo("CrashLoopBackOff");
    assertThat(named(inApi, "sidecar").getState().getTerminated()).isNull();
    assertThat(named(inApi, "init").getState().getTerminated().getExitCode()).isZero();
    assertThat(named(inApi, "init").getState().getTerminated().getReason()).isEqualTo("Completed");
  }

  @Test
  void terminatingAPodTheManagerNeverSawStartsFromItsApiStatus() {
    PodStatus fromApi = generated("from the API", true, true);
    fromApi.getInitContainerStatuses().add(initStatus(null));
    Pod pod = new PodBuilder(withInit("Never")).withStatus(fromApi).build();
    api.create(pod);

    manager.terminatePod(pod);

    PodStatus s = cached();
    assertThat(s.getMessage()).isEqualTo("from the API");
    assertThat(List.of(named(s, "app"), named(s, "sidecar"), named(s, "init")))
        .allSatisfy(c -> assertThat(c.getState().getTerminated().getExitCode()).isEqualTo(137));
  }

  // ---- SetContainerStartup ---------------------------------------------------------------------

  @Test
  void aStartupChangeIsWrittenAtOnceAndAnUnchangedOneChangesNothing() {
    Pod pod = pod("Always");
    api.create(pod);
    manager.setPodStatus(pod, generated("m1", false, false));
    goroutine.runAll();

    manager.setContainerStartup("u1", APP, true);
    assertThat(goroutine.size()).isEqualTo(1);
    goroutine.runAll();
    assertThat(named(api.pods.get("web-1").getStatus(), "app").getStarted()).isTrue();
    long version = manager.getVersioned("u1").orElseThrow().version();

    manager.setContainerStartup("u1", APP, true);
    assertThat(manager.getVersioned("u1").orElseThrow().version()).isEqualTo(version);
    assertThat(goroutine.size()).as("nothing to sync").isZero();

    manager.setContainerStartup("u1", APP, false);
    assertThat(named(cached(), "app").getStarted()).isFalse();
    assertThat(manager.getVersioned("u1").orElseThrow().version()).isEqualTo(version + 1);
  }

  @Test
  void probeResultsThatChangeNothingWakeNobody() {
    Pod pod = pod("Always");
    api.create(pod);
    manager.setContainerReadiness("u1", APP, true);
    manager.setContainerStartup("u1", APP, true);
    assertThat(goroutine.size()).as("before the first status").isZero();
    manager.setPodStatus(pod, generated("m1", false, false));
    goroutine.runAll();
    ContainerId unknown = new ContainerId("fake", "gone-1");
    manager.setContainerReadiness("u1", unknown, true);
    manager.setContainerStartup("u1", unknown, true);
    manager.setContainerReadiness("u1", APP, false);
    manager.setContainerReadiness("u2", APP, true);
    manager.setContainerStartup("u2", APP, true);
    assertThat(goroutine.size()).isZero();
    manager.setPodStatus(pod, generated("m1", false, false));
    assertThat(goroutine.size()).as("the same status again").isZero();
  }

  // ---- updateStatusInternal --------------------------------------------------------------------

  @Test
  void aTerminatingPodsStatusIsQueuedEvenWhenUnchanged() {
    Pod pod =
        new PodBuilder(pod("Always"))
            .editMetadata()
            .withDeletionTimestamp("2020-01-01T00:00:00Z")
            .endMetadata()
            .build();
    api.create(pod);
    manager.setPodStatus(pod, generated("m1", false, false));
    manager.setPodStatus(pod, generated("m1", false, false));
    assertThat(manager.getVersioned("u1").orElseThrow().version()).isEqualTo(2);
  }

  @Test
  void anUnsetRestartPolicyIsTheApiDefaultAlways() {
    for (String unset : new String[] {null, ""}) {
      StatusManager m = new StatusManager(api, api, (p, s) -> false, clock, goroutine);
      Pod pod = pod(unset);
      PodStatus done = generated("m1", false, false);
      named(done, "app").setState(terminated(0, "Completed"));
      m.setPodStatus(pod, done);
      m.setPodStatus(pod, generated("m2", false, false));
      assertThat(m.getPodStatus("u1").orElseThrow().getMessage())
          .as("restart policy %s: running again is allowed", unset)
          .isEqualTo("m2");
    }
  }

  @Test
  void aTerminatedInitContainerCannotRunAgainUnderNever() {
    Pod pod = withInit("Never");
    api.create(pod);
    PodStatus first = generated("m1", false, false);
    first.getInitContainerStatuses().add(initStatus(terminated(0, "Completed")));
    manager.setPodStatus(pod, first);

    PodStatus again = generated("m2", false, false);
    again
        .getInitContainerStatuses()
        .add(initStatus(new ContainerStateBuilder().withNewRunning().endRunning().build()));
    manager.setPodStatus(pod, again);

    assertThat(cached().getMessage()).as("aborted").isEqualTo("m1");
    assertThat(goroutine.size()).as("only the first was queued").isEqualTo(1);
  }

  @Test
  void underNeverOnlyTheTerminatedContainerIsHeldToItsStateEvenIfItFailed() {
    Pod pod = pod("Never");
    PodStatus failed = generated("m1", false, false);
    named(failed, "sidecar").setState(terminated(1, "Error"));
    manager.setPodStatus(pod, failed);

    PodStatus stillFailed = generated("m2", true, false);
    named(stillFailed, "sidecar").setState(terminated(1, "Error"));
    manager.setPodStatus(pod, stillFailed);
    assertThat(cached().getMessage())
        .as("the others may go on running while it stays terminated")
        .isEqualTo("m2");

    manager.setPodStatus(pod, generated("m3", true, true));
    assertThat(cached().getMessage()).as("a failed container does not run again").isEqualTo("m2");
    PodStatus stateless = generated("m4", true, true);
    named(stateless, "sidecar").setState(null);
    manager.setPodStatus(pod, stateless);
    assertThat(cached().getMessage()).as("no state is not terminated").isEqualTo("m2");
  }

  @Test
  void onFailureLetsAContainerThatEndedWithoutAnExitCodeRunAgainOnlyIfItFailed() {
    Pod pod = pod("OnFailure");
    PodStatus noCode = generated("m1", false, false);
    named(noCode, "app")
        .setState(new ContainerStateBuilder().withNewTerminated().endTerminated().build());
    manager.setPodStatus(pod, noCode);
    manager.setPodStatus(pod, generated("m2", false, false));
    assertThat(cached().getMessage())
        .as("no exit code is no failure: it may not run again")
        .isEqualTo("m1");
    // Statuses without a state are not terminated: the next one is free to run.
    PodStatus stateless = generated("m3", false, false);
    stateless.getContainerStatuses().forEach(c -> c.setState(null));
    StatusManager fresh = new StatusManager(api, api, (p, s) -> false, clock, goroutine);
    fresh.setPodStatus(pod, stateless);
    fresh.setPodStatus(pod, generated("m4", false, false));
    assertThat(fresh.getPodStatus("u1").orElseThrow().getMessage()).isEqualTo("m4");
  }

  @Test
  void theStartTimeIsTheApisThenTheGeneratedOneThenNowAndNeverChanges() {
    // No cached status yet: the pod's API status is the old one, and its start time stays.
    Pod known =
        new PodBuilder(pod("Always"))
            .withNewStatus()
            .withStartTime("2019-12-31T23:00:00Z")
            .endStatus()
            .build();
    manager.setPodStatus(known, generated("m1", false, false));
    assertThat(cached().getStartTime()).isEqualTo("2019-12-31T23:00:00Z");

    StatusManager fresh = new StatusManager(api, api, (p, s) -> false, clock, goroutine);
    PodStatus stamped = generated("m1", false, false);
    stamped.setStartTime("2019-12-31T23:30:00.750Z");
    fresh.setPodStatus(pod("Always"), stamped);
    assertThat(fresh.getPodStatus("u1").orElseThrow().getStartTime())
        .as("the generated start time, to the second")
        .isEqualTo("2019-12-31T23:30:00Z");

    StatusManager empty = new StatusManager(api, api, (p, s) -> false, clock, goroutine);
    PodStatus blank = generated("m1", false, false);
    blank.setStartTime("");
    empty.setPodStatus(pod("Always"), blank);
    assertThat(empty.getPodStatus("u1").orElseThrow().getStartTime())
        .isEqualTo("2020-01-01T00:00:00Z");
    clock.step(Duration.ofHours(1));
    PodStatus later = generated("m2", false, false);
    later.setStartTime("2020-01-01T00:59:00Z");
    empty.setPodStatus(pod("Always"), later);
    assertThat(empty.getPodStatus("u1").orElseThrow().getStartTime())
        .isEqualTo("2020-01-01T00:00:00Z");
  }

  // ---- normalizeStatus -------------------------------------------------------------------------

  @Test
  void everyTimestampIsKeptToTheSecondAsTheApiStoresIt() {
    PodStatus s =
        new PodStatusBuilder()
            .withStartTime("2020-01-01T00:00:01.900Z")
            .withConditions(
                new PodConditionBuilder()
                    .withType("Ready")
                    .withStatus("True")
                    .withLastProbeTime("2020-01-01T00:00:02.100Z")
                    .withLastTransitionTime("2020-01-01T00:00:03.500Z")
                    .build())
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("app")
                    .withNewState()
                    .withNewRunning()
                    .withStartedAt("2020-01-01T00:00:04.999Z")
                    .endRunning()
                    .endState()
                    .withNewLastState()
                    .withNewTerminated()
                    .withStartedAt("2020-01-01T00:00:00.250Z")
                    .withFinishedAt("2020-01-01T00:00:00.750Z")
                    .withMessage("bye")
                    .endTerminated()
                    .endLastState()
                    .build())
            .withInitContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("init")
                    .withState(terminated(0, "Completed"))
                    .build())
            .build();
    s.getInitContainerStatuses().get(0).getState().getTerminated().setFinishedAt("not a time");

    PodStatus n = StatusManager.normalizeStatus(withInit("Always"), s);

    assertThat(n.getStartTime()).isEqualTo("2020-01-01T00:00:01Z");
    PodCondition ready = n.getConditions().get(0);
    assertThat(ready.getLastProbeTime()).isEqualTo("2020-01-01T00:00:02Z");
    assertThat(ready.getLastTransitionTime()).isEqualTo("2020-01-01T00:00:03Z");
    ContainerStatus app = n.getContainerStatuses().get(0);
    assertThat(app.getState().getRunning().getStartedAt()).isEqualTo("2020-01-01T00:00:04Z");
    assertThat(app.getLastState().getTerminated().getStartedAt()).isEqualTo("2020-01-01T00:00:00Z");
    assertThat(app.getLastState().getTerminated().getFinishedAt())
        .isEqualTo("2020-01-01T00:00:00Z");
    assertThat(app.getLastState().getTerminated().getMessage()).isEqualTo("bye");
    assertThat(n.getInitContainerStatuses().get(0).getState().getTerminated().getFinishedAt())
        .as("what does not parse is left as it is")
        .isEqualTo("not a time");
  }

  @Test
  void initContainersTakeTheirShareOfTheTerminationMessageBudget() {
    // Two containers and one init container: 12 KiB / 3 = 4096 bytes each.
    String message = "x".repeat(5000);
    PodStatus s =
        new PodStatusBuilder()
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("app")
                    .withNewState()
                    .withNewTerminated()
                    .withMessage(message)
                    .endTerminated()
                    .endState()
                    .build())
            .build();
    PodStatus n = StatusManager.normalizeStatus(withInit("Always"), s);
    assertThat(n.getContainerStatuses().get(0).getState().getTerminated().getMessage())
        .hasSize(4096);
  }

  @Test
  void aMessageIsCutAtTheByteLimitWithoutSplittingACharacter() {
    assertThat(StatusManager.truncateBytes("abcd", 4)).as("exactly at the limit").isEqualTo("abcd");
    assertThat(StatusManager.truncateBytes("abcde", 4)).isEqualTo("abcd");
    // "é" is two bytes: a cut after byte 3 of "aéé" falls inside the second one.
    assertThat(StatusManager.truncateBytes("aéé", 4)).isEqualTo("aé");
    assertThat(StatusManager.truncateBytes("aéé", 3)).isEqualTo("aé");
    assertThat(StatusManager.truncateBytes("éé", 1)).isEmpty();
  }

  // ---- isPodStatusByKubeletEqual ---------------------------------------------------------------

  @Test
  void onlyTheKubeletsOwnConditionsCountWhenComparingStatuses() {
    PodStatus base = generated("m", false, false);
    PodStatus other = generated("m", false, false);
    assertThat(StatusManager.isPodStatusByKubeletEqual(base, other)).isTrue();

    other
        .getConditions()
        .add(new PodConditionBuilder().withType("example.com/lb").withStatus("True").build());
    assertThat(StatusManager.isPodStatusByKubeletEqual(base, other))
        .as("a condition the kubelet does not own")
        .isTrue();

    for (String field : List.of("status", "message", "reason")) {
      PodStatus changed = generated("m", false, false);
      PodCondition ready = changed.getConditions().get(0);
      switch (field) {
        case "status" -> ready.setStatus("True");
        case "message" -> ready.setMessage("containers with unready status: [app]");
        default -> ready.setReason("ContainersNotReady");
      }
      assertThat(StatusManager.isPodStatusByKubeletEqual(base, changed)).as(field).isFalse();
    }

    PodStatus withoutReady = generated("m", false, false);
    withoutReady.getConditions().remove(0);
    assertThat(StatusManager.isPodStatusByKubeletEqual(withoutReady, base))
        .as("a kubelet condition the old status lacks")
        .isFalse();
    PodStatus transitioned = generated("m", false, false);
    transitioned.getConditions().get(0).setLastTransitionTime("2020-01-01T00:00:00Z");
    assertThat(StatusManager.isPodStatusByKubeletEqual(base, transitioned))
        .as("times of the kubelet's conditions are not compared")
        .isTrue();
  }

  // ---- the goroutine ---------------------------------------------------------------------------

  @Test
  void startingTwiceIsAnErrorAndClosingWithoutStartingIsNot() {
    manager.close();
    manager.start();
    assertThatThrownBy(manager::start).isInstanceOf(IllegalStateException.class);
    manager.close();
  }
}
