package io.kubelab.kubelet.prober;

import static io.kubelab.kubelet.prober.ProbePods.execProbe;
import static io.kubelab.kubelet.prober.ProbePods.pod;
import static io.kubelab.kubelet.prober.ProbePods.running;
import static io.kubelab.kubelet.prober.ProbePods.status;
import static io.kubelab.kubelet.prober.ProbePods.terminated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.kubelet.container.ContainerId;
import io.kubelab.kubelet.container.ContainerRuntimeException;
import io.kubelab.kubelet.container.ExecResult;
import io.kubelab.kubelet.container.FakeRuntime;
import io.kubelab.kubelet.prober.results.Result;
import io.kubelab.kubelet.prober.results.ResultsManager;
import io.kubelab.kubelet.prober.results.Update;
import io.kubelab.kubelet.util.ManualExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The probe worker's state machine on a FakeClock: examples, then a model-based test. */
class WorkerTest {

  /** Everything one worker test needs, wired with fakes at the boundaries only. */
  static final class Rig {
    final FakeClock clock = new FakeClock();
    final FakeRuntime runtime = new FakeRuntime(clock);
    final FakeStatusManager statusManager = new FakeStatusManager();
    final ResultsManager readiness = new ResultsManager(100_000);
    final ResultsManager liveness = new ResultsManager(100_000);
    final ResultsManager startup = new ResultsManager(100_000);
    final List<String> events = new ArrayList<>();
    final AtomicInteger execs = new AtomicInteger();
    volatile int exitCode; // -1: the exec itself fails
    final ProberManager manager;

    Rig(long seed) {
      this(seed, Runnable::run);
    }

    Rig(long seed, java.util.concurrent.Executor probes) {
      runtime.onExec(
          (id, cmd) -> {
            execs.incrementAndGet();
            if (exitCode < 0) {
              throw new ContainerRuntimeException("exec failed");
            }
            return new ExecResult(exitCode, "exit " + exitCode);
          });
      Prober prober =
          new Prober(runtime, (pod, c, type, reason, msg) -> events.add(reason + ": " + msg));
      manager =
          new ProberManager(
              statusManager,
              readiness,
              liveness,
              startup,
              prober,
              clock,
              probes,
              new Random(seed),
              true);
    }

    ContainerId startContainer(Pod pod, Boolean started) {
      String uid = pod.getMetadata().getUid();
      ContainerId id = runtime.startContainer(uid, "app");
      statusManager.statuses.put(uid, status("Running", running(id, clock.now(), started)));
      return id;
    }

    void tick() {
      clock.step(Duration.ofSeconds(1));
    }

    List<Update> drain(ResultsManager m) {
      List<Update> out = new ArrayList<>();
      m.updates().drainTo(out);
      return out;
    }
  }

  private static Rig rigWithPod(Pod pod) {
    Rig rig = new Rig(7);
    rig.runtime.addPod(pod.getMetadata().getUid(), pod.getMetadata().getName(), "default");
    return rig;
  }

  @Test
  void initialResultsAreReadinessFailureLivenessSuccessStartupUnknown() {
    Pod pod =
        pod(
            "u1",
            "Always",
            execProbe(1, 1, 1, 100),
            execProbe(1, 1, 1, 100),
            execProbe(1, 1, 1, 100));
    Rig rig = rigWithPod(pod);
    ContainerId id = rig.startContainer(pod, false);
    rig.manager.addPod(pod);
    rig.tick();
    assertThat(rig.readiness.get(id)).hasValue(Result.FAILURE);
    assertThat(rig.liveness.get(id)).hasValue(Result.SUCCESS);
    assertThat(rig.startup.get(id)).hasValue(Result.UNKNOWN);
    assertThat(rig.execs).hasValue(0); // all still inside their initial delay
  }

  @Test
  void initialDelayCountsWholeSecondsSinceTheContainerStarted() {
    Pod pod = pod("u1", "Always", execProbe(1, 1, 1, 3), null, null);
    Rig rig = rigWithPod(pod);
    rig.startContainer(pod, true);
    rig.manager.addPod(pod);
    rig.tick(); // run at < 1 s
    rig.tick(); // < 2 s
    rig.tick(); // < 3 s
    assertThat(rig.execs).hasValue(0);
    rig.tick(); // >= 3 s
    assertThat(rig.execs).hasValue(1);
  }

