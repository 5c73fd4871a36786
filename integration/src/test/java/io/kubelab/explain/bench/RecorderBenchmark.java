package io.kubelab.explain.bench;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.explain.Decision;
import io.kubelab.explain.DecisionRecorder;
import io.kubelab.explain.SimulatorAnnotations;
import io.kubelab.scheduler.algorithm.ScheduleResult;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.core.FrameworkGenericScheduler;
import io.kubelab.scheduler.framework.plugins.PodBinder;
import io.kubelab.scheduler.framework.profile.Profiles;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What explaining costs: one scheduling cycle of the default-1.18 profile over {@code nodes} nodes
 * (10 pods each) without a recorder ({@link #cycle}), with a {@link DecisionRecorder} ({@link
 * #recordedCycle}), and with the recorder and the simulator's annotations rendered ({@link
 * #recordedCycleAndAnnotations}). Filter on one worker, as {@code kubelab schedule} runs it.
 *
 * <p>Goal: recording costs at most 1.5 times the bare cycle, so that explaining every pod of a
 * cluster costs about what scheduling it does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RecorderBenchmark {

  @Param({"500"})
  public int nodes;

  private SchedulerCache cache;
  private Parallelizer parallelizer;
  private FrameworkGenericScheduler scheduler;
  private FrameworkImpl fwk;
  private Pod pod;

  @Setup(Level.Trial)
  public void setUp() {
    cache = new SchedulerCache(new FakeClock());
    for (int i = 0; i < nodes; i++) {
      String name = String.format("node-%04d", i);
      Node n =
          Fixtures.node(name).allocatable("16", "64Gi").pods(110).zone("zone-" + i % 3).build();
      cache.addNode(n);
      for (int k = 0; k < 10; k++) {
        cache.addPod(
            Fixtures.pod("p-" + i + "-" + k)
                .uid("u-" + i + "-" + k)
                .label("app", "app-" + k)
                .requests((100 + k * 50) + "m", (128 + k * 64) + "Mi")
                .nodeName(name)
                .build());
      }
    }
    parallelizer = new Parallelizer("recorder-bench", 1);
    Snapshot snapshot = new Snapshot();
    Map<String, FrameworkImpl> m =
        Profiles.newMap(
            Profiles.default118(),
            () ->
                FrameworkImpl.builder(Profiles.registry())
                    .snapshot(snapshot)
                    .clock(new FakeClock())
                    .parallelizer(parallelizer)
                    .component(PodBinder.class, b -> {}));
    fwk = m.get("default-scheduler");
    scheduler =
        new FrameworkGenericScheduler(cache, snapshot, parallelizer, null, 100, new Random(1));
    pod = Fixtures.pod("web").uid("web").label("app", "web").requests("500m", "1Gi").build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    parallelizer.close();
    cache.close();
  }

  /** The cycle alone. */
  @Benchmark
  public ScheduleResult cycle() {
    return scheduler.schedule(fwk, new CycleState(), pod);
  }

  /** The cycle with every extension point's result recorded. */
  @Benchmark
  public Decision recordedCycle() {
    DecisionRecorder rec = new DecisionRecorder();
    CycleState state = new CycleState();
    state.setRecorder(rec);
    scheduler.schedule(fwk, state, pod);
    return rec.decision();
  }

  /** The recorded cycle and its annotations, as {@code -o json} prints them. */
  @Benchmark
  public Map<String, String> recordedCycleAndAnnotations() {
    return SimulatorAnnotations.of(recordedCycle());
  }
}
