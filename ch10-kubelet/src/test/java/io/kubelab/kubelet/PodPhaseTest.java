package io.kubelab.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link PodStatuses#getPhase} and {@link PodStatuses#notRunning}: upstream's tables ({@code
 * TestPodPhaseWithRestartAlways}, {@code ...Never}, {@code ...OnFailure} in {@code
 * kubelet_pods_test.go}), then the init-container rules of {@code getPhase}.
 *
 * <p>A row names one state per container: {@code R} running, {@code S} terminated with exit code 0,
 * {@code F} terminated with -1, {@code W} waiting, {@code WS} waiting after a termination with code
 * 0, {@code WF} waiting after a termination with code 1, {@code ?} a status with no state at all,
 * {@code 0} a status whose state is null, and {@code -} no status.
 */
class PodPhaseTest {

  static Stream<Arguments> upstreamTables() {
    return Stream.of(
        row("Always", "", "- -", "Pending", "waiting"),
        row("Always", "", "R R", "Running", "all running"),
        row("Always", "", "S S", "Running", "all stopped with restart always"),
        row("Always", "", "R S", "Running", "mixed state #1 with restart always"),
        row("Always", "", "R -", "Pending", "mixed state #2 with restart always"),
        row("Always", "", "R W", "Pending", "mixed state #3 with restart always"),
        row("Always", "", "R WS", "Running", "backoff crashloop container with restart always"),
        row("Never", "", "- -", "Pending", "waiting"),
        row("Never", "", "R R", "Running", "all running with restart never"),
        row("Never", "", "S S", "Succeeded", "all succeeded with restart never"),
        row("Never", "", "F F", "Failed", "all failed with restart never"),
        row("Never", "", "R S", "Running", "mixed state #1 with restart never"),
        row("Never", "", "R -", "Pending", "mixed state #2 with restart never"),
        row("Never", "", "R W", "Pending", "mixed state #3 with restart never"),
        row("OnFailure", "", "- -", "Pending", "waiting"),
        row("OnFailure", "", "R R", "Running", "all running with restart onfailure"),
        row("OnFailure", "", "S S", "Succeeded", "all succeeded with restart onfailure"),
        row("OnFailure", "", "F F", "Running", "all failed with restart onfailure"),
        row("OnFailure", "", "R S", "Running", "mixed state #1 with restart onfailure"),
        row("OnFailure", "", "R -", "Pending", "mixed state #2 with restart onfailure"),
        row("OnFailure", "", "R W", "Pending", "mixed state #3 with restart onfailure"),
        row("OnFailure", "", "R WS", "Running", "backoff crashloop with restart onfailure"));
  }

  static Stream<Arguments> moreRules() {
    return Stream.of(
        // Stopped containers: one failure decides for Never, OnFailure restarts it.
        row("Never", "", "S F", "Failed", "one of two failed, never restarted"),
        row("OnFailure", "", "S F", "Running", "one of two failed, restarted"),
        // Waiting after a termination counts as stopped, never as succeeded.
        row("Never", "", "WS WS", "Failed", "both waiting after exit 0 count as stopped"),
        row("OnFailure", "", "WS S", "Running", "stopped, not all succeeded"),
        // A status without any state is unknown: the pod is pending.
        row("Always", "", "R ?", "Pending", "a running container and one of unknown state"),
        row("Never", "", "S ?", "Pending", "a stopped container and one of unknown state"),
        row("Always", "", "R 0", "Pending", "a running container and one without a state"),
        row("Never", "", "S - ?", "Pending", "a stopped container, one unknown, one unreported"),
        row("Always", "", "R - ?", "Pending", "a running container, one unknown, one unreported"),
        // No restart policy is Always.
        row(null, "", "S S", "Running", "unset policy restarts like Always"),
        // Init containers: a running, missing, waiting or state-less one keeps the pod pending.
        row("Always", "R", "W W", "Pending", "init container running"),
        row("Always", "R", "R R", "Pending", "init container running, app containers too"),
        row("Always", "-", "R R", "Pending", "init container without status"),
        row("Always", "W", "R R", "Pending", "init container waiting for its first start"),
        row("Always", "?", "R R", "Pending", "init container of unknown state"),
        row("Always", "0", "R R", "Pending", "init container without a state"),
        // Done init containers (exit 0, or waiting after exit 0) let the app containers decide.
        row("Always", "S S", "R R", "Running", "init containers done"),
        row("Never", "S WS", "S S", "Succeeded", "init containers done, app containers too"),
        // A failed init container fails a pod that is never restarted, whatever else runs.
        row("Never", "S F", "R R", "Failed", "second init container failed"),
        row("Never", "WF", "W W", "Failed", "init container waiting after a failure"),
        row("Never", "S S WF", "- -", "Failed", "third init container failed before"),
        row("OnFailure", "F", "W W", "Pending", "failed init container is retried"),
        row(
            "Always",
            "WF",
            "R R",
            "Running",
            "a failed init container to be retried is not pending"));
  }

