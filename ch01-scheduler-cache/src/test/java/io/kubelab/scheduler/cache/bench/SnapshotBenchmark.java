package io.kubelab.scheduler.cache.bench;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
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
 * Why the cache keeps a most-recently-updated-first list of NodeInfos: a scheduling cycle starts
 * with {@code updateSnapshot}, and after one pod changed only one NodeInfo needs copying.
 *
 * <ul>
 *   <li>{@code incrementalUpdate}: one pod change, then {@code updateSnapshot} of a snapshot that
 *       was current before it. Invocations alternate between adding a pod to a node and removing
 *       the pod added there one round earlier, so every NodeInfo keeps 20 or 21 pods.
 *   <li>{@code podChange}: the same pod change without the snapshot update, so that the difference
 *       is what {@code updateSnapshot} costs.
 *   <li>{@code fullRebuild}: a new snapshot of the same cache, copying every NodeInfo.
 *   <li>{@code assumePodFinishBinding}: the scheduling thread's part of a binding, {@code
 *       assumePod} + {@code finishBinding}, plus the {@code forgetPod} that restores the cache;
 *       {@code assumePodForget} is the same without {@code finishBinding}, for comparison.
 * </ul>
 *
 * <p>Goal (issue 3): at 5000 nodes, {@code incrementalUpdate} at least 200× faster than {@code
 * fullRebuild}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SnapshotBenchmark {

  static final int PODS_PER_NODE = 20;

  @Param({"500", "5000"})
  public int nodes;

  private SchedulerCache cache;
  private Snapshot snapshot;
  private Pod[] extra;
  private boolean[] extraPresent;
  private int next;

  /**
   * A pod on {@code node} sharing {@code spec}: the cache treats pods as immutable, so sharing the
   * spec keeps setup fast without changing what the cache computes.
   */
  static Pod pod(String name, PodSpec spec) {
    ObjectMeta m = new ObjectMeta();
    m.setName(name);
    m.setNamespace("default");
    m.setUid("uid-" + name);
    Pod p = new Pod();
    p.setMetadata(m);
    p.setSpec(spec);
    return p;
  }

  static PodSpec specOn(String node) {
    PodSpec s = Fixtures.pod("template").requests("100m", "128Mi").nodeName(node).build().getSpec();
    return s;
  }

  @Setup(Level.Trial)
  public void setUp() {
    cache = new SchedulerCache(new FakeClock());
    extra = new Pod[nodes];
    extraPresent = new boolean[nodes];
    for (int n = 0; n < nodes; n++) {
      String name = "node-" + n;
      Node node = Fixtures.node(name).allocatable("32", "128Gi").zone("zone-" + n % 3).build();
      cache.addNode(node);
      PodSpec spec = specOn(name);
      for (int i = 0; i < PODS_PER_NODE; i++) {
        cache.addPod(pod(name + "-pod-" + i, spec));
      }
      extra[n] = pod(name + "-extra", spec);
    }
    snapshot = new Snapshot();
    cache.updateSnapshot(snapshot);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    cache.close();
  }

  @Benchmark
  public Snapshot incrementalUpdate() {
    changeOnePod();
    cache.updateSnapshot(snapshot);
    return snapshot;
  }

  /** The pod change of {@link #incrementalUpdate} alone, to tell its cost from the snapshot's. */
  @Benchmark
  public boolean podChange() {
    return changeOnePod();
  }

  private boolean changeOnePod() {
    int i = next;
    next = (i + 1) % extra.length;
    if (extraPresent[i]) {
      cache.removePod(extra[i]);
    } else {
      cache.addPod(extra[i]);
    }
    extraPresent[i] = !extraPresent[i];
    return extraPresent[i];
  }

  @Benchmark
  public Snapshot fullRebuild() {
    Snapshot s = new Snapshot();
    cache.updateSnapshot(s);
    return s;
  }

  @Benchmark
  public boolean assumePodFinishBinding() {
    Pod p = extraFor();
    cache.assumePod(p);
    cache.finishBinding(p);
    cache.forgetPod(p);
    return extraPresent[0];
  }

  @Benchmark
  public boolean assumePodForget() {
    Pod p = extraFor();
    cache.assumePod(p);
    cache.forgetPod(p);
    return extraPresent[0];
  }

  /** The next extra pod; never in the cache in the assume benchmarks. */
  private Pod extraFor() {
    int i = next;
    next = (i + 1) % extra.length;
    return extra[i];
  }
}
