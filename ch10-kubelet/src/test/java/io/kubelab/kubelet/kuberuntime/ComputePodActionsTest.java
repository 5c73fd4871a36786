package io.kubelab.kubelet.kuberuntime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.kubelet.container.ContainerId;
import io.kubelab.kubelet.container.ContainerState;
import io.kubelab.kubelet.container.ContainerStatus;
import io.kubelab.kubelet.container.FakeRuntime;
import io.kubelab.kubelet.container.PodStatus;
import io.kubelab.kubelet.container.SandboxStatus;
import io.kubelab.kubelet.events.EventSink;
import io.kubelab.kubelet.kuberuntime.RuntimeManager.PodActions;
import io.kubelab.kubelet.kuberuntime.RuntimeManager.ToKill;
import io.kubelab.kubelet.prober.results.Result;
import io.kubelab.kubelet.prober.results.ResultsManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quicktheories.core.Gen;

/**
 * What a sync must do, decided from the pod's spec and the runtime's status alone: upstream {@code
 * kuberuntime_manager_test.go} ({@code TestComputePodActions}, {@code
 * TestComputePodActionsWithInitContainers}) and {@code container/helpers_test.go} ({@code
 * TestShouldContainerBeRestarted}), v1.18.
 */
class ComputePodActionsTest {

  private static final Instant T0 = Instant.parse("2020-03-25T10:00:00Z");
  private static final ContainerId SANDBOX = new ContainerId("fake", "u1-sandbox-0");

  private final ResultsManager liveness = new ResultsManager();
  private final ResultsManager startup = new ResultsManager();
  private final RuntimeManager manager =
      new RuntimeManager(
          new FakeRuntime(new FakeClock()),
          liveness,
          startup,
          8L << 30,
          EventSink.NONE,
          new FakeClock());

  // ---- fixtures --------------------------------------------------------------------------------

  static Container container(String name) {
    return new ContainerBuilder().withName(name).withImage("img/" + name).build();
  }