  private static Arguments row(
      String policy, String init, String app, String phase, String description) {
    return Arguments.of(policy, init, app, phase, description);
  }

  @ParameterizedTest(name = "{4}")
  @MethodSource("upstreamTables")
  void thePhaseFollowsUpstreamsTables(
      String policy, String init, String app, String phase, String description) {
    assertThat(phaseOf(policy, init, app)).isEqualTo(phase);
  }

  @ParameterizedTest(name = "{4}")
  @MethodSource("moreRules")
  void thePhaseFollowsGetPhasesOtherRules(
      String policy, String init, String app, String phase, String description) {
    assertThat(phaseOf(policy, init, app)).isEqualTo(phase);
  }

  @Test
  void anExitCodeTheRuntimeDidNotReportReadsAsZero() {
    // Go's zero value: a terminated state without exit code is a success.
    PodSpec spec = spec("Never", List.of(), List.of("a"));
    ContainerStatus noCode =
        new ContainerStatusBuilder()
            .withName("a")
            .withState(new ContainerStateBuilder().withNewTerminated().endTerminated().build())
            .build();
    assertThat(PodStatuses.getPhase(spec, List.of(noCode))).isEqualTo("Succeeded");
  }

  @Test
  void notRunningMeansEveryContainerTerminatedOrWaiting() {
    assertThat(PodStatuses.notRunning(List.of())).isTrue();
    assertThat(PodStatuses.notRunning(List.of(status("a", "S"), status("b", "W")))).isTrue();
    assertThat(PodStatuses.notRunning(List.of(status("a", "S"), status("b", "R")))).isFalse();
    assertThat(PodStatuses.notRunning(List.of(status("a", "?"), status("b", "W")))).isFalse();
    assertThat(PodStatuses.notRunning(List.of(status("a", "S"), status("b", "0")))).isFalse();
  }

  @Test
  void aPodWithoutContainersIsPending() {
    for (String policy : List.of("Always", "OnFailure", "Never")) {
      assertThat(PodStatuses.getPhase(spec(policy, List.of(), List.of()), List.of()))
          .as(policy)
          .isEqualTo("Pending");
    }
  }

  private static String phaseOf(String policy, String init, String app) {
    List<String> initNames = new ArrayList<>();
    List<String> appNames = new ArrayList<>();
    List<ContainerStatus> statuses = new ArrayList<>();
    String[] initStates = init.isEmpty() ? new String[0] : init.split(" ");
    for (int i = 0; i < initStates.length; i++) {
      initNames.add("init" + i);
      if (!initStates[i].equals("-")) {
        statuses.add(status("init" + i, initStates[i]));
      }
    }
    String[] appStates = app.split(" ");
    for (int i = 0; i < appStates.length; i++) {
      String name = "container" + (char) ('A' + i);
      appNames.add(name);
      if (!appStates[i].equals("-")) {
        statuses.add(status(name, appStates[i]));
      }
    }
    return PodStatuses.getPhase(spec(policy, initNames, appNames), statuses);
  }

  private static PodSpec spec(String policy, List<String> init, List<String> app) {
    PodSpecBuilder b = new PodSpecBuilder().withNodeName("machine").withRestartPolicy(policy);
    init.forEach(n -> b.addToInitContainers(new ContainerBuilder().withName(n).build()));
    app.forEach(n -> b.addToContainers(new ContainerBuilder().withName(n).build()));
    return b.build();
  }

  private static ContainerStatus status(String name, String code) {
    ContainerStatusBuilder b = new ContainerStatusBuilder().withName(name);
    switch (code) {
      case "R" -> b.withState(new ContainerStateBuilder().withNewRunning().endRunning().build());
      case "S" -> b.withState(terminated(0));
      case "F" -> b.withState(terminated(-1));
      case "W" -> b.withState(waiting());
      case "WS" -> b.withState(waiting()).withLastState(terminated(0));
      case "WF" -> b.withState(waiting()).withLastState(terminated(1));
      case "?" -> b.withState(new ContainerState());
      case "0" -> b.withState(null);
      default -> throw new IllegalArgumentException(code);
    }
    return b.build();
  }

  private static ContainerState terminated(int exitCode) {
    return new ContainerStateBuilder()
        .withNewTerminated()
        .withExitCode(exitCode)
        .endTerminated()
        .build();
  }

  private static ContainerState waiting() {
    return new ContainerStateBuilder().withNewWaiting().endWaiting().build();
  }
}
