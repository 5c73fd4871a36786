package io.kubelab.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.kubelet.config.PodUpdate;
import io.kubelab.kubelet.container.ContainerId;
import io.kubelab.kubelet.container.ContainerState;
import io.kubelab.kubelet.container.FakeRuntime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The sync loop's inputs and housekeeping, driven one at a time (upstream {@code
 * syncLoopIteration}, {@code HandlePodRemoves}, {@code HandlePodCleanups}, {@code Run}): what each
 * input does to the runtime and to the API, and that a failure in one never stops the loop.
 */
class KubeletSyncLoopTest {

  private static Pod pod(String name) {
    return Fixtures.pod(name).uid("u-" + name).build();
  }

  /** A rig whose pod source is the test itself: {@code send} delivers any update. */
  private static final class Scripted implements AutoCloseable {
    final AtomicReference<Consumer<PodUpdate>> source = new AtomicReference<>();
    final KubeletRig rig =
        new KubeletRig(
            KubeletRig.node(),
            b ->
                b.podSource(
                    u -> {
                      source.set(u);
                      return () -> source.set(null);
                    }));

    void send(PodUpdate.Op op, Pod... pods) {
      source.get().accept(new PodUpdate(op, List.of(pods), PodUpdate.API_SOURCE));
    }

    @Override
    public void close() {
      rig.close();
    }
  }

  @Test
  void aSnapshotUpdateIsNotSupportedAndChangesNothing() {
    try (Scripted s = new Scripted()) {
      s.send(PodUpdate.Op.SET, pod("web"));
      s.rig.runSeconds(3);
      assertThat(s.rig.kubelet.podManager().getPods()).isEmpty();
      assertThat(s.rig.runtime.hasPod("u-web")).isFalse();
      // The loop goes on: the next update is served.
      s.send(PodUpdate.Op.ADD, pod("web"));
      s.rig.runSeconds(3);
      assertThat(s.rig.runtime.hasPod("u-web")).isTrue();
    }
  }

  @Test
  void aPodRemovedFromTheSourceIsForgottenAndItsContainersKilledWithItsGracePeriod() {
    try (Scripted s = new Scripted()) {
      Pod web =
          new PodBuilder(pod("web"))
              .editSpec()
              .withTerminationGracePeriodSeconds(7L)
              .endSpec()
              .build();
      web.getSpec()
          .getContainers()
          .get(0)
          .setReadinessProbe(
              new ProbeBuilder().withNewExec().withCommand("ready").endExec().build());
      s.send(PodUpdate.Op.ADD, web);
      s.rig.runSeconds(3);
      ContainerId app = s.rig.runtime.containerId("u-web", "app");
      assertThat(s.rig.kubelet.probeManager().workerCount()).isEqualTo(1);
      s.rig.runSeconds(12); // the readiness probe's first period
      assertThat(s.rig.kubelet.statusManager().getPodStatus("u-web"))
          .hasValueSatisfying(
              st ->
                  assertThat(st.getConditions())
                      .filteredOn(c -> c.getType().equals("Ready"))
                      .extracting(c -> c.getStatus())
                      .containsExactly("True"));
      s.send(PodUpdate.Op.REMOVE, web);
      s.rig.runSeconds(1);
      assertThat(s.rig.kubelet.podManager().getPods()).isEmpty();
      assertThat(s.rig.kubelet.podWorkerBusy("u-web")).isFalse();
      assertThat(s.rig.runtime.stops()).containsExactly(new FakeRuntime.Stop(app, 7));
      assertThat(s.rig.kubelet.probeManager().workerCount()).isZero();
      // Removing a pod the runtime never ran is harmless.
      s.send(PodUpdate.Op.REMOVE, pod("never-ran"));
      s.rig.runSeconds(3);
      assertThat(s.rig.runtime.stops()).hasSize(1);
      // Housekeeping forgets the status of a pod the source no longer has.
      assertThat(s.rig.kubelet.statusManager().getPodStatus("u-web")).isEmpty();
    }
  }

  private static Pod probed(String name, String restartPolicy) {
    Pod p = new PodBuilder(pod(name)).editSpec().withRestartPolicy(restartPolicy).endSpec().build();
    p.getSpec()
        .getContainers()
        .get(0)
        .setReadinessProbe(new ProbeBuilder().withNewExec().withCommand("ready").endExec().build());
    return p;
  }

  @Test
  void housekeepingStopsTheProbesOfAPodThatFailed() {
    try (KubeletRig rig = new KubeletRig()) {
      rig.runtime.onStart((uid, c) -> new FakeRuntime.Exit(Duration.ofSeconds(3), 1));
      rig.api.create(probed("once", "Never"));
      rig.runSeconds(1);
      assertThat(rig.kubelet.probeManager().workerCount()).isEqualTo(1);
      rig.runSeconds(8);
      assertThat(rig.phase("once")).isEqualTo("Failed");
      assertThat(rig.kubelet.activePods()).isEmpty();
      assertThat(rig.kubelet.probeManager().workerCount()).isZero();
    }
  }

