package io.kubelab.kubelet.prober;

import static io.kubelab.kubelet.prober.ProbePods.execProbe;
import static io.kubelab.kubelet.prober.ProbePods.pod;
import static io.kubelab.kubelet.prober.ProbePods.running;
import static io.kubelab.kubelet.prober.ProbePods.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.kubelab.apimachinery.clock.SystemClock;
import io.kubelab.kubelet.container.ContainerId;
import io.kubelab.kubelet.container.ExecResult;
import io.kubelab.kubelet.container.FakeRuntime;
import io.kubelab.kubelet.prober.results.Result;
import io.kubelab.kubelet.prober.results.ResultsManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The probe manager: workers per probe, status folding, forwarding, and scale. */
class ProberManagerTest {

  @Test
  void oneWorkerPerProbeAndDuplicatesAreRefused() {
    Pod pod =
        pod("u1", "Always", execProbe(1, 1, 1, 0), execProbe(1, 1, 1, 0), execProbe(1, 1, 1, 0));
    WorkerTest.Rig rig = new WorkerTest.Rig(1);
    rig.manager.addPod(pod);
    assertThat(rig.manager.workerCount()).isEqualTo(3);
    rig.manager.addPod(pod);
    assertThat(rig.manager.workerCount()).isEqualTo(3);
    assertThat(rig.clock.pendingTimers()).isEqualTo(3);
    rig.manager.removePod(pod);
    assertThat(rig.manager.workerCount()).isZero();
    assertThat(rig.clock.pendingTimers()).isZero();
  }

  @Test
  void startupProbeNeedsTheFeatureGate() {
    WorkerTest.Rig rig = new WorkerTest.Rig(1);
    ProberManager gateOff =
        new ProberManager(
            rig.statusManager,
            rig.readiness,
            rig.liveness,
            rig.startup,
            new Prober(rig.runtime, EventRecorder.NONE),
            rig.clock,
            new Random(1),
            false);
    gateOff.addPod(pod("u1", "Always", null, null, execProbe(1, 1, 1, 0)));
    assertThat(gateOff.workerCount()).isZero();
  }

