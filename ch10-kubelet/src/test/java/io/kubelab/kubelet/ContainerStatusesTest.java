package io.kubelab.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubelab.kubelet.container.ContainerId;
import io.kubelab.kubelet.container.ContainerState;
import io.kubelab.kubelet.container.ContainerStatus;
import io.kubelab.kubelet.container.PodStatus;
import io.kubelab.kubelet.kuberuntime.ReasonCache;
import io.kubelab.kubelet.kuberuntime.SyncResult;
import io.kubelab.kubelet.kuberuntime.SyncResults;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link PodStatuses#convertToApiContainerStatuses}: what the API shows of each container, from the
 * runtime's containers, the previous API status and the reasons of failed starts (upstream {@code
 * convertToAPIContainerStatuses} and {@code convertContainerStatus}, v1.18).
 */
class ContainerStatusesTest {

  private static final Instant T0 = Instant.parse("2020-03-25T10:00:00.750Z");
  private final ReasonCache reasons = new ReasonCache();

  private static Pod pod(String policy, List<Container> containers) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("web")
        .withNamespace("default")
        .withUid("u1")
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy(policy)
        .withContainers(containers)
        .endSpec()
        .build();
  }

  private static Container container(String name) {
    return new ContainerBuilder().withName(name).withImage("img/" + name).build();
  }

  private static ContainerStatus exited(
      String name, String id, int createdSecond, int exitCode, int restarts) {
    return new ContainerStatus(
        new ContainerId("fake", id),
        name,
        ContainerState.EXITED,
        T0.plusSeconds(createdSecond),
        T0.plusSeconds(createdSecond + 1),
        T0.plusSeconds(createdSecond + 2),
        exitCode,
        restarts,
        exitCode == 0 ? "Completed" : "Error",
        exitCode == 0 ? "" : "exit status " + exitCode);
  }

  private static ContainerStatus running(String name, String id, int createdSecond, int restarts) {
    return new ContainerStatus(
        new ContainerId("fake", id),
        name,
        ContainerState.RUNNING,
        T0.plusSeconds(createdSecond),
        T0.plusSeconds(createdSecond + 1),
        null,
        0,
        restarts,
        "",
        "");
  }

  private static PodStatus runtime(ContainerStatus... containers) {
    return new PodStatus("u1", "web", "default", List.of(), List.of(containers), List.of());
  }

  private List<io.fabric8.kubernetes.api.model.ContainerStatus> convert(
      Pod pod,
      PodStatus status,
      List<io.fabric8.kubernetes.api.model.ContainerStatus> previous,
      List<Container> containers,
      boolean hasInit,
      boolean isInit) {
    return PodStatuses.convertToApiContainerStatuses(
        pod, status, previous, containers, hasInit, isInit, reasons);
  }

  @Test
  void containersTheRuntimeDoesNotKnowWaitInCreationOrForInitialisation() {
    List<Container> cs = List.of(container("web"), container("app"));
    Pod pod = pod("Always", cs);
    var creating = convert(pod, runtime(), List.of(), cs, false, false);
    // Sorted by name (SortedContainerStatuses), the image from the spec, never ready.
    assertThat(creating)
        .extracting(s -> s.getName(), s -> s.getImage(), s -> s.getState().getWaiting().getReason())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("app", "img/app", "ContainerCreating"),
            org.assertj.core.groups.Tuple.tuple("web", "img/web", "ContainerCreating"));
    assertThat(creating).allSatisfy(s -> assertThat(s.getRestartCount()).isZero());
    assertThat(creating).allSatisfy(s -> assertThat(s.getReady()).isFalse());
    var initialising = convert(pod, runtime(), List.of(), cs, true, false);
    assertThat(initialising)
        .extracting(s -> s.getState().getWaiting().getReason())
        .containsOnly("PodInitializing");
  }

  @Test
  void anExitedContainerKeepsTheRuntimesReasonMessageAndItsOwnImage() {
    List<Container> cs = List.of(container("a"), container("b"));
    var out =
        convert(
            pod("Never", cs),
            runtime(exited("a", "ca", 0, 0, 0), exited("b", "cb", 0, 2, 0)),
            List.of(),
            cs,
            false,
            false);
    assertThat(out.get(0).getState().getTerminated().getReason()).isEqualTo("Completed");
    assertThat(out.get(0).getState().getTerminated().getMessage()).as("empty: left out").isNull();
    assertThat(out.get(1).getState().getTerminated().getReason()).isEqualTo("Error");
    assertThat(out.get(1).getState().getTerminated().getMessage()).isEqualTo("exit status 2");
    assertThat(out).extracting(s -> s.getImage()).containsExactly("img/a", "img/b");
  }

  @Test
  void initContainerStatusesKeepTheSpecsOrder() {
    List<Container> init = List.of(container("z-first"), container("a-second"));
    Pod pod = pod("Always", List.of(container("app")));
    var out = convert(pod, runtime(), List.of(), init, true, true);
    assertThat(out).extracting(s -> s.getName()).containsExactly("z-first", "a-second");
  }

  @Test
  void aWaitingContainerKeepsItsRestartCountAndLastStateFromThePreviousStatus() {
    List<Container> cs = List.of(container("app"));
    var lastState =
        new ContainerStateBuilder().withNewTerminated().withExitCode(2).endTerminated().build();
    var previous =
        new ContainerStatusBuilder()
            .withName("app")
            .withRestartCount(4)
            .withLastState(lastState)
            .withState(new ContainerStateBuilder().withNewWaiting().endWaiting().build())
            .build();
    var out = convert(pod("Always", cs), runtime(), List.of(previous), cs, false, false);
    assertThat(out.get(0).getRestartCount()).isEqualTo(4);
    assertThat(out.get(0).getLastState()).isEqualTo(lastState);
    assertThat(out.get(0).getState().getWaiting().getReason()).isEqualTo("ContainerCreating");
  }

  @Test
  void aTerminatedPreviousStatusIsNotUpdatedWhenTheRuntimeForgotTheContainer() {
    List<Container> cs = List.of(container("app"));
    var previous =
        new ContainerStatusBuilder()
            .withName("app")
            .withImage("img/app")
            .withContainerID("fake://gone")
            .withRestartCount(1)
            .withState(
                new ContainerStateBuilder()
                    .withNewTerminated()
                    .withExitCode(0)
                    .endTerminated()
                    .build())
            .build();
    var out = convert(pod("Never", cs), runtime(), List.of(previous), cs, false, false);
    assertThat(out).containsExactly(previous);
  }

  @Test
  void theNewestContainerGivesTheStateAndTheOneBeforeItTheLastState() {
    List<Container> cs = List.of(container("app"));
    // Listed oldest first on purpose: the kubelet sorts by creation time, newest first.
    PodStatus status =
        runtime(
            exited("app", "c0", 0, 1, 0),
            exited("app", "c1", 10, 2, 1),
            running("app", "c2", 20, 2));
    var out = convert(pod("Always", cs), status, List.of(), cs, false, false);
    assertThat(out).hasSize(1);
    var s = out.get(0);
    assertThat(s.getContainerID()).isEqualTo("fake://c2");
    assertThat(s.getRestartCount()).isEqualTo(2);
    assertThat(s.getImage()).isEqualTo("img/app");
    assertThat(s.getState().getRunning().getStartedAt()).isEqualTo("2020-03-25T10:00:21Z");
    var last = s.getLastState().getTerminated();
    assertThat(last.getContainerID())
        .as("the second newest, not the oldest")
        .isEqualTo("fake://c1");
    assertThat(last.getExitCode()).isEqualTo(2);
    assertThat(last.getReason()).isEqualTo("Error");
    assertThat(last.getMessage()).isEqualTo("exit status 2");
    // metav1.Time is serialised with whole seconds.
    assertThat(last.getStartedAt()).isEqualTo("2020-03-25T10:00:11Z");
    assertThat(last.getFinishedAt()).isEqualTo("2020-03-25T10:00:12Z");
  }

  @Test
  void aCreatedContainerReadsAsTerminatedAndAnUnknownOneAsWaiting() {
    List<Container> cs = List.of(container("a"), container("b"));
    ContainerStatus created =
        new ContainerStatus(
            new ContainerId("fake", "ca"),
            "a",
            ContainerState.CREATED,
            T0,
            null,
            null,
            0,
            0,
            "",
            "");
    ContainerStatus unknown =
        new ContainerStatus(
            new ContainerId("fake", "cb"),
            "b",
            ContainerState.UNKNOWN,
            T0,
            null,
            null,
            0,
            0,
            "",
            "");
    var out = convert(pod("Never", cs), runtime(created, unknown), List.of(), cs, false, false);
    var a = out.get(0).getState().getTerminated();
    assertThat(a.getExitCode()).isZero();
    assertThat(a.getStartedAt()).as("never started").isNull();
    assertThat(a.getReason()).as("an empty reason is left out").isNull();
    assertThat(a.getMessage()).isNull();
    assertThat(out.get(1).getState().getWaiting()).isNotNull();
    assertThat(out.get(1).getState().getWaiting().getReason()).isNull();
    assertThat(out.get(1).getContainerID()).isEqualTo("fake://cb");
  }

  @Test
  void aContainerThatFailedToRestartWaitsWithTheReasonAndItsLastRunBecomesTheLastState() {
    List<Container> cs = List.of(container("app"), container("ok"));
    Pod pod = pod("Always", cs);
    reasons.update(
        "u1",
        SyncResults.of(
            SyncResult.fail(
                SyncResult.Action.START_CONTAINER,
                "app",
                SyncResult.ERR_CRASH_LOOP_BACK_OFF,
                "back-off 10s restarting failed container"),
            SyncResult.ok(SyncResult.Action.START_CONTAINER, "ok")));
    PodStatus status = runtime(exited("app", "c1", 0, 1, 3), running("ok", "c2", 0, 0));
    var out = convert(pod, status, List.of(), cs, false, false);
    var app = out.get(0);
    assertThat(app.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
    assertThat(app.getState().getWaiting().getMessage())
        .isEqualTo("back-off 10s restarting failed container");
    assertThat(app.getLastState().getTerminated().getContainerID()).isEqualTo("fake://c1");
    assertThat(out.get(1).getState().getRunning()).as("no reason cached").isNotNull();
  }

  @Test
  void aReasonIsIgnoredForAContainerThatWillNotBeRestarted() {
    List<Container> cs = List.of(container("app"));
    reasons.update(
        "u1",
        SyncResults.of(
            SyncResult.fail(SyncResult.Action.START_CONTAINER, "app", "RunContainerError", "x")));
    PodStatus status = runtime(exited("app", "c1", 0, 1, 0));
    var never = convert(pod("Never", cs), status, List.of(), cs, false, false);
    assertThat(never.get(0).getState().getTerminated().getExitCode()).isEqualTo(1);
    assertThat(never.get(0).getLastState()).isNull();
  }

  @Test
  void aCompletedInitContainerIsNotRestartedWhateverTheReasonCacheSays() {
    List<Container> init = List.of(container("setup"), container("migrate"));
    Pod pod = pod("Always", List.of(container("app")));
    reasons.update(
        "u1",
        SyncResults.of(
            SyncResult.fail(SyncResult.Action.START_CONTAINER, "setup", "RunContainerError", "a"),
            SyncResult.fail(
                SyncResult.Action.START_CONTAINER, "migrate", "CrashLoopBackOff", "b")));
    PodStatus status = runtime(exited("setup", "i1", 0, 0, 0), exited("migrate", "i2", 5, 1, 0));
    var out = convert(pod, status, List.of(), init, true, true);
    assertThat(out.get(0).getState().getTerminated()).as("setup done").isNotNull();
    assertThat(out.get(1).getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
    assertThat(out.get(1).getLastState().getTerminated().getExitCode()).isEqualTo(1);
  }

  @Test
  void aWaitingStatusWithAReasonKeepsTheLastStateItHad() {
    // The container never ran in this runtime: the default waiting state is replaced by the
    // reason, and there is no terminated state to move into lastState.
    List<Container> cs = List.of(container("app"));
    reasons.update(
        "u1",
        SyncResults.of(
            SyncResult.fail(
                SyncResult.Action.START_CONTAINER, "app", "ErrImagePull", "pull failed")));
    var out = convert(pod("Always", cs), runtime(), List.of(), cs, false, false);
    assertThat(out.get(0).getState().getWaiting().getReason()).isEqualTo("ErrImagePull");
    assertThat(out.get(0).getLastState()).isNull();
    List<String> names = new ArrayList<>();
    out.forEach(s -> names.add(s.getName()));
    assertThat(names).containsExactly("app");
  }
}
