package io.kubelab.kubelet.prober;

import static io.kubelab.kubelet.prober.ProbePods.execProbe;
import static io.kubelab.kubelet.prober.ProbePods.pod;
import static io.kubelab.kubelet.prober.ProbePods.running;
import static io.kubelab.kubelet.prober.ProbePods.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.kubelab.apimachinery.clock.SystemClock;
import io.kubelab.kubelet.container.ContainerId;
import io.kubelab.kubelet.container.ExecResult;
import io.kubelab.kubelet.container.FakeRuntime;
import io.kubelab.kubelet.prober.results.Result;
import io.kubelab.kubelet.prober.results.ResultsManager;
import io.kubelab.kubelet.util.NamedThreads;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
            Runnable::run,
            new Random(1),
            false);
    gateOff.addPod(pod("u1", "Always", null, null, execProbe(1, 1, 1, 0)));
    assertThat(gateOff.workerCount()).isZero();
  }

  @Test
  void zeroSettingsMeanTheDefaultsAsSetDefaultsProbe() {
    WorkerTest.Rig rig = new WorkerTest.Rig(1);
    Probe zeros = execProbe(0, 0, 0, 0);
    zeros.setTimeoutSeconds(0);
    rig.manager.addPod(pod("u1", "Always", zeros, null, null));
    Worker w = rig.manager.worker("u1", "app", ProbeType.READINESS);
    assertThat(ProbeSpecs.periodSeconds(w.spec())).isEqualTo(10);
    assertThat(ProbeSpecs.timeoutSeconds(w.spec())).isEqualTo(1);
    assertThat(ProbeSpecs.successThreshold(w.spec())).isEqualTo(1);
    assertThat(ProbeSpecs.failureThreshold(w.spec())).isEqualTo(3);
  }

  @Test
  void invalidProbesAreRejectedWithTheApiServersMessagesAndNothingIsRegistered() {
    WorkerTest.Rig rig = new WorkerTest.Rig(1);
    assertThatThrownBy(
            () -> rig.manager.addPod(pod("u1", "Always", null, execProbe(1, 2, 1, 0), null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Pod default/web-u1: spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1");
    // A valid readiness probe first, then an invalid startup probe: neither gets a worker.
    Probe negative = execProbe(-5, 1, 1, -1);
    Probe noHandler = new io.fabric8.kubernetes.api.model.ProbeBuilder().build();
    assertThatThrownBy(
            () ->
                rig.manager.addPod(pod("u2", "Always", execProbe(1, 1, 1, 0), negative, noHandler)))
        .hasMessage(
            "[Pod default/web-u2: spec.containers[0].startupProbe: Required value: must specify a handler type, "
                + "Pod default/web-u2: spec.containers[0].livenessProbe.initialDelaySeconds: Invalid value: -1: must be greater than or equal to 0, "
                + "Pod default/web-u2: spec.containers[0].livenessProbe.periodSeconds: Invalid value: -5: must be greater than or equal to 0]");
    assertThat(rig.manager.workerCount()).isZero();
    assertThat(rig.clock.pendingTimers()).isZero();
  }

  @Test
  void everyDurationAndThresholdMustBeNonNegative() {
    // validateProbe: ValidateNonnegativeField on each of the five numbers.
    WorkerTest.Rig rig = new WorkerTest.Rig(1);
    Probe negative = execProbe(1, -2, -3, 0);
    negative.setTimeoutSeconds(-4);
    String field = "Pod default/web-u1: spec.containers[0].readinessProbe.";
    assertThatThrownBy(() -> rig.manager.addPod(pod("u1", "Always", negative, null, null)))
        .hasMessage(
            "["
                + field
                + "timeoutSeconds: Invalid value: -4: must be greater than or equal to 0, "
                + field
                + "successThreshold: Invalid value: -2: must be greater than or equal to 0, "
                + field
                + "failureThreshold: Invalid value: -3: must be greater than or equal to 0]");
    assertThat(rig.manager.workerCount()).isZero();
  }

  @Test
  void aProbeWithTwoHandlersIsRefused() {
    WorkerTest.Rig rig = new WorkerTest.Rig(1);
    Probe both = execProbe(1, 1, 1, 0);
    both.setTcpSocket(
        new io.fabric8.kubernetes.api.model.TCPSocketAction(null, new IntOrString(80)));
    assertThatThrownBy(() -> rig.manager.addPod(pod("u1", "Always", both, null, null)))
        .hasMessage(
            "Pod default/web-u1: spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type");
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
  void readinessAndStartupChangesReachTheStatusManagerOnlyWhileStarted() {
    Pod pod = pod("u1", "Always", execProbe(1, 1, 1, 0), null, execProbe(1, 1, 1, 0));
    WorkerTest.Rig rig = new WorkerTest.Rig(1);
    rig.runtime.addPod("u1", "web-u1", "default");
    ContainerId id = rig.startContainer(pod, false);
    rig.manager.start();
    rig.manager.addPod(pod);
    rig.tick(); // both publish their initial value, then the startup probe passes
    assertThat(rig.statusManager.calls)
        .containsExactlyInAnyOrder(
            "started u1 " + id + " false",
            "started u1 " + id + " true",
            "ready u1 " + id + " false");
    assertThat(rig.statusManager.calls)
        .filteredOn(c -> c.startsWith("started"))
        .containsExactly("started u1 " + id + " false", "started u1 " + id + " true");
    rig.statusManager.calls.clear();

    rig.statusManager.statuses.put("u1", status("Running", running(id, rig.clock.now(), true)));
    rig.tick();
    assertThat(rig.statusManager.calls).containsExactly("ready u1 " + id + " true");

    rig.manager.close();
    rig.readiness.set(id, Result.FAILURE, "u1");
    assertThat(rig.statusManager.calls).as("closed: not forwarded").hasSize(1);
    assertThat(rig.readiness.updates()).as("still published").hasSize(1);
  }

  private static final int WORKERS = 200;

  @Test
  void manyWorkersOnAFakeClockNeedNoThreadAndEachProbesOncePerPeriod() {
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
  @Timeout(60)
  void aHangingProbeHoldsAProbeThreadNeverTheClocksTimerThread() throws Exception {
    FakeRuntime runtime = new FakeRuntime(new io.kubelab.apimachinery.clock.FakeClock());
    FakeStatusManager statusManager = new FakeStatusManager();
    CountDownLatch hung = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch otherProbed = new CountDownLatch(1);
    List<String> probingThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
    runtime.onExec(
        (id, cmd) -> {
          probingThreads.add(Thread.currentThread().getName());
          if (id.id().startsWith("hangs")) {
            hung.countDown();
            await(release);
          } else {
            otherProbed.countDown();
          }
          return new ExecResult(0, "");
        });
    try (SystemClock clock = new SystemClock("prober-test-clock", 1);
        NamedThreads probes = new NamedThreads("prober-test", 4)) {
      ProberManager manager =
          new ProberManager(
              statusManager,
              new ResultsManager(),
              new ResultsManager(),
              new ResultsManager(),
              new Prober(runtime, EventRecorder.NONE),
              clock,
              probes,
              new Random(5),
              true);
      manager.start();
      for (String uid : List.of("hangs", "fine")) {
        Pod pod = pod(uid, "Always", execProbe(1, 1, 3, 0), null, null);
        runtime.addPod(uid, "web-" + uid, "default");
        ContainerId id = runtime.startContainer(uid, "app");
        statusManager.statuses.put(uid, status("Running", running(id, Instant.EPOCH, true)));
        manager.addPod(pod);
        if (uid.equals("hangs")) {
          assertThat(hung.await(30, TimeUnit.SECONDS)).isTrue();
        }
      }
      // The one timer thread is free: the other worker's ticks still fire and probe.
      assertThat(otherProbed.await(30, TimeUnit.SECONDS)).isTrue();
      manager.close();
      release.countDown();
    }
    assertThat(probingThreads).allMatch(n -> n.startsWith("prober-test-"));
    // NamedThreads.close() and SystemClock.close() join their threads before returning.
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().startsWith("prober-test") && t.isAlive());
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- model-based: workers against a set of keys ---------------------------------------------

  /** op: 0 add pod i, 1 remove pod i, 2 keep only pods in mask, 3 a second passes. */
  record Op(int kind, int pod, int mask) {}

  /** Pod i has one container per bit of probes[i] (three bits: startup, readiness, liveness). */
  private static Pod modelPod(int i, int probeBits) {
    Probe exec = execProbe(1, 1, 1, 0);
    return pod(
        "m" + i,
        "Always",
        (probeBits & 2) != 0 ? exec : null,
        (probeBits & 4) != 0 ? exec : null,
        (probeBits & 1) != 0 ? exec : null);
  }

  @Test
  void workersMatchAReferenceSetUnderRandomAddsRemovesAndCleanups() {
    qt().withFixedSeed(10_000L)
        .withExamples(100)
        .forAll(
            lists().of(integers().between(0, 7)).ofSize(4),
            lists()
                .of(
                    integers()
                        .between(0, 3)
                        .zip(integers().between(0, 3), integers().between(0, 15), Op::new))
                .ofSizeBetween(1, 40))
        .checkAssert(
            (probeBits, ops) -> {
              WorkerTest.Rig rig = new WorkerTest.Rig(3);
              java.util.Set<String> model = new java.util.TreeSet<>();
              for (Op op : ops) {
                Pod pod = modelPod(op.pod(), probeBits.get(op.pod()));
                switch (op.kind()) {
                  case 0 -> {
                    rig.manager.addPod(pod);
                    boolean exists = false;
                    for (String t : List.of("S", "R", "L")) {
                      exists |= model.contains("m" + op.pod() + "/" + t);
                    }
                    if (!exists) { // a duplicate stops the walk at its first probe
                      int bits = probeBits.get(op.pod());
                      if ((bits & 1) != 0) model.add("m" + op.pod() + "/S");
                      if ((bits & 2) != 0) model.add("m" + op.pod() + "/R");
                      if ((bits & 4) != 0) model.add("m" + op.pod() + "/L");
                    }
                  }
                  case 1 -> {
                    rig.manager.removePod(pod);
                    model.removeIf(k -> k.startsWith("m" + op.pod() + "/"));
                  }
                  case 2 -> {
                    java.util.Set<String> keep = new java.util.HashSet<>();
                    for (int i = 0; i < 4; i++) {
                      if ((op.mask() & (1 << i)) != 0) {
                        keep.add("m" + i);
                      }
                    }
                    rig.manager.cleanupPods(keep);
                    model.removeIf(k -> !keep.contains(k.substring(0, k.indexOf('/'))));
                  }
                  default -> rig.tick();
                }
                java.util.Set<String> actual = new java.util.TreeSet<>();
                for (int i = 0; i < 4; i++) {
                  for (ProbeType t : ProbeType.values()) {
                    if (rig.manager.hasWorker("m" + i, "app", t)) {
                      actual.add("m" + i + "/" + t.toString().charAt(0));
                    }
                  }
                }
                assertThat(actual).as("%s %s", probeBits, ops).isEqualTo(model);
                assertThat(rig.clock.pendingTimers())
                    .as("one ticker per worker, %s %s", probeBits, ops)
                    .isEqualTo(model.size());
              }
            });
  }
}