  @Test
  void startupGatesLivenessAndReadinessUntilStarted() {
    Pod pod =
        pod("u1", "Always", execProbe(1, 1, 1, 0), execProbe(1, 1, 1, 0), execProbe(1, 1, 5, 0));
    Rig rig = rigWithPod(pod);
    ContainerId id = rig.startContainer(pod, false);
    rig.manager.addPod(pod);
    rig.tick();
    assertThat(rig.execs).as("only the startup probe runs").hasValue(1);
    assertThat(rig.startup.get(id)).hasValue(Result.SUCCESS);

    rig.statusManager.statuses.put("u1", status("Running", running(id, rig.clock.now(), true)));
    rig.execs.set(0);
    rig.tick();
    assertThat(rig.execs).as("readiness and liveness, not startup").hasValue(2);
    assertThat(rig.readiness.get(id)).hasValue(Result.SUCCESS);
  }

  @Test
  void livenessFailureHoldsTheResultUntilANewContainer() {
    Pod pod = pod("u1", "Always", null, execProbe(1, 1, 2, 0), null);
    Rig rig = rigWithPod(pod);
    ContainerId first = rig.startContainer(pod, true);
    rig.manager.addPod(pod);
    rig.exitCode = 1;
    rig.tick();
    assertThat(rig.liveness.get(first)).as("1 failure < threshold 2").hasValue(Result.SUCCESS);
    rig.tick();
    assertThat(rig.liveness.get(first)).hasValue(Result.FAILURE);
    Worker w = rig.manager.worker("u1", "app", ProbeType.LIVENESS);
    assertThat(w.onHold()).isTrue();
    int execsOnHold = rig.execs.get();
    rig.exitCode = 0;
    rig.tick();
    rig.tick();
    assertThat(rig.execs).as("no exec into a container about to be killed").hasValue(execsOnHold);
    assertThat(rig.liveness.get(first)).hasValue(Result.FAILURE);

    ContainerId second = rig.startContainer(pod, true);
    rig.tick();
    assertThat(rig.liveness.get(first)).as("old container forgotten").isEmpty();
    assertThat(rig.liveness.get(second)).hasValue(Result.SUCCESS);
    assertThat(w.onHold()).isFalse();
  }

  @Test
  void readinessFailureDoesNotHold() {
    Pod pod = pod("u1", "Always", execProbe(1, 1, 1, 0), null, null);
    Rig rig = rigWithPod(pod);
    ContainerId id = rig.startContainer(pod, true);
    rig.manager.addPod(pod);
    rig.exitCode = 1;
    rig.tick();
    rig.exitCode = 0;
    rig.tick();
    assertThat(rig.readiness.get(id)).hasValue(Result.SUCCESS);
    assertThat(rig.events).containsExactly("Unhealthy: Readiness probe failed: exit 1");
  }

  @Test
  void startupFailureHoldsLikeALivenessFailure() {
    Pod pod = pod("u1", "Always", null, null, execProbe(1, 1, 2, 0));
    Rig rig = rigWithPod(pod);
    ContainerId id = rig.startContainer(pod, false);
    rig.manager.addPod(pod);
    rig.exitCode = 1;
    rig.tick();
    assertThat(rig.startup.get(id)).as("1 failure < threshold 2").hasValue(Result.UNKNOWN);
    rig.tick();
    assertThat(rig.startup.get(id)).hasValue(Result.FAILURE);
    assertThat(rig.manager.worker("u1", "app", ProbeType.STARTUP).onHold()).isTrue();
    int execs = rig.execs.get();
    rig.exitCode = 0;
    rig.tick();
    assertThat(rig.execs).as("held until the container is replaced").hasValue(execs);
    assertThat(rig.startup.get(id)).hasValue(Result.FAILURE);
  }

