package io.kubelab.kubelet.bench;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.kubelet.container.ContainerId;
import io.kubelab.kubelet.container.ExecResult;
import io.kubelab.kubelet.container.FakeRuntime;
import io.kubelab.kubelet.prober.EventRecorder;
import io.kubelab.kubelet.prober.Prober;
import io.kubelab.kubelet.prober.ProberManager;
import io.kubelab.kubelet.prober.results.ResultsManager;
import io.kubelab.kubelet.status.Manager;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * 10,000 readiness probe workers (exec probes, period 10 s) driven through one simulated minute on
 * a {@link FakeClock}: 60,000 probes per invocation, reported per probe. The setup prints the
 * retained heap per worker (worker, timer entry, pod spec and status, result entry), measured as
 * the heap growth across creating the workers after a full GC.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ProberBenchmark {

  static final int WORKERS = 10_000;
  static final int PROBES_PER_MINUTE = WORKERS * 6;

  private FakeClock clock;
  private ProberManager manager;
  private ResultsManager readiness;

  /** Only what the workers read: the cached statuses. */
  static final class Statuses implements Manager {
    final Map<String, PodStatus> statuses = new ConcurrentHashMap<>();

    @Override
    public Optional<PodStatus> getPodStatus(String podUid) {
      return Optional.ofNullable(statuses.get(podUid));
    }

    @Override
    public void setPodStatus(Pod pod, PodStatus status) {}

    @Override
    public void setContainerReadiness(String podUid, ContainerId containerId, boolean ready) {}

    @Override
    public void setContainerStartup(String podUid, ContainerId containerId, boolean started) {}

    @Override
    public void terminatePod(Pod pod) {}

    @Override
    public void removeOrphanedStatuses(Set<String> podUids) {}
  }

  @Setup
  public void setUp() {
    clock = new FakeClock();
    FakeRuntime runtime = new FakeRuntime(clock);
    runtime.onExec((id, cmd) -> new ExecResult(0, ""));
    Statuses statuses = new Statuses();
    readiness = new ResultsManager(2 * WORKERS);
    manager =
        new ProberManager(
            statuses,
            readiness,
            new ResultsManager(),
            new ResultsManager(),
            new Prober(runtime, EventRecorder.NONE),
            clock,
            Clock.ON_TIMER_THREAD,
            new Random(1),
            true);
    long before = usedHeap();
    for (int i = 0; i < WORKERS; i++) {
      String uid = "pod-" + i;
      runtime.addPod(uid, "web-" + i, "default");
      ContainerId id = runtime.startContainer(uid, "app");
      statuses.statuses.put(uid, runningStatus(id));
      manager.addPod(pod(uid));
    }
    clock.step(Duration.ofSeconds(10)); // every worker has probed once and holds a result
    readiness.updates().clear();
    long after = usedHeap();
    System.out.printf(
        "%n# ProberBenchmark: %d workers, retained heap per worker incl. pod, status and fake"
            + " container: %d bytes%n",
        manager.workerCount(), (after - before) / WORKERS);
  }

  @TearDown
  public void tearDown() {
    manager.close();
  }

  @Benchmark
  @OperationsPerInvocation(PROBES_PER_MINUTE)
  public void simulatedMinute() {
    clock.step(Duration.ofMinutes(1));
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  private static Pod pod(String uid) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("web-" + uid)
        .withNamespace("default")
        .withUid(uid)
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Always")
        .addNewContainer()
        .withName("app")
        .withNewReadinessProbe()
        .withNewExec()
        .withCommand("check")
        .endExec()
        .withPeriodSeconds(10)
        .endReadinessProbe()
        .endContainer()
        .endSpec()
        .build();
  }

  private static PodStatus runningStatus(ContainerId id) {
    return new PodStatusBuilder()
        .withPhase("Running")
        .withContainerStatuses(
            new ContainerStatusBuilder()
                .withName("app")
                .withContainerID(id.toString())
                .withStarted(true)
                .withNewState()
                .withNewRunning()
                .withStartedAt("2020-01-01T00:00:00Z")
                .endRunning()
                .endState()
                .build())
        .build();
  }
}
