package io.kubelab.kubelet.bench;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.kubelet.Kubelet;
import io.kubelab.kubelet.config.PodUpdate;
import io.kubelab.kubelet.container.FakeRuntime;
import io.kubelab.kubelet.status.PodStatusClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A kubelet with a full node: 110 pods (the default max-pods) of two containers each, on a {@link
 * FakeClock} over a {@link FakeRuntime}, everything inline, as each node of the integration's
 * simulation runs.
 *
 * <ul>
 *   <li>{@code virtualSecond}: the cost of one second of virtual time once every pod is Running: a
 *       PLEG relist, the sync tick (pods whose resync is due, each 60 to 90 s), housekeeping every
 *       other second, the status manager's batch every 10 s. Divided by 110, the sync-loop cost per
 *       pod per virtual second.
 *   <li>{@code bootTenKubelets}: ten kubelets, each brought from nothing to 110 Running pods;
 *       besides the time, the auxiliary counter {@code bytesPerKubelet} is the heap each one keeps
 *       (kubelet, runtime, pods and their statuses in the API fake), measured after a full GC as
 *       the difference with the heap before. Goal (issue 18): at most 2 MiB, so that 1000 kubelets
 *       fit in one JVM.
 * </ul>
 */
public class KubeletBenchmark {

  static final int PODS = 110;

  /** A node's kubelet with its runtime and an API that stores statuses. */
  static final class Node110 {
    final FakeClock clock;
    final FakeRuntime runtime;
    final Api api = new Api();
    final Kubelet kubelet;

    Node110(FakeClock clock, String name) {
      this.clock = clock;
      this.runtime = new FakeRuntime(clock);
      Node node = Fixtures.node(name).allocatable("32", "128Gi").build();
      this.kubelet =
          Kubelet.builder(node, runtime, clock)
              .podSource(api::watch)
              .statusClient(api)
              .random(new Random(name.hashCode()))
              .build();
      kubelet.start();
      Random r = new Random(1);
      for (int i = 0; i < PODS; i++) {
        Fixtures.PodFixture f =
            Fixtures.pod("pod-" + i)
                .uid(name + "-" + i)
                .container("app")
                .requests("100m", (64 + r.nextInt(256)) + "Mi")
                .container("sidecar");
        api.add(f.build());
      }
    }

    boolean allRunning() {
      return api.running() == PODS;
    }
  }

  /** The API as the kubelet sees it: the pods it is given, their statuses stored. */
  static final class Api implements PodStatusClient {
    private final Map<String, Pod> pods = new HashMap<>();
    private java.util.function.Consumer<PodUpdate> watcher;
    private int running;

    void add(Pod pod) {
      pods.put(pod.getMetadata().getName(), pod);
      watcher.accept(new PodUpdate(PodUpdate.Op.ADD, List.of(pod), PodUpdate.API_SOURCE));
    }

    AutoCloseable watch(java.util.function.Consumer<PodUpdate> updates) {
      watcher = updates;
      return () -> watcher = null;
    }

    int running() {
      return running;
    }

    @Override
    public Pod get(String namespace, String name) throws ApiException {
      Pod p = pods.get(name);
      if (p == null) {
        throw new ApiException(Reason.NOT_FOUND, name);
      }
      return p;
    }

    @Override
    public Pod patchStatus(
        String namespace, String name, String uid, PodStatus oldStatus, PodStatus newStatus) {
      Pod p = pods.get(name);
      boolean was = p.getStatus() != null && "Running".equals(p.getStatus().getPhase());
      boolean is = "Running".equals(newStatus.getPhase());
      running += (is ? 1 : 0) - (was ? 1 : 0);
      Pod updated = new PodBuilder(p).withStatus(newStatus).build();
      pods.put(name, updated);
      return updated;
    }

    @Override
    public void delete(String namespace, String name, String uid) {
      pods.remove(name);
    }
  }

  static void quietLogs() {
    java.util.logging.Logger.getLogger("io.kubelab").setLevel(java.util.logging.Level.OFF);
  }

  /** One full node, Running, for {@code virtualSecond}. */
  @State(Scope.Benchmark)
  public static class Steady {
    Node110 node;

    @Setup
    public void setUp() {
      quietLogs();
      node = new Node110(new FakeClock(), "node-1");
      for (int s = 0; s < 30 && !node.allRunning(); s++) {
        node.clock.step(Duration.ofSeconds(1));
      }
      if (!node.allRunning()) {
        throw new IllegalStateException("not all pods Running: " + node.api.running());
      }
      // Past the first resyncs, so that the measurement sees the steady state.
      node.clock.step(Duration.ofMinutes(3));
    }

    @TearDown
    public void tearDown() {
      node.kubelet.close();
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public int virtualSecond(Steady s) {
    s.node.clock.step(Duration.ofSeconds(1));
    return s.node.api.running();
  }

  /** The heap kept per kubelet, reported next to the boot time. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Memory {
    public long bytesPerKubelet;
    final List<Node110> kept = new ArrayList<>();

    @Setup(Level.Iteration)
    public void clean() {
      quietLogs();
      release();
    }

    @TearDown(Level.Iteration)
    public void release() {
      kept.forEach(n -> n.kubelet.close());
      kept.clear();
    }
  }

  static final int KUBELETS = 10;

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int bootTenKubelets(Memory m) {
    long before = usedAfterGc();
    FakeClock clock = new FakeClock();
    for (int k = 0; k < KUBELETS; k++) {
      m.kept.add(new Node110(clock, "node-" + k));
    }
    for (int s = 0; s < 30; s++) {
      clock.step(Duration.ofSeconds(1));
    }
    int running = 0;
    for (Node110 n : m.kept) {
      running += n.api.running();
    }
    if (running != KUBELETS * PODS) {
      throw new IllegalStateException("only " + running + " pods Running");
    }
    long after = usedAfterGc();
    m.bytesPerKubelet = (after - before) / KUBELETS;
    return running;
  }

  private static long usedAfterGc() {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }
}