  @Test
  void aProbeRunsOnTheManagersExecutorAndTicksItMissesAreDroppedButOne() {
    ManualExecutor probes = new ManualExecutor();
    Rig rig = new Rig(7, probes);
    Pod pod = pod("u1", "Always", execProbe(1, 1, 1, 0), null, null);
    rig.runtime.addPod("u1", "web-u1", "default");
    rig.startContainer(pod, true);
    rig.manager.addPod(pod);
    for (int i = 0; i < 5; i++) {
      rig.tick(); // the probe thread is busy elsewhere for five periods
    }
    assertThat(rig.execs).hasValue(0);
    probes.runAll();
    // time.NewTicker: the channel held one tick, the other four were dropped; not five runs.
    assertThat(rig.execs).hasValue(1);
    rig.tick();
    probes.runAll();
    assertThat(rig.execs).as("then one per period again").hasValue(2);
  }

  @Test
  void probeErrorsAreRetriedThriceThenDiscarded() {
    Pod pod = pod("u1", "Always", execProbe(1, 1, 1, 0), null, null);
    Rig rig = rigWithPod(pod);
    ContainerId id = rig.startContainer(pod, true);
    rig.manager.addPod(pod);
    rig.exitCode = -1;
    rig.tick();
    assertThat(rig.execs).hasValue(3);
    assertThat(rig.readiness.get(id)).as("still the initial value").hasValue(Result.FAILURE);
    assertThat(rig.events).containsExactly("Unhealthy: Readiness probe errored: exec failed");
  }

  @Test
  void terminatedContainerWithRestartPolicyNeverStopsTheWorker() {
    Pod pod = pod("u1", "Never", execProbe(1, 1, 1, 0), null, null);
    Rig rig = rigWithPod(pod);
    ContainerId id = rig.startContainer(pod, true);
    rig.manager.addPod(pod);
    rig.tick();
    rig.statusManager.statuses.put("u1", status("Running", terminated(id, 0)));
    rig.tick();
    assertThat(rig.manager.workerCount()).isZero();
    assertThat(rig.readiness.get(id)).as("removed when the worker exits").isEmpty();
    assertThat(rig.clock.pendingTimers()).isZero();
  }

  @Test
  void terminatedContainerWithRestartPolicyAlwaysKeepsTheWorkerAndFails() {
    Pod pod = pod("u1", "Always", execProbe(1, 1, 1, 0), null, null);
    Rig rig = rigWithPod(pod);
    ContainerId id = rig.startContainer(pod, true);
    rig.manager.addPod(pod);
    rig.tick();
    assertThat(rig.readiness.get(id)).hasValue(Result.SUCCESS);
    rig.statusManager.statuses.put("u1", status("Running", terminated(id, 1)));
    rig.tick();
    assertThat(rig.manager.workerCount()).isEqualTo(1);
    assertThat(rig.readiness.get(id)).hasValue(Result.FAILURE);
  }

  @Test
  void finishedPodStopsItsWorkers() {
    for (String phase : List.of("Succeeded", "Failed")) {
      Pod pod = pod("u1", "Always", execProbe(1, 1, 1, 0), execProbe(1, 1, 1, 0), null);
      Rig rig = rigWithPod(pod);
      ContainerId id = rig.startContainer(pod, true);
      rig.manager.addPod(pod);
      rig.tick();
      rig.statusManager.statuses.put("u1", status(phase, running(id, rig.clock.now(), true)));
      rig.tick();
      assertThat(rig.manager.workerCount()).as(phase).isZero();
      assertThat(rig.clock.pendingTimers()).as(phase).isZero();
    }
  }

  @Test
  void aProbeThatCannotRunKeepsTheWorkerForTheNextPeriod() {
    Pod pod = pod("u1", "Always", execProbe(1, 1, 1, 0), null, null);
    Rig rig = rigWithPod(pod);
    ContainerId id = rig.startContainer(pod, true);
    rig.manager.addPod(pod);
    rig.exitCode = -1;
    rig.tick();
    rig.tick();
    assertThat(rig.manager.workerCount()).isEqualTo(1);
    assertThat(rig.execs).as("three tries in each of two periods").hasValue(6);
    rig.exitCode = 0;
    rig.tick();
    assertThat(rig.readiness.get(id)).hasValue(Result.SUCCESS);
  }

