package io.kubelab.kubelet.bench;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.kubelet.events.EventSink;
import io.kubelab.kubelet.eviction.EvictionConfig;
import io.kubelab.kubelet.eviction.EvictionManager;
import io.kubelab.kubelet.stats.Summary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
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
 * One pass of the eviction manager ({@code synchronize}) on a full node: 110 pods (the default
 * max-pods) of mixed QoS classes and priorities, the default hard thresholds (memory.available,
 * nodefs.available, nodefs.inodesFree, imagefs.available), a summary with node, image filesystem
 * and per-pod memory and disk statistics. {@code pressure}: {@code none} meets no threshold; {@code
 * memory} meets memory.available, so every pass ranks all 110 pods by memory and evicts one (the
 * kill completes at once). Goal (issue 18): at most 100 µs and 500 µs per pass.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EvictionBenchmark {

  static final int PODS = 110;

  @Param({"none", "memory"})
  public String pressure;

  private FakeClock clock;
  private EvictionManager manager;
  private List<Pod> pods;

  @Setup
  public void setUp() {
    // Each pass under pressure logs what it evicts; the measurement leaves logging out.
    KubeletBenchmark.quietLogs();
    clock = new FakeClock();
    pods = pods(new Random(1));
    Summary summary = summary(pods, pressure.equals("memory") ? "50Mi" : "6Gi", new Random(2));
    manager =
        new EvictionManager(
            "node-1",
            EvictionConfig.defaults(),
            update -> summary,
            (pod, status, grace) -> CompletableFuture.completedFuture(null),
            () -> {},
            () -> {},
            EventSink.NONE,
            clock);
  }

  /** 110 pods: a third BestEffort, a third Burstable, a third Guaranteed; priorities 0 to 2. */
  static List<Pod> pods(Random r) {
    List<Pod> out = new ArrayList<>();
    for (int i = 0; i < PODS; i++) {
      Fixtures.PodFixture f =
          Fixtures.pod("pod-" + i).uid("u-" + i).priority(r.nextInt(3)).container("app");
      switch (i % 3) {
        case 1 -> f.requests("100m", (64 + r.nextInt(512)) + "Mi");
        case 2 -> {
          String mem = (64 + r.nextInt(512)) + "Mi";
          f.requests("200m", mem).limits("200m", mem);
        }
        default -> {}
      }
      out.add(f.build());
    }
    return out;
  }

  /** Node memory {@code available} of 8 Gi; plenty of disk; each pod using some memory and disk. */
  static Summary summary(List<Pod> pods, String available, Random r) {
    long gi = 1L << 30;
    long avail =
        io.kubelab.apimachinery.resource.Quantities.value(
            new io.fabric8.kubernetes.api.model.Quantity(available), "available");
    Summary.MemoryStats nodeMemory = new Summary.MemoryStats(null, avail, 8 * gi - avail);
    Summary.FsStats fs =
        new Summary.FsStats(null, 80 * gi, 100 * gi, 20 * gi, 900_000L, 1_000_000L, 100_000L);
    List<Summary.PodStats> stats = new ArrayList<>();
    for (Pod p : pods) {
      long ws = (16 + r.nextInt(600)) * (1L << 20);
      Summary.MemoryStats m = new Summary.MemoryStats(null, null, ws);
      Summary.FsStats used = Summary.FsStats.used((long) r.nextInt(1 << 28), 100L);
      stats.add(
          new Summary.PodStats(
              new Summary.PodReference(
                  p.getMetadata().getName(),
                  p.getMetadata().getNamespace(),
                  p.getMetadata().getUid()),
              List.of(new Summary.ContainerStats("app", m, used, used)),
              m,
              List.of()));
    }
    return new Summary(
        new Summary.NodeStats(
            "node-1",
            nodeMemory,
            fs,
            new Summary.RuntimeStats(fs),
            null,
            List.of(
                new Summary.ContainerStats(Summary.SYSTEM_CONTAINER_PODS, nodeMemory, null, null))),
        stats);
  }

  @Benchmark
  public EvictionManager.Evicted synchronize() {
    clock.step(Duration.ofSeconds(10));
    return manager.synchronize(() -> false, () -> pods);
  }
}
