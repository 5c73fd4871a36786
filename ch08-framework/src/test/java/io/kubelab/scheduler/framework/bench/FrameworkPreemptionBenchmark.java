package io.kubelab.scheduler.framework.bench;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.PodNominator;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.core.FitError;
import io.kubelab.scheduler.framework.core.FrameworkGenericScheduler;
import io.kubelab.scheduler.framework.core.FrameworkPreemption;
import io.kubelab.scheduler.framework.plugins.PodBinder;
import io.kubelab.scheduler.framework.profile.Profiles;
import io.kubelab.scheduler.preemption.PreemptionResult;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
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
 * One preemption decision in scheduler_perf's PreemptionBasic cluster, warm: {@code nodes} nodes of
 * 4 CPUs, each full with four 900m pods of priority 0, and a pod of priority 10 asking for 3 CPUs,
 * which fits nowhere until three of a node's pods go. {@code nominated} of the nodes are further on
 * in the test case: their three victims are gone and an earlier preemptor of priority 10 is
 * nominated there, so the filters add it to every evaluation of those nodes.
 *
 * <ul>
 *   <li>{@link #failedCycle}: the scheduling cycle that fails on every node (Filter over all of
 *       them, nominated pods included), and builds the FitError;
 *   <li>{@link #preempt}: {@code Preempt} after it: {@code selectVictimsOnNode} on a copy of every
 *       candidate node on 2 workers, then the choice of a node.
 * </ul>
 *
 * <p>Neither changes the cluster, so every invocation sees the same one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FrameworkPreemptionBenchmark {

  @Param({"1000"})
  public int nodes;

  @Param({"0", "500"})
  public int nominated;

  private SchedulerCache cache;
  private Parallelizer parallelizer;
  private FrameworkGenericScheduler framework;
  private FrameworkPreemption preemption;
  private FrameworkImpl fwk;
  private Pod preemptor;
  private CycleState failedState;
  private FitError fitError;
  private final Instant now = Instant.parse("2026-01-01T00:00:00Z");

  @Setup(Level.Trial)
  public void setUp() {
    cache = new SchedulerCache(new FakeClock());
    Map<String, List<Pod>> nominations = new HashMap<>();
    for (int n = 0; n < nodes; n++) {
      String node = "node-" + n;
      cache.addNode(Fixtures.node(node).allocatable("4", "32Gi").pods(110).build());
      boolean preempted = n < nominated;
      for (int k = preempted ? 3 : 0; k < 4; k++) {
        cache.addPod(low(node, k));
      }
      if (preempted) {
        nominations.put(node, List.of(high("nominated-" + n)));
      }
    }
    PodNominator nominator = nodeName -> nominations.getOrDefault(nodeName, List.of());
    parallelizer = new Parallelizer("preemption-bench", 2);
    Snapshot snapshot = new Snapshot();
    fwk =
        Profiles.newMap(
                Profiles.default118(),
                () ->
                    FrameworkImpl.builder(Profiles.registry())
                        .snapshot(snapshot)
                        .clock(new FakeClock())
                        .parallelizer(parallelizer)
                        .component(PodBinder.class, b -> {}))
            .get("default-scheduler");
    framework =
        new FrameworkGenericScheduler(cache, snapshot, parallelizer, nominator, 0, new Random(1));
    preemption = new FrameworkPreemption(framework, snapshot, parallelizer, nominator, true);
    preemptor = high("preemptor");
    failedState = new CycleState();
    fitError = failedCycle(failedState);
    PreemptionResult r = preempt();
    if (r.nodeName() == null || r.nodeName().isEmpty() || r.victims().size() != 3) {
      throw new IllegalStateException("the preemptor should evict 3 pods on one node: " + r);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    parallelizer.close();
    cache.close();
  }

  /** The failed scheduling cycle: Filter on every node, none passes. */
  @Benchmark
  public FitError failedCycle() {
    return failedCycle(new CycleState());
  }

  /** Preemption after the failed cycle: the victims on every candidate node, and the choice. */
  @Benchmark
  public PreemptionResult preempt() {
    return preemption.preempt(fwk, failedState, preemptor, fitError, List.of(), now);
  }

  private FitError failedCycle(CycleState state) {
    try {
      framework.schedule(fwk, state, preemptor);
    } catch (FitError e) {
      return e;
    }
    throw new IllegalStateException("the preemptor fitted without preemption");
  }

  private static Pod low(String node, int k) {
    String name = node + "-low-" + k;
    return Fixtures.pod(name)
        .uid(name)
        .priority(0)
        .requests("900m", "500Mi")
        .limits("900m", "500Mi")
        .nodeName(node)
        .build();
  }

  private static Pod high(String name) {
    return Fixtures.pod(name)
        .uid(name)
        .priority(10)
        .requests("3", "500Mi")
        .limits("3", "500Mi")
        .build();
  }
}