  @Test
  void theWorkerReadsItsOwnContainersStatusNotTheFirstOne() {
    Pod pod = pod("u1", "Always", execProbe(1, 1, 1, 0), null, null);
    Rig rig = rigWithPod(pod);
    ContainerId sidecar = rig.runtime.startContainer("u1", "sidecar");
    var sidecarStatus =
        new io.fabric8.kubernetes.api.model.ContainerStatusBuilder(
                running(sidecar, rig.clock.now(), true))
            .withName("sidecar")
            .build();
    // The sidecar runs; "app" has no container yet, so its readiness worker has nothing to probe.
    rig.statusManager.statuses.put(
        "u1",
        new io.fabric8.kubernetes.api.model.PodStatusBuilder()
            .withPhase("Running")
            .withPodIP("127.0.0.1")
            .withContainerStatuses(
                sidecarStatus,
                new io.fabric8.kubernetes.api.model.ContainerStatusBuilder()
                    .withName("app")
                    .build())
            .build());
    rig.manager.addPod(pod);
    rig.tick();
    rig.tick();
    assertThat(rig.execs).hasValue(0);
    assertThat(rig.readiness.get(sidecar)).isEmpty();
    assertThat(rig.readiness.size()).isZero();
  }

  @Test
  void aContainerStatusWithoutStateIsNotRunningSoItsProbeFails() {
    // Go's ContainerState is a struct: a status that says nothing has State.Running == nil.
    Pod pod = pod("u1", "Always", null, execProbe(1, 1, 1, 0), null);
    Rig rig = rigWithPod(pod);
    ContainerId id = rig.startContainer(pod, true);
    rig.statusManager.statuses.put(
        "u1",
        new io.fabric8.kubernetes.api.model.PodStatusBuilder()
            .withPhase("Running")
            .withContainerStatuses(
                new io.fabric8.kubernetes.api.model.ContainerStatusBuilder()
                    .withName("app")
                    .withContainerID(id.toString())
                    .build())
            .build());
    rig.manager.addPod(pod);
    rig.tick();
    assertThat(rig.liveness.get(id)).hasValue(Result.FAILURE);
    assertThat(rig.execs).hasValue(0);
    assertThat(rig.manager.workerCount()).as("not terminated: the worker stays").isEqualTo(1);
  }

  @Test
  void aRunningContainerWithoutAStartTimeIsPastAnyInitialDelay() {
    // Upstream measures time.Since(StartedAt); an unset StartedAt is the zero time, long ago.
    for (String startedAt : java.util.Arrays.asList(null, "")) {
      Pod pod = pod("u1", "Always", execProbe(1, 1, 1, 100), null, null);
      Rig rig = rigWithPod(pod);
      ContainerId id = rig.runtime.startContainer("u1", "app");
      var c = running(id, rig.clock.now(), true);
      c.getState().getRunning().setStartedAt(startedAt);
      rig.statusManager.statuses.put("u1", status("Running", c));
      rig.manager.addPod(pod);
      rig.tick();
      assertThat(rig.execs).as("startedAt %s", startedAt).hasValue(1);
      assertThat(rig.readiness.get(id)).hasValue(Result.SUCCESS);
    }
  }

  @Test
  void noStatusOrNoContainerIdKeepsWaiting() {
    Pod pod = pod("u1", "Always", execProbe(1, 1, 1, 0), null, null);
    Rig rig = rigWithPod(pod);
    rig.manager.addPod(pod);
    rig.tick();
    rig.tick();
    assertThat(rig.manager.workerCount()).isEqualTo(1);
    assertThat(rig.readiness.size()).isZero();
  }

  // ---- model-based -----------------------------------------------------------------------------

  /** op: 0 probe passes, 1 probe fails, 2 probe cannot run, 3 container restarts, 4 it exits. */
  record Scenario(ProbeType type, int successThreshold, int failureThreshold, List<Integer> ops) {}

  /** The worker's rules, written as a plain reference. */
  static final class Model {
    final boolean holdsOnFailure;
    final int successThreshold;
    final int failureThreshold;
    final Result initial;
    Integer seenContainer;
    Result lastResult = Result.UNKNOWN;
    int run;
    boolean onHold;
    final Map<Integer, Result> published = new HashMap<>();
    final List<String> updates = new ArrayList<>();

