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
              Runnable::run,
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
    Pod pod = pod("u1", "Always", execProbe(1, 1, 1, 0), execProbe(1, 1, 1, 0), null);
    Rig rig = rigWithPod(pod);
    ContainerId id = rig.startContainer(pod, true);
    rig.manager.addPod(pod);
    rig.tick();
    rig.statusManager.statuses.put("u1", status("Succeeded", running(id, rig.clock.now(), true)));
    rig.tick();
    assertThat(rig.manager.workerCount()).isZero();
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
  record Scenario(
      boolean liveness, int successThreshold, int failureThreshold, List<Integer> ops) {}

  /** The worker's rules, written as a plain reference. */
  static final class Model {
    final boolean liveness;
    final int successThreshold;
    final int failureThreshold;
    final Result initial;
    Integer seenContainer;
    Result lastResult = Result.UNKNOWN;
    int run;
    boolean onHold;
    final Map<Integer, Result> published = new HashMap<>();
    final List<String> updates = new ArrayList<>();

    Model(boolean liveness, int successThreshold, int failureThreshold) {
      this.liveness = liveness;
      this.successThreshold = successThreshold;
      this.failureThreshold = failureThreshold;
      this.initial = liveness ? Result.SUCCESS : Result.FAILURE;
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
      if (liveness && r == Result.FAILURE) {
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
                .between(0, 1)
                .zip(
                    integers().between(1, 3),
                    integers().between(1, 4),
                    lists().of(integers().between(0, 4)).ofSizeBetween(1, 40),
                    (l, s, f, ops) -> new Scenario(l == 1, l == 1 ? 1 : s, f, ops)))
        .checkAssert(WorkerTest::checkAgainstModel);
  }

  private static void checkAgainstModel(Scenario sc) {
    Pod pod =
        sc.liveness()
            ? pod("u1", "Always", null, execProbe(1, 1, sc.failureThreshold(), 0), null)
            : pod(
                "u1",
                "Always",
                execProbe(1, sc.successThreshold(), sc.failureThreshold(), 0),
                null,
                null);
    Rig rig = rigWithPod(pod);
    ResultsManager results = sc.liveness() ? rig.liveness : rig.readiness;
    Model model = new Model(sc.liveness(), sc.successThreshold(), sc.failureThreshold());
    List<ContainerId> ids = new ArrayList<>();
    ids.add(rig.startContainer(pod, true));
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
          ids.add(rig.startContainer(pod, true));
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
