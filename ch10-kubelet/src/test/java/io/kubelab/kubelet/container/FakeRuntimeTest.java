package io.kubelab.kubelet.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelab.apimachinery.clock.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The fake runtime every kubelet test stands on behaves as its documentation promises, which is how
 * CRI runtimes behave: a restart is a new container ID, a sandbox gets an IP that goes with the
 * last ready sandbox, SIGTERM ends a container with 143 and SIGKILL after the grace period with
 * 137, a running container cannot be removed, {@code GetPods(false)} lists only what runs.
 */
class FakeRuntimeTest {

  private final FakeClock clock = new FakeClock();
  private final FakeRuntime runtime = new FakeRuntime(clock);

  private PodStatus status(String uid) {
    return runtime.getPodStatus(uid, "web", "default");
  }

  private ContainerStatus newest(String uid, String name) {
    return status(uid).findContainerStatusByName(name).orElseThrow();
  }

  @Test
  void sandboxesAreNewestFirstAndTheFirstOneGivesThePodAnIpFromThePodNetwork() {
    ContainerId first = runtime.runPodSandbox("u1", "web", "default", 0);
    runtime.stopPodSandbox(first);
    ContainerId second = runtime.runPodSandbox("u1", "web", "default", 1);
    runtime.runPodSandbox("u2", "db", "default", 0);

    PodStatus web = status("u1");
    assertThat(first).isEqualTo(new ContainerId("fake", "u1-sandbox-0"));
    assertThat(second).isEqualTo(new ContainerId("fake", "u1-sandbox-1"));
    assertThat(web.sandboxStatuses())
        .containsExactly(new SandboxStatus(second, true, 1), new SandboxStatus(first, false, 0));
    assertThat(web.ips())
        .as("a new address after the network was torn down")
        .containsExactly("10.244.0.3");
    assertThat(status("u2").ips()).containsExactly("10.244.0.4");
    assertThat(status("u2").name()).isEqualTo("db");
  }

  @Test
  void aSecondSandboxOfAPodThatHasAnIpKeepsIt() {
    runtime.runPodSandbox("u1", "web", "default", 0);
    runtime.runPodSandbox("u1", "web", "default", 1);
    assertThat(status("u1").ips()).containsExactly("10.244.0.2");
    assertThat(status("u1").sandboxStatuses())
        .extracting(SandboxStatus::ready)
        .containsExactly(true, true);
  }

  @Test
  void podIpsRollOverIntoTheNextSlashTwentyFour() {
    for (int i = 0; i < 251; i++) {
      runtime.runPodSandbox("u" + i, "p" + i, "default", 0);
    }
    assertThat(status("u249").ips()).containsExactly("10.244.0.251");
    assertThat(status("u250").ips()).containsExactly("10.244.1.2");
  }

  @Test
  void aNodesPodCidrGivesItsPodsTheirAddressesUntilItIsFull() {
    runtime.podCidr("10.244.3.0/24");
    for (int i = 0; i < 253; i++) {
      runtime.runPodSandbox("u" + i, "p" + i, "default", 0);
    }
    assertThat(status("u0").ips()).containsExactly("10.244.3.2");
    assertThat(status("u252").ips()).containsExactly("10.244.3.254");
    assertThatThrownBy(() -> runtime.runPodSandbox("u253", "p253", "default", 0))
        .isInstanceOf(ContainerRuntimeException.class)
        .hasMessage("FakeRuntime: no IP left in 10.244.3.0/24 for pod default/p253");
    assertThat(runtime.hasPod("u253")).as("nothing changed").isFalse();

    // a torn-down network gives its address back: the lowest comes first
    runtime.stopPodSandbox(new ContainerId("fake", "u7-sandbox-7"));
    runtime.removePod("u3");
    runtime.runPodSandbox("u300", "p300", "default", 0);
    runtime.runPodSandbox("u301", "p301", "default", 0);
    assertThat(status("u300").ips()).containsExactly("10.244.3.5");
    assertThat(status("u301").ips()).containsExactly("10.244.3.9");
    assertThatThrownBy(() -> runtime.runPodSandbox("u302", "p302", "default", 0))
        .isInstanceOf(ContainerRuntimeException.class);
  }