  @Test
  void anEvictionWaitingBehindABusyWorkerGivesUpAfterTenSeconds() {
    AtomicReference<String> available = new AtomicReference<>("4Gi");
    AtomicReference<KubeletRig> self = new AtomicReference<>();
    try (KubeletRig rig =
        new KubeletRig(
            KubeletRig.node(),
            b ->
                b.summaryProvider(
                    u -> KubeletTest.summary(self.get(), available.get(), java.util.Map.of())))) {
      self.set(rig);
      rig.runtime.onStop(id -> Duration.ofHours(1)); // ignores SIGTERM
      rig.api.create(pod("hog"));
      rig.runSeconds(5);
      rig.api.delete("hog", 120); // the worker is busy killing it for two minutes
      rig.runSeconds(1);
      available.set("50Mi");
      rig.runSeconds(9);
      assertThat(rig.api.events("ExceededGracePeriod")).isEmpty();
      rig.runSeconds(12);
      // killPodNow: at least 10 s (a hard threshold's grace period is 0), then the event.
      assertThat(rig.api.events("ExceededGracePeriod"))
          .first()
          .isEqualTo("hog: Container runtime did not kill the pod within specified grace period.");
    }
  }

  @Test
  void housekeepingThatCannotListTheRuntimesPodsKillsNothingAndTriesAgainAtTheNextTick() {
    try (KubeletRig rig = new KubeletRig()) {
      rig.runtime.addPod("u-ghost", "ghost", "default");
      ContainerId ghost = rig.runtime.startContainer("u-ghost", "app");
      rig.runtime.failGetPods(true);
      rig.runSeconds(5);
      assertThat(rig.runtime.stops()).isEmpty();
      rig.runtime.failGetPods(false);
      rig.runSeconds(2);
      assertThat(rig.runtime.stops()).containsExactly(new FakeRuntime.Stop(ghost, 2));
    }
  }

  @Test
  void anOrphanIsKilledOnceWhileItsKillIsUnderWay() {
    try (KubeletRig rig = new KubeletRig()) {
      rig.runtime.onStop(id -> Duration.ofSeconds(60)); // ignores SIGTERM: killed after 2 s
      rig.runtime.addPod("u-ghost", "ghost", "default");
      ContainerId ghost = rig.runtime.startContainer("u-ghost", "app");
      // Housekeeping runs every 2 s; the kill of the first takes the minimum grace period.
      rig.runSeconds(3);
      assertThat(rig.runtime.stops()).containsExactly(new FakeRuntime.Stop(ghost, 2));
      rig.runSeconds(10);
      assertThat(rig.runtime.stops()).hasSize(1);
      assertThat(rig.runtime.getPods(false)).isEmpty();
    }
  }

  @Test
  void aKubeletStartsOnce() {
    try (KubeletRig rig =
        new KubeletRig(
            KubeletRig.node(),
            b ->
                b.evictionConfig(io.kubelab.kubelet.eviction.EvictionConfig.defaults())
                    .startupProbeEnabled(true)
                    .syncFrequency(Kubelet.DEFAULT_SYNC_FREQUENCY)
                    .deviceManager(null)
                    .executors(KubeletExecutors.inline()))) {
      assertThat(rig.kubelet.nodeName()).isEqualTo("node-1");
      assertThatThrownBy(rig.kubelet::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("Kubelet node-1 already started");
    }
  }

  @Test
  void closeStopsEverythingEvenWhenOneComponentFailsToStop() {
    KubeletRig rig =
        new KubeletRig(
            KubeletRig.node(),
            b ->
                b.podSource(
                    u ->
                        () -> {
                          throw new IllegalStateException("watch already closed");
                        }));
    rig.kubelet.handlePodAdditions(List.of(probed("web", "Always")));
    rig.runSeconds(3);
    assertThat(rig.kubelet.probeManager().workerCount()).isEqualTo(1);
    rig.close();
    assertThat(rig.clock.pendingTimers()).as("probe workers stopped too").isZero();
  }

  /**
   * Upstream {@code cleanUpContainersInPod} after a CONTAINER_DIED event: the dead instances of
   * that container beyond the newest one ({@code minDeadContainerInPod}) are removed, and only of
   * that container.
   */
  @Test
  void whenAContainerDiesOnlyItsNewestDeadInstanceIsKept() {
    try (KubeletRig rig = new KubeletRig()) {
      rig.runtime.onStart(
          (uid, c) -> new FakeRuntime.Exit(Duration.ofSeconds(c.name().equals("fast") ? 1 : 7), 1));
      rig.api.create(
          Fixtures.pod("crash").uid("u-crash").container("fast").container("slow").build());
      // Until a second and a half after "fast" last died (at 3:00): the relist has seen it die.
      rig.run(Duration.ofMillis(181_500));

      var statuses = rig.kubelet.runtimeStatus("u-crash").containerStatuses();
      for (String name : List.of("fast", "slow")) {
        assertThat(statuses)
            .as(name)
            .filteredOn(cs -> cs.name().equals(name) && cs.state() == ContainerState.EXITED)
            .hasSize(1);
        assertThat(KubeletTest.status(rig.pod("crash"), name).getRestartCount())
            .as(name)
            .isGreaterThan(1);
      }
    }
  }
}