  static Pod pod(String policy, List<String> inits, List<String> containers) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("web")
        .withNamespace("default")
        .withUid("u1")
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy(policy)
        .withInitContainers(inits.stream().map(ComputePodActionsTest::container).toList())
        .withContainers(containers.stream().map(ComputePodActionsTest::container).toList())
        .endSpec()
        .build();
  }

  static Pod pod(String policy) {
    return pod(policy, List.of(), List.of("app", "sidecar"));
  }

  static Pod withInits(String policy) {
    return pod(policy, List.of("init1", "init2"), List.of("app"));
  }

  static ContainerId id(String name) {
    return new ContainerId("fake", "u1-" + name);
  }

  static ContainerStatus status(String name, ContainerState state, int exitCode, String reason) {
    return new ContainerStatus(
        id(name),
        name,
        state,
        T0,
        state == ContainerState.CREATED ? null : T0.plusSeconds(1),
        state == ContainerState.EXITED ? T0.plusSeconds(2) : null,
        exitCode,
        0,
        reason,
        "");
  }

  static ContainerStatus running(String name) {
    return status(name, ContainerState.RUNNING, 0, "");
  }

  static ContainerStatus exited(String name, int exitCode) {
    return status(name, ContainerState.EXITED, exitCode, exitCode == 0 ? "Completed" : "Error");
  }

  static ContainerStatus unknown(String name) {
    return status(name, ContainerState.UNKNOWN, 0, "");
  }

  static ContainerStatus created(String name) {
    return status(name, ContainerState.CREATED, 0, "");
  }

  /** A runtime status with one ready sandbox (attempt 0) and an IP. */
  static PodStatus ready(ContainerStatus... containers) {
    return new PodStatus(
        "u1",
        "web",
        "default",
        List.of("10.244.0.2"),
        List.of(containers),
        List.of(new SandboxStatus(SANDBOX, true, 0)));
  }

  static PodStatus withSandboxes(
      List<String> ips, List<SandboxStatus> sandboxes, ContainerStatus... containers) {
    return new PodStatus("u1", "web", "default", ips, List.of(containers), sandboxes);
  }

  static PodActions actions(
      boolean killPod,
      boolean createSandbox,
      ContainerId sandbox,
      int attempt,
      String nextInit,
      List<Integer> toStart,
      ToKill... toKill) {
    return new PodActions(
        killPod,
        createSandbox,
        sandbox,
        attempt,
        nextInit == null ? null : container(nextInit),
        toStart,
        List.of(toKill));
  }

  /** Nothing to do: the sandbox stays, nothing starts, nothing is killed. */
  static PodActions keep() {
    return actions(false, false, SANDBOX, 0, null, List.of());
  }

  /** Start these containers in the existing sandbox. */
  static PodActions start(Integer... idx) {
    return actions(false, false, SANDBOX, 0, null, List.of(idx));
  }

  // ---- the table -------------------------------------------------------------------------------

  static Stream<Arguments> containerCases() {
    ContainerId notReady = new ContainerId("fake", "u1-sandbox-1");
    return Stream.of(
        Arguments.of(
            "a new pod: create the sandbox and start every container",
            pod("Always"),
            withSandboxes(List.of(), List.of()),
            actions(true, true, null, 0, null, List.of(0, 1))),
        Arguments.of(
            "every container runs: nothing to do",
            pod("Always"),
            ready(running("app"), running("sidecar")),
            keep()),
        Arguments.of(
            "an unset restart policy is Always: a container that succeeded is restarted",
            pod(null),
            ready(exited("app", 0), running("sidecar")),
            start(0)),
        Arguments.of(
            "Always: a container that exited is restarted, whatever its exit code",
            pod("Always"),
            ready(exited("app", 0), exited("sidecar", 1)),
            start(0, 1)),
        Arguments.of(
            "OnFailure: the failed container is restarted, the succeeded one is not",
            pod("OnFailure"),
            ready(exited("app", 1), exited("sidecar", 0)),
            start(0)),
        Arguments.of(
            "OnFailure: every container succeeded, so the pod is killed",
            pod("OnFailure"),
            ready(exited("app", 0), exited("sidecar", 0)),
            actions(true, false, SANDBOX, 0, null, List.of())),
        Arguments.of(
            "Never: nothing is restarted and with nothing running the pod is killed",
            pod("Never"),
            ready(exited("app", 1), exited("sidecar", 0)),
            actions(true, false, SANDBOX, 0, null, List.of())),
        Arguments.of(
            "Never: one running container keeps the pod",
            pod("Never"),
            ready(running("app"), exited("sidecar", 1)),
            keep()),
        Arguments.of(
            "a container that was only created is started",
            pod("Never"),
            ready(created("app"), running("sidecar")),
            start(0)),
        Arguments.of(
            "a container in unknown state is killed first, then started again",
            pod("Never"),
            ready(unknown("app"), running("sidecar")),
            actions(
                false,
                false,
                SANDBOX,
                0,
                null,
                List.of(0),
                new ToKill(
                    id("app"),
                    "app",
                    "Container is in \"unknown\" state, try killing it before restart"))),
        Arguments.of(
            "a sandbox that is not ready: kill everything, new sandbox (attempt + 1), start all",
            pod("Always"),
            withSandboxes(
                List.of("10.244.0.2"),
                List.of(new SandboxStatus(notReady, false, 1)),
                running("app"),
                exited("sidecar", 0)),
            actions(true, true, notReady, 2, null, List.of(0, 1))),
        Arguments.of(
            "a ready sandbox without an IP is replaced",
            pod("Always"),
            withSandboxes(List.of(), List.of(new SandboxStatus(SANDBOX, true, 0)), running("app")),
            actions(true, true, SANDBOX, 1, null, List.of(0, 1))),
        Arguments.of(
            "two ready sandboxes: both go, a new one comes",
            pod("Always"),
            withSandboxes(
                List.of("10.244.0.2"),
                List.of(new SandboxStatus(notReady, true, 1), new SandboxStatus(SANDBOX, true, 0)),
                running("app"),
                running("sidecar")),
            actions(true, true, notReady, 2, null, List.of(0, 1))),
        Arguments.of(
            "OnFailure with a new sandbox: the containers that succeeded are not started again",
            pod("OnFailure"),
            withSandboxes(
                List.of(),
                List.of(new SandboxStatus(SANDBOX, false, 0)),
                exited("app", 0),
                exited("sidecar", 2)),
            actions(true, true, SANDBOX, 1, null, List.of(1))),
        Arguments.of(
            "OnFailure with a new sandbox: running and never-run containers start again",
            pod("OnFailure"),
            withSandboxes(List.of(), List.of(new SandboxStatus(SANDBOX, false, 0)), running("app")),
            actions(true, true, SANDBOX, 1, null, List.of(0, 1))),
        Arguments.of(
            "Never, sandbox dead after its containers ran: kill it, no new sandbox",
            pod("Never"),
            withSandboxes(
                List.of(), List.of(new SandboxStatus(SANDBOX, false, 0)), exited("app", 0)),
            actions(true, false, SANDBOX, 1, null, List.of())),
        Arguments.of(
            "Never, sandbox dead before any container was created: retry the sandbox",
            pod("Never"),
            withSandboxes(List.of(), List.of(new SandboxStatus(SANDBOX, false, 0))),
            actions(true, true, SANDBOX, 1, null, List.of(0, 1))),
        Arguments.of(
            "Never, no sandbox at all: create the first one",
            pod("Never"),
            withSandboxes(List.of(), List.of(), exited("app", 0)),
            actions(true, true, null, 0, null, List.of(0, 1))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("containerCases")
  void computePodActionsForContainersAndSandboxes(
      String name, Pod pod, PodStatus status, PodActions expected) {
    assertThat(manager.computePodActions(pod, status)).isEqualTo(expected);
  }

  static Stream<Arguments> initCases() {
    ToKill unknownInit =
        new ToKill(
            id("init1"),
            "init1",
            "Init container is in \"unknown\" state, try killing it before restart");
    return Stream.of(
        Arguments.of(
            "no init container ran yet: start the first",
            withInits("Always"),
            ready(),
            actions(false, false, SANDBOX, 0, "init1", List.of())),
        Arguments.of(
            "the first succeeded: start the second",
            withInits("Always"),
            ready(exited("init1", 0)),
            actions(false, false, SANDBOX, 0, "init2", List.of())),
        Arguments.of(
            "Never: init containers that succeed still run one after another",
            withInits("Never"),
            ready(exited("init1", 0)),
            actions(false, false, SANDBOX, 0, "init2", List.of())),
        Arguments.of(
            "one only created, not started: start it",
            withInits("Always"),
            ready(exited("init1", 0), created("init2")),
            actions(false, false, SANDBOX, 0, "init2", List.of())),
        Arguments.of(
            "one is running: wait for it",
            withInits("Always"),
            ready(exited("init1", 0), running("init2")),
            keep()),
        Arguments.of(
            "all succeeded: start the app containers",
            withInits("Always"),
            ready(exited("init1", 0), exited("init2", 0)),
            start(0)),
        Arguments.of(
            "all succeeded and the app runs: nothing to do",
            withInits("Never"),
            ready(exited("init1", 0), exited("init2", 0), running("app")),
            keep()),
        Arguments.of(
            "the first failed, Always: run it again",
            withInits("Always"),
            ready(exited("init1", 1)),
            actions(false, false, SANDBOX, 0, "init1", List.of())),
        Arguments.of(
            "the second failed, OnFailure: run it again",
            withInits("OnFailure"),
            ready(exited("init1", 0), exited("init2", 1)),
            actions(false, false, SANDBOX, 0, "init2", List.of())),
        Arguments.of(
            "one failed, Never: kill the pod",
            withInits("Never"),
            ready(exited("init1", 1)),
            actions(true, false, SANDBOX, 0, null, List.of())),
        Arguments.of(
            "OOM-killed counts as failed, whatever the exit code",
            withInits("Never"),
            ready(status("init1", ContainerState.EXITED, 0, "OOMKilled")),
            actions(true, false, SANDBOX, 0, null, List.of())),
        Arguments.of(
            "unknown counts as failed: kill the pod under Never",
            withInits("Never"),
            ready(unknown("init1")),
            actions(true, false, SANDBOX, 0, null, List.of())),
        Arguments.of(
            "unknown, Always: kill it first, then run it again",
            withInits("Always"),
            ready(unknown("init1")),
            actions(false, false, SANDBOX, 0, "init1", List.of(), unknownInit)),
        Arguments.of(
            "a new sandbox: every init container runs again from the first",
            withInits("Always"),
            withSandboxes(
                List.of(),
                List.of(new SandboxStatus(SANDBOX, false, 0)),
                exited("init1", 0),
                exited("init2", 0),
                running("app")),
            actions(true, true, SANDBOX, 1, "init1", List.of())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("initCases")
  void computePodActionsWithInitContainers(
      String name, Pod pod, PodStatus status, PodActions expected) {
    assertThat(manager.computePodActions(pod, status)).isEqualTo(expected);
  }

  @Test
  void aRunningContainerThatFailsItsLivenessOrStartupProbeIsKilledAndRestarted() {
    liveness.set(id("app"), Result.FAILURE, "u1");
    startup.set(id("sidecar"), Result.FAILURE, "u1");
    PodStatus status = ready(running("app"), running("sidecar"));

    assertThat(manager.computePodActions(pod("Always"), status))
        .isEqualTo(
            actions(
                false,
                false,
                SANDBOX,
                0,
                null,
                List.of(0, 1),
                new ToKill(
                    id("app"), "app", "Container app failed liveness probe, will be restarted"),
                new ToKill(
                    id("sidecar"),
                    "sidecar",
                    "Container sidecar failed startup probe, will be restarted")));
    // Under Never the containers are killed and not restarted; nothing is left, so the pod goes.
    assertThat(manager.computePodActions(pod("Never"), status))
        .isEqualTo(
            actions(
                true,
                false,
                SANDBOX,
                0,
                null,
                List.of(),
                new ToKill(id("app"), "app", "Container app failed liveness probe"),
                new ToKill(id("sidecar"), "sidecar", "Container sidecar failed startup probe")));
  }

  @Test
  void aSuccessfulProbeResultKeepsTheContainer() {
    liveness.set(id("app"), Result.SUCCESS, "u1");
    startup.set(id("app"), Result.SUCCESS, "u1");
    liveness.set(id("sidecar"), Result.FAILURE, "u1");

    assertThat(manager.computePodActions(pod("Never"), ready(running("app"), running("sidecar"))))
        .as("app is kept, so the pod is not killed")
        .isEqualTo(
            actions(
                false,
                false,
                SANDBOX,
                0,
                null,
                List.of(),
                new ToKill(id("sidecar"), "sidecar", "Container sidecar failed liveness probe")));
  }

  // ---- ShouldContainerBeRestarted, as a property -----------------------------------------------

  private static final List<String> POLICIES = List.of("Always", "OnFailure", "Never");
  private static final List<ContainerState> STATES =
      List.of(
          ContainerState.CREATED,
          ContainerState.RUNNING,
          ContainerState.EXITED,
          ContainerState.UNKNOWN);

  /** One container: absent (-1) or in one of the four states, with exit code 0 or 1. */
  private record Shape(int state, int exitCode, boolean livenessFailed) {}

  /**
   * For any restart policy and any mix of container states in a pod whose sandbox is fine, the
   * actions follow upstream's rules: a missing, created or unknown container is started; an exited
   * one as the policy says; a running one that failed its liveness probe is killed, and restarted
   * unless the policy is Never; an unknown one is killed before it starts again; and the pod is
   * killed when nothing is kept running and nothing is to start.
   */
  @Test
  void actionsForAnyMixOfContainerStatesFollowTheRestartPolicy() {
    Gen<Shape> shapes =
        integers()
            .between(-1, 3)
            .zip(
                integers().between(0, 1),
                integers().between(0, 1),
                (s, e, l) -> new Shape(s, e, l == 1));
    qt().withFixedSeed(1018L)
        .withExamples(400)
        .forAll(integers().between(0, 2), lists().of(shapes).ofSizeBetween(1, 4))
        .checkAssert(
            (policyIdx, shapes1) -> {
              String policy = POLICIES.get(policyIdx);
              List<String> names = new ArrayList<>();
              List<ContainerStatus> statuses = new ArrayList<>();
              ResultsManager live = new ResultsManager(100);
              List<Integer> wantStart = new ArrayList<>();
              List<ToKill> wantKill = new ArrayList<>();
              int kept = 0;
              for (int i = 0; i < shapes1.size(); i++) {
                Shape sh = shapes1.get(i);
                String name = "c" + i;
                names.add(name);
                if (sh.state() < 0) {
                  wantStart.add(i);
                  continue;
                }
                ContainerState state = STATES.get(sh.state());
                statuses.add(status(name, state, sh.exitCode(), ""));
                switch (state) {
                  case CREATED -> wantStart.add(i);
                  case UNKNOWN -> {
                    wantStart.add(i);
                    wantKill.add(
                        new ToKill(
                            id(name),
                            name,
                            "Container is in \"unknown\" state, try killing it before restart"));
                  }
                  case EXITED -> {
                    boolean restart =
                        policy.equals("Always")
                            || (policy.equals("OnFailure") && sh.exitCode() != 0);
                    if (restart) {
                      wantStart.add(i);
                    }
                  }
                  case RUNNING -> {
                    if (!sh.livenessFailed()) {
                      kept++;
                      break;
                    }
                    live.set(id(name), Result.FAILURE, "u1");
                    String message = "Container " + name + " failed liveness probe";
                    if (!policy.equals("Never")) {
                      wantStart.add(i);
                      message += ", will be restarted";
                    }
                    wantKill.add(new ToKill(id(name), name, message));
                  }
                }
              }
              RuntimeManager m =
                  new RuntimeManager(
                      new FakeRuntime(new FakeClock()),
                      live,
                      new ResultsManager(),
                      8L << 30,
                      EventSink.NONE,
                      new FakeClock());
              PodActions got =
                  m.computePodActions(
                      pod(policy, List.of(), names),
                      ready(statuses.toArray(ContainerStatus[]::new)));
              assertThat(got)
                  .as("policy %s, containers %s", policy, shapes1)
                  .isEqualTo(
                      new PodActions(
                          kept == 0 && wantStart.isEmpty(),
                          false,
                          SANDBOX,
                          0,
                          null,
                          wantStart,
                          wantKill));
            });
  }

  @Test
  void shouldContainerBeRestartedFollowsTheStateThenThePolicy() {
    Container app = container("app");
    assertThat(RuntimeManager.shouldContainerBeRestarted(app, pod("Never"), ready()))
        .as("never started")
        .isTrue();
    assertThat(RuntimeManager.shouldContainerBeRestarted(app, pod("Always"), ready(running("app"))))
        .as("running")
        .isFalse();
    assertThat(RuntimeManager.shouldContainerBeRestarted(app, pod("Never"), ready(created("app"))))
        .isTrue();
    assertThat(RuntimeManager.shouldContainerBeRestarted(app, pod("Never"), ready(unknown("app"))))
        .isTrue();
    assertThat(
            RuntimeManager.shouldContainerBeRestarted(app, pod("Never"), ready(exited("app", 1))))
        .isFalse();
    assertThat(
            RuntimeManager.shouldContainerBeRestarted(
                app, pod("OnFailure"), ready(exited("app", 0))))
        .isFalse();
    assertThat(
            RuntimeManager.shouldContainerBeRestarted(
                app, pod("OnFailure"), ready(exited("app", 137))))
        .isTrue();
    assertThat(
            RuntimeManager.shouldContainerBeRestarted(app, pod("Always"), ready(exited("app", 0))))
        .isTrue();
  }
}