  @Test
  void invalidProbeIsRejectedNamingTheField() {
    WorkerTest.Rig rig = new WorkerTest.Rig(1);
    assertThatThrownBy(
            () -> rig.manager.addPod(pod("u1", "Always", null, execProbe(1, 2, 1, 0), null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Pod default/web-u1: spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1");
    assertThatThrownBy(
            () -> rig.manager.addPod(pod("u2", "Always", execProbe(0, 1, 1, 0), null, null)))
        .hasMessageContaining("readinessProbe.periodSeconds: Invalid value: 0");
  }

  @Test
  void cleanupPodsStopsWorkersOfUnwantedPods() {
    WorkerTest.Rig rig = new WorkerTest.Rig(1);
    rig.manager.addPod(pod("u1", "Always", execProbe(1, 1, 1, 0), null, null));
    rig.manager.addPod(pod("u2", "Always", execProbe(1, 1, 1, 0), null, null));
    rig.manager.cleanupPods(Set.of("u2"));
    assertThat(rig.manager.hasWorker("u1", "app", ProbeType.READINESS)).isFalse();
    assertThat(rig.manager.hasWorker("u2", "app", ProbeType.READINESS)).isTrue();
  }

  @Test
  void updatePodStatusFoldsInStartedAndReady() {
    Pod pod = pod("u1", "Always", execProbe(1, 1, 1, 100), null, execProbe(1, 1, 1, 100));
    WorkerTest.Rig rig = new WorkerTest.Rig(1);
    rig.runtime.addPod("u1", "web-u1", "default");
    ContainerId id = rig.startContainer(pod, false);
    rig.manager.addPod(pod);

    PodStatus generated = status("Running", running(id, Instant.EPOCH, null));
    rig.manager.updatePodStatus("u1", generated);
    ContainerStatus c = generated.getContainerStatuses().get(0);
    assertThat(c.getStarted()).as("a startup worker exists, no result yet").isFalse();
    assertThat(c.getReady()).as("not decided before start").isNull();

    rig.startup.set(id, Result.SUCCESS, "u1");
    rig.manager.updatePodStatus("u1", generated);
    assertThat(c.getStarted()).isTrue();
    assertThat(c.getReady()).as("readiness worker exists, no result").isFalse();

    rig.readiness.set(id, Result.SUCCESS, "u1");
    rig.manager.updatePodStatus("u1", generated);
    assertThat(c.getReady()).isTrue();
  }

  @Test
  void containersWithoutProbesAreStartedAndReadyWhenRunning() {
    WorkerTest.Rig rig = new WorkerTest.Rig(1);
    ContainerId id = new ContainerId("fake", "x");
    PodStatus generated =
        new PodStatusBuilder()
            .withContainerStatuses(running(id, Instant.EPOCH, null))
            .withInitContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("init")
                    .withNewState()
                    .withNewTerminated()
                    .withExitCode(0)
                    .endTerminated()
                    .endState()
                    .build(),
                new ContainerStatusBuilder()
                    .withName("init2")
                    .withNewState()
                    .withNewTerminated()
                    .withExitCode(2)
                    .endTerminated()
                    .endState()
                    .build())
            .build();
    rig.manager.updatePodStatus("u9", generated);
    assertThat(generated.getContainerStatuses().get(0).getStarted()).isTrue();
    assertThat(generated.getContainerStatuses().get(0).getReady()).isTrue();
    assertThat(generated.getInitContainerStatuses())
        .extracting(ContainerStatus::getReady)
        .containsExactly(true, false);
  }

  @Test
  void readinessChangesReachTheStatusManagerThroughTheForwarder() throws Exception {
    Pod pod = pod("u1", "Always", execProbe(1, 1, 1, 0), null, null);
    WorkerTest.Rig rig = new WorkerTest.Rig(1);
    rig.runtime.addPod("u1", "web-u1", "default");
    ContainerId id = rig.startContainer(pod, true);
    rig.manager.start();
    try {
      rig.manager.addPod(pod);
      rig.tick(); // initial Failure, then the probe's Success
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (rig.statusManager.calls.size() < 2 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(rig.statusManager.calls)
          .containsExactly("ready u1 " + id + " false", "ready u1 " + id + " true");
    } finally {
      rig.manager.close();
    }
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().startsWith("prober-") && t.isAlive());
  }

  private static final int WORKERS = 10_000;

  @Test
  void tenThousandWorkersOnAFakeClockNeedNoThreads() {
    WorkerTest.Rig rig = new WorkerTest.Rig(99);
    int threadsBefore = Thread.activeCount();
    for (int i = 0; i < WORKERS; i++) {
      String uid = "p" + i;
      Pod pod = pod(uid, "Always", execProbe(10, 1, 3, 0), null, null);
      rig.runtime.addPod(uid, "web-" + uid, "default");
      rig.startContainer(pod, true);
      rig.manager.addPod(pod);
    }
    assertThat(Thread.activeCount()).isLessThanOrEqualTo(threadsBefore);
    rig.clock.step(Duration.ofMinutes(1));
    // Period 10 s, first run at a random point of the first period: six runs each in a minute.
    assertThat(rig.execs).hasValue(6 * WORKERS);
    assertThat(rig.readiness.size()).isEqualTo(WORKERS);
    rig.manager.close();
    assertThat(rig.clock.pendingTimers()).isZero();
  }

  @Test
  void tenThousandWorkersOnTwoRealTimerThreads() throws Exception {
    FakeRuntime runtime = new FakeRuntime(new io.kubelab.apimachinery.clock.FakeClock());
    FakeStatusManager statusManager = new FakeStatusManager();
    Set<String> probed = ConcurrentHashMap.newKeySet();
    Set<String> probingThreads = ConcurrentHashMap.newKeySet();
    CountDownLatch allProbed = new CountDownLatch(WORKERS);
    runtime.onExec(
        (id, cmd) -> {
          probingThreads.add(Thread.currentThread().getName());
          if (probed.add(id.id())) {
            allProbed.countDown();
          }
          return new ExecResult(0, "");
        });
    try (SystemClock clock = new SystemClock("prober", 2)) {
      ProberManager manager =
          new ProberManager(
              statusManager,
              new ResultsManager(3 * WORKERS),
              new ResultsManager(),
              new ResultsManager(),
              new Prober(runtime, EventRecorder.NONE),
              clock,
              new Random(5),
              true);
      for (int i = 0; i < WORKERS; i++) {
        String uid = "p" + i;
        Pod pod = pod(uid, "Always", execProbe(1, 1, 3, 0), null, null);
        runtime.addPod(uid, "web-" + uid, "default");
        ContainerId id = runtime.startContainer(uid, "app");
        statusManager.statuses.put(uid, status("Running", running(id, Instant.EPOCH, true)));
        manager.addPod(pod);
      }
      // Every worker's first run falls within one period (1 s) of its creation.
      assertThat(allProbed.await(30, TimeUnit.SECONDS)).isTrue();
      manager.close();
    }
    assertThat(probingThreads)
        .hasSizeLessThanOrEqualTo(2)
        .allMatch(n -> n.startsWith("prober-timer-"));
    assertThat(List.copyOf(Thread.getAllStackTraces().keySet()))
        .noneMatch(t -> t.getName().startsWith("prober-timer-") && t.isAlive());
  }
}