    Model(ProbeType type, int successThreshold, int failureThreshold) {
      // Liveness and startup failures mean "kill it": the worker stops probing that container.
      this.holdsOnFailure = type != ProbeType.READINESS;
      this.successThreshold = successThreshold;
      this.failureThreshold = failureThreshold;
      // Alive until proven dead, not ready until proven ready, start-up undecided.
      this.initial =
          switch (type) {
            case LIVENESS -> Result.SUCCESS;
            case READINESS -> Result.FAILURE;
            case STARTUP -> Result.UNKNOWN;
          };
    }

    void publish(int container, Result r) {
      if (published.get(container) != r) {
        updates.add(container + "=" + r);
      }
      published.put(container, r);
    }

    void step(int container, boolean running, int behaviour) {
      if (seenContainer == null || seenContainer != container) {
        if (seenContainer != null) {
          published.remove(seenContainer);
        }
        seenContainer = container;
        publish(container, initial);
        onHold = false;
      }
      if (onHold) {
        return;
      }
      if (!running) {
        publish(container, Result.FAILURE);
        return;
      }
      if (behaviour == 2) {
        return;
      }
      Result r = behaviour == 0 ? Result.SUCCESS : Result.FAILURE;
      if (r == lastResult) {
        run++;
      } else {
        lastResult = r;
        run = 1;
      }
      int threshold = r == Result.SUCCESS ? successThreshold : failureThreshold;
      if (run < threshold) {
        return;
      }
      publish(container, r);
      if (holdsOnFailure && r == Result.FAILURE) {
        onHold = true;
        run = 0;
      }
    }
  }

  @Test
  void workerMatchesTheReferenceModel() {
    qt().withFixedSeed(1818L)
        .withExamples(150)
        .forAll(
            integers()
                .between(0, 2)
                .zip(
                    integers().between(1, 3),
                    integers().between(1, 4),
                    lists().of(integers().between(0, 4)).ofSizeBetween(1, 40),
                    (t, s, f, ops) -> {
                      ProbeType type = ProbeType.values()[t];
                      // Only readiness may need more than one success.
                      return new Scenario(type, type == ProbeType.READINESS ? s : 1, f, ops);
                    }))
        .checkAssert(WorkerTest::checkAgainstModel);
  }

  private static void checkAgainstModel(Scenario sc) {
    var probe = execProbe(1, sc.successThreshold(), sc.failureThreshold(), 0);
    Pod pod =
        switch (sc.type()) {
          case READINESS -> pod("u1", "Always", probe, null, null);
          case LIVENESS -> pod("u1", "Always", null, probe, null);
          case STARTUP -> pod("u1", "Always", null, null, probe);
        };
    Rig rig = rigWithPod(pod);
    ResultsManager results =
        switch (sc.type()) {
          case READINESS -> rig.readiness;
          case LIVENESS -> rig.liveness;
          case STARTUP -> rig.startup;
        };
    Model model = new Model(sc.type(), sc.successThreshold(), sc.failureThreshold());
    // A startup probe only runs while the container has not started; the others only after.
    boolean started = sc.type() != ProbeType.STARTUP;
    List<ContainerId> ids = new ArrayList<>();
    ids.add(rig.startContainer(pod, started));
    boolean running = true;
    int behaviour = 0;
    rig.manager.addPod(pod);
    for (int op : sc.ops()) {
      switch (op) {
        case 0, 1, 2 -> {
          behaviour = op;
          rig.exitCode = op == 2 ? -1 : op;
        }
        case 3 -> {
          ids.add(rig.startContainer(pod, started));
          running = true;
        }
        default -> {
          ContainerId current = ids.get(ids.size() - 1);
          rig.statusManager.statuses.put("u1", status("Running", terminated(current, 1)));
          running = false;
        }
      }
      rig.tick();
      int current = ids.size() - 1;
      model.step(current, running, behaviour);
      for (int i = 0; i < ids.size(); i++) {
        assertThat(results.get(ids.get(i)))
            .as("container %d after %s", i, sc)
            .isEqualTo(java.util.Optional.ofNullable(model.published.get(i)));
      }
    }
    List<String> published = new ArrayList<>();
    for (Update u : rig.drain(results)) {
      published.add(ids.indexOf(u.containerId()) + "=" + u.result());
    }
    assertThat(published).as("only changes are published, %s", sc).isEqualTo(model.updates);
    rig.manager.close();
  }
}
