package io.kubelab.kubelet.bench;

import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.kubelet.container.Cache;
import io.kubelab.kubelet.container.ContainerId;
import io.kubelab.kubelet.container.ContainerState;
import io.kubelab.kubelet.container.FakeRuntime;
import io.kubelab.kubelet.pleg.GenericPleg;
import io.kubelab.kubelet.pleg.PodLifecycleEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One PLEG relist of a full node: 110 pods (the default max-pods) with 3 containers each, against
 * the in-memory runtime. With {@code changedPercent} = 10, one container in each of 11 pods flips
 * between running and exited before every relist, so those pods are inspected and their cache
 * entries replaced. Goal (issue 7): a relist with no change costs at most 50 µs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PlegBenchmark {

  private static final int PODS = 110;
  private static final int CONTAINERS = 3;

  @Param({"0", "10"})
  public int changedPercent;

  private FakeClock clock;
  private FakeRuntime runtime;
  private GenericPleg pleg;
  private final List<ContainerId> flipping = new ArrayList<>();
  private final List<PodLifecycleEvent> sink = new ArrayList<>();
  private boolean running = true;

  @Setup
  public void setUp() {
    clock = new FakeClock();
    runtime = new FakeRuntime(clock);
    for (int p = 0; p < PODS; p++) {
      String uid = "pod-" + p;
      runtime.addPod(uid, "web-" + p, "default", "10.0.0." + p);
      for (int c = 0; c < CONTAINERS; c++) {
        ContainerId id = runtime.startContainer(uid, "c" + c);
        if (c == 0 && p < PODS * changedPercent / 100) {
          flipping.add(id);
        }
      }
    }
    pleg = new GenericPleg(runtime, new Cache(), clock, Clock.ON_TIMER_THREAD);
    pleg.relist();
    pleg.watch().clear();
  }

  @Benchmark
  public int relist() {
    if (!flipping.isEmpty()) {
      running = !running;
      ContainerState next = running ? ContainerState.RUNNING : ContainerState.EXITED;
      for (ContainerId id : flipping) {
        runtime.setState(id, next);
      }
    }
    clock.step(Duration.ofSeconds(1));
    pleg.relist();
    sink.clear();
    return pleg.watch().drainTo(sink);
  }
}