  @Test
  void aReusedAddressDoesNotUseUpTheNextOne() {
    runtime.podCidr("10.244.3.0/24");
    runtime.runPodSandbox("u0", "p0", "default", 0);
    ContainerId second = runtime.runPodSandbox("u1", "p1", "default", 0);
    runtime.runPodSandbox("u2", "p2", "default", 0);
    runtime.stopPodSandbox(second); // .3 comes back
    runtime.addPod("static", "s", "default", "192.168.0.9"); // not the pod CIDR's: never given out
    runtime.removePod("static");
    runtime.runPodSandbox("u3", "p3", "default", 0);
    runtime.runPodSandbox("u4", "p4", "default", 0);
    assertThat(status("u3").ips()).containsExactly("10.244.3.3");
    assertThat(status("u4").ips()).containsExactly("10.244.3.5");
  }

  @Test
  void aPodCidrThatIsNotAnIpv4SlashTwentyFourIsRefused() {
    for (String bad :
        new String[] {"10.244.3.0/16", "10.244.3.1/24", "fd00::/64", "10.300.0.0/24"}) {
      assertThatThrownBy(() -> runtime.podCidr(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(bad);
    }
    assertThatThrownBy(() -> runtime.podCidr(null)).isInstanceOf(IllegalArgumentException.class);
    runtime.podCidr("10.255.255.0/24");
    runtime.runPodSandbox("u", "p", "default", 0);
    assertThat(status("u").ips()).containsExactly("10.255.255.2");
  }

  @Test
  void theNetworkGoesWithTheLastReadySandboxOnly() {
    runtime.addPod("u1", "web", "default", "10.244.9.9");
    ContainerId older = status("u1").sandboxStatuses().get(0).id();
    ContainerId newer = runtime.runPodSandbox("u1", "web", "default", 1);

    runtime.stopPodSandbox(older);
    assertThat(status("u1").sandboxStatuses())
        .containsExactly(new SandboxStatus(newer, true, 1), new SandboxStatus(older, false, 0));
    assertThat(status("u1").ips()).containsExactly("10.244.9.9");

    runtime.stopPodSandbox(newer);
    assertThat(status("u1").ips()).isEmpty();
    assertThatThrownBy(() -> runtime.stopPodSandbox(new ContainerId("fake", "nope")))
        .isInstanceOf(ContainerRuntimeException.class);
  }

  @Test
  void addPodGivesAReadySandboxWithTheIpsAndIsRefusedTwice() {
    runtime.addPod("u1", "web", "default", "10.0.0.1", "fd00::1");
    PodStatus s = status("u1");
    assertThat(s.ips()).containsExactly("10.0.0.1", "fd00::1");
    assertThat(s.sandboxStatuses())
        .singleElement()
        .satisfies(sb -> assertThat(sb.ready()).isTrue());
    assertThat(s.containerStatuses()).isEmpty();
    assertThat(runtime.hasPod("u1")).isTrue();
    assertThat(runtime.hasPod("u2")).isFalse();
    assertThatThrownBy(() -> runtime.addPod("u1", "web", "default"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRestartIsANewContainerIdAndStatusesListTheNewestFirst() {
    runtime.addPod("u1", "web", "default", "10.0.0.1");
    ContainerId first = runtime.startContainer("u1", "app");
    runtime.crash(first, 0);
    ContainerId created = runtime.createContainer("u1", "app");
    ContainerId other = runtime.createContainer("u1", "sidecar");

    assertThat(first).isEqualTo(new ContainerId("fake", "u1-app-1"));
    assertThat(created).isNotEqualTo(first);
    assertThat(runtime.containerId("u1", "app")).isEqualTo(created);
    assertThat(status("u1").containerStatuses())
        .extracting(ContainerStatus::id)
        .containsExactly(other, created, first);
    assertThat(runtime.config(created).attempt())
        .as("a created container's attempt counts the earlier ones of that name")
        .isEqualTo(1);
    assertThat(runtime.config(other).attempt()).isZero();
    ContainerStatus c = newest("u1", "app");
    assertThat(c.state()).isEqualTo(ContainerState.CREATED);
    assertThat(c.startedAt()).isNull();
    assertThat(c.reason()).isEmpty();
    assertThatThrownBy(() -> runtime.containerId("u1", "db"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anExitedContainerIsReportedCompletedOrErrorWithItsTimes() {
    runtime.addPod("u1", "web", "default", "10.0.0.1");
    ContainerId ok = runtime.startContainer("u1", "ok");
    ContainerId bad = runtime.startContainer("u1", "bad");
    clock.step(Duration.ofSeconds(3));
    runtime.crash(ok, 0);
    runtime.crash(bad, 2);

    ContainerStatus okStatus = newest("u1", "ok");
    assertThat(okStatus.reason()).isEqualTo("Completed");
    assertThat(okStatus.finishedAt()).isEqualTo(okStatus.startedAt().plusSeconds(3));
    assertThat(newest("u1", "bad").reason()).isEqualTo("Error");
    assertThat(newest("u1", "bad").exitCode()).isEqualTo(2);
    assertThat(runtime.startContainer("u1", "running")).isNotNull();
    assertThat(newest("u1", "running").reason()).as("running: no reason").isEmpty();
  }

  @Test
  void aContainerExitsByItselfWhenItsStartHookSaysSo() {
    runtime.addPod("u1", "web", "default", "10.0.0.1");
    runtime.onStart(
        (pod, config) ->
            switch (config.name()) {
              case "oneshot" -> new FakeRuntime.Exit(Duration.ZERO, 0);
              case "crashes" -> new FakeRuntime.Exit(Duration.ofSeconds(5), 1);
              default -> null;
            });
    runtime.startContainer("u1", "oneshot");
    ContainerId crashes = runtime.startContainer("u1", "crashes");
    runtime.startContainer("u1", "server");

    assertThat(newest("u1", "oneshot").state()).isEqualTo(ContainerState.EXITED);
    clock.step(Duration.ofSeconds(4));
    assertThat(newest("u1", "crashes").state()).isEqualTo(ContainerState.RUNNING);
    clock.step(Duration.ofSeconds(1));
    assertThat(newest("u1", "crashes").exitCode()).isEqualTo(1);
    assertThat(newest("u1", "server").state()).isEqualTo(ContainerState.RUNNING);

    // A container stopped before its planned exit keeps the stop's exit code.
    ContainerId again = runtime.startContainer("u1", "crashes");
    runtime.stopContainer(again, 30);
    clock.step(Duration.ofSeconds(5));
    assertThat(newest("u1", "crashes").exitCode()).isEqualTo(143);
    assertThat(crashes).isNotEqualTo(again);
  }

  @Test
  void stopIsSigtermThenSigkillAfterTheGracePeriod() {
    runtime.addPod("u1", "web", "default", "10.0.0.1");
    runtime.onStop(
        id ->
            switch (id.id().split("-")[1]) {
              case "slow" -> Duration.ofSeconds(10);
              case "exact" -> Duration.ofSeconds(5);
              case "quick" -> Duration.ofSeconds(1);
              default -> Duration.ZERO;
            });
    ContainerId now = runtime.startContainer("u1", "now");
    ContainerId slow = runtime.startContainer("u1", "slow");
    ContainerId exact = runtime.startContainer("u1", "exact");
    ContainerId quick = runtime.startContainer("u1", "quick");

    assertThat(runtime.stopContainer(now, 5).toCompletableFuture()).isCompleted();
    CompletableFuture<Void> slowStop = runtime.stopContainer(slow, 5).toCompletableFuture();
    CompletableFuture<Void> exactStop = runtime.stopContainer(exact, 5).toCompletableFuture();
    CompletableFuture<Void> quickStop = runtime.stopContainer(quick, 5).toCompletableFuture();
    assertThat(runtime.stopContainer(slow, 5).toCompletableFuture())
        .as("already stopping: the same wait")
        .isSameAs(slowStop);
    assertThat(newest("u1", "now").exitCode()).isEqualTo(143);

    clock.step(Duration.ofSeconds(1));
    assertThat(quickStop).isCompleted();
    assertThat(newest("u1", "quick").exitCode()).isEqualTo(143);
    assertThat(slowStop).isNotDone();
    clock.step(Duration.ofSeconds(4));
    assertThat(slowStop).isCompleted();
    assertThat(newest("u1", "slow").exitCode()).as("killed at the grace period").isEqualTo(137);
    assertThat(exactStop).isCompleted();
    assertThat(newest("u1", "exact").exitCode())
        .as("exited by itself just at the grace period")
        .isEqualTo(143);

    assertThat(runtime.stopContainer(now, 5).toCompletableFuture())
        .as("stopping an exited container: done at once")
        .isCompleted();
    assertThat(runtime.stops())
        .extracting(FakeRuntime.Stop::id)
        .containsExactly(now, slow, exact, quick, slow, now);
  }

  @Test
  void onlyExitedContainersCanBeRemovedAndRemovedOnesAreGone() {
    runtime.addPod("u1", "web", "default", "10.0.0.1");
    ContainerId app = runtime.startContainer("u1", "app");
    assertThatThrownBy(() -> runtime.removeContainer(app))
        .isInstanceOf(ContainerRuntimeException.class)
        .hasMessageContaining("is running");

    runtime.crash(app, 1);
    runtime.removeContainer(app);
    assertThat(status("u1").containerStatuses()).isEmpty();
    assertThatThrownBy(() -> runtime.removeContainer(app))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> runtime.deleteContainer(app))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> runtime.config(app)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRemovedPodTakesItsContainersAndSandboxesWithIt() {
    runtime.addPod("u1", "web", "default", "10.0.0.1");
    ContainerId sandbox = status("u1").sandboxStatuses().get(0).id();
    ContainerId app = runtime.startContainer("u1", "app");

    runtime.removePod("u1");

    assertThat(runtime.hasPod("u1")).isFalse();
    assertThat(status("u1").containerStatuses()).isEmpty();
    assertThatThrownBy(() -> runtime.config(app)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> runtime.stopPodSandbox(sandbox))
        .isInstanceOf(ContainerRuntimeException.class);
    assertThatThrownBy(() -> runtime.removePod("u1")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void getPodsListsWhatRunsOrWithAllEverythingAndSeesEachChange() {
    runtime.addPod("u1", "web", "default", "10.0.0.1");
    ContainerId app = runtime.startContainer("u1", "app");
    ContainerId done = runtime.startContainer("u1", "done");
    runtime.crash(done, 0);
    runtime.addPod("u2", "idle", "default", "10.0.0.2");
    runtime.setSandboxReady("u2", false);

    List<RuntimePod> running = runtime.getPods(false);
    assertThat(running).as("a pod with nothing running is not listed").hasSize(1);
    assertThat(running.get(0).containers()).extracting(Container::id).containsExactly(app);
    assertThat(running.get(0).sandboxes())
        .extracting(Container::state)
        .containsExactly(ContainerState.RUNNING);

    List<RuntimePod> all = runtime.getPods(true);
    assertThat(all).extracting(RuntimePod::uid).containsExactly("u1", "u2");
    assertThat(all.get(0).containers())
        .extracting(Container::state)
        .containsExactly(ContainerState.RUNNING, ContainerState.EXITED);
    assertThat(all.get(1).sandboxes())
        .extracting(Container::state)
        .containsExactly(ContainerState.EXITED);

    runtime.crash(app, 1);
    runtime.setSandboxReady("u2", true);
    List<RuntimePod> after = runtime.getPods(true);
    assertThat(after.get(0).containers())
        .extracting(Container::state)
        .containsExactly(ContainerState.EXITED, ContainerState.EXITED);
    assertThat(after.get(1).sandboxes())
        .extracting(Container::state)
        .containsExactly(ContainerState.RUNNING);
    assertThat(runtime.getPods(false)).extracting(RuntimePod::uid).containsExactly("u1", "u2");
  }

  @Test
  void injectedFailuresAndExecs() {
    runtime.addPod("u1", "web", "default", "10.0.0.1");
    ContainerId app = runtime.startContainer("u1", "app");
    runtime.onExec((id, cmd) -> new ExecResult(cmd.size(), id + " " + cmd));
    assertThat(runtime.runInContainer(app, List.of("cat", "/tmp/ready"), Duration.ofSeconds(1)))
        .isEqualTo(new ExecResult(2, app + " [cat, /tmp/ready]"));
    runtime.crash(app, 0);
    assertThatThrownBy(() -> runtime.runInContainer(app, List.of("true"), Duration.ofSeconds(1)))
        .isInstanceOf(ContainerRuntimeException.class)
        .hasMessageContaining("is not running");

    runtime.failGetPods(true);
    assertThatThrownBy(() -> runtime.getPods(true)).isInstanceOf(ContainerRuntimeException.class);
    runtime.failGetPods(false);
    assertThat(runtime.getPods(true)).hasSize(1);

    runtime.failPodStatus("u1", true);
    assertThatThrownBy(() -> status("u1")).isInstanceOf(ContainerRuntimeException.class);
    runtime.failPodStatus("u1", false);
    assertThat(status("u1").uid()).isEqualTo("u1");
    assertThat(runtime.podStatusCalls()).isEqualTo(2);
  }
}
