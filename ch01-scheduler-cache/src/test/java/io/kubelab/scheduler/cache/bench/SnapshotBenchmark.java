package io.kubelab.scheduler.cache.bench;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.apimachinery.testing.RealisticCluster;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.ArrayList;
import java.util.List;
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
 * <p>The cluster is {@link RealisticCluster}'s mix (five node pools over three zones, about 18
 * varied pods per node, some with pod affinity or anti-affinity). The pod that changes on a node is
 * one of the mix's incoming pods, bound there under a name of its own: some of them carry pod
 * affinity or anti-affinity, so the snapshot's affinity lists are rebuilt along the way.
 *
 * <ul>
 *   <li>{@code incrementalUpdate}: one pod change, then {@code updateSnapshot} of a snapshot that
 *       was current before it. Invocations alternate between adding a pod to a node and removing
 *       the pod added there one round earlier.
 *   <li>{@code podChange}: the same pod change without the snapshot update, so that the difference
 *       is what {@code updateSnapshot} costs.
 *   <li>{@code fullRebuild}: a new snapshot of the same cache, copying every NodeInfo.
 *   <li>{@code assumePodFinishBinding}: the scheduling thread's part of a binding, {@code
 *       assumePod} + {@code finishBinding}, plus the {@code forgetPod} that restores the cache;
 *       {@code assumePodForget} is the same without {@code finishBinding}, for comparison.
 * </ul>
 *
 * <p>Goal: at 5000 nodes, {@code incrementalUpdate} at least 200× faster than {@code fullRebuild}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SnapshotBenchmark {

  @Param({"500", "5000"})
  public int nodes;

  private SchedulerCache cache;
  private Snapshot snapshot;
  private Pod[] extra;
  private boolean[] extraPresent;
  private int next;

  /** {@code template} bound to {@code node} under a name and UID of its own. */
  static Pod boundCopy(Pod template, String node, int i) {
    String name = template.getMetadata().getName() + "-" + i;
    return new PodBuilder(template)
        .editMetadata()
        .withName(name)
        .withUid(Fixtures.uidFor("Pod", "bench/" + name))
        .endMetadata()
        .editSpec()
        .withNodeName(node)
        .endSpec()
        .build();
  }

  @Setup(Level.Trial)
  public void setUp() {
    RealisticCluster cluster = RealisticCluster.generate(nodes, 1);
    cache = new SchedulerCache(new FakeClock());
    cluster.nodes().forEach(cache::addNode);
    cluster.pods().forEach(cache::addPod);
    List<Pod> templates = new ArrayList<>(cluster.incoming().values());
    extra = new Pod[nodes];
    extraPresent = new boolean[nodes];
    for (int n = 0; n < nodes; n++) {
      String name = cluster.nodes().get(n).getMetadata().getName();
      extra[n] = boundCopy(templates.get(n % templates.size()), name, n);
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
