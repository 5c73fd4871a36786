package io.kubelab.scheduler.framework.bench;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.AlgorithmConfig;
import io.kubelab.scheduler.algorithm.GenericScheduler;
import io.kubelab.scheduler.algorithm.ScheduleResult;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.core.FrameworkGenericScheduler;
import io.kubelab.scheduler.framework.plugins.PodBinder;
import io.kubelab.scheduler.framework.profile.Profiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
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
 * One scheduling decision for an ordinary pod over a large cluster, both ways: the {@value
 * Profiles#DEFAULT_118} framework profile on {@link FrameworkGenericScheduler} ({@link
 * #scheduleOneFramework}: PreFilter, Filter in parallel, PreScore, Score in parallel, selectHost)
 * and the {@value Profiles#LEGACY_117} predicates and priorities on chapter 02's generic scheduler
 * ({@link #scheduleOneLegacy}). Both examine the same share of nodes (the adaptive {@code
 * numFeasibleNodesToFind}), on 2 workers, and neither binds, so every invocation sees the same
 * cluster.
 *
 * <p>Goal: the framework costs at most 1.2 times the legacy path, and at most 1 ms per pod at 5000
 * nodes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FrameworkBenchmark {

  @Param({"5000"})
  public int nodes;

  static final int PODS_PER_NODE = 20;

  private SchedulerCache cache;
  private Parallelizer parallelizer;
  private GenericScheduler legacy;
  private FrameworkGenericScheduler framework;
  private FrameworkImpl fwk;
  private Pod ordinary;

  @Setup(Level.Trial)
  public void setUp() {
    cache = new SchedulerCache(new FakeClock());
    List<Node> nodeList = new ArrayList<>();
    List<Pod> pods = new ArrayList<>();
    cluster(nodes, nodeList, pods);
    nodeList.forEach(cache::addNode);
    pods.forEach(cache::addPod);
    parallelizer = new Parallelizer("framework-bench", 2);

    Snapshot legacySnapshot = new Snapshot();
    AlgorithmConfig config = Profiles.legacy117(legacySnapshot);
    legacy =
        GenericScheduler.builder(cache, legacySnapshot)
            .algorithm(config)
            .random(new Random(1))
            .parallelizer(parallelizer)
            .build();

    Snapshot frameworkSnapshot = new Snapshot();
    fwk =
        Profiles.newMap(
                Profiles.default118(),
                () ->
                    FrameworkImpl.builder(Profiles.registry())
                        .snapshot(frameworkSnapshot)
                        .clock(new FakeClock())
                        .parallelizer(parallelizer)
                        .component(PodBinder.class, b -> {}))
            .get("default-scheduler");
    framework =
        new FrameworkGenericScheduler(
            cache, frameworkSnapshot, parallelizer, null, 0, new Random(1));
    ordinary =
        Fixtures.pod("ordinary")
            .uid("ordinary")
            .label("app", "app-7")
            .requests("500m", "1Gi")
            .image("registry.example.com/app-7:1.4")
            .ownedByReplicaSet("app-7")
            .build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    legacy.close();
    parallelizer.close();
    cache.close();
  }

  /** An ordinary pod through the default-1.18 framework profile. */
  @Benchmark
  public ScheduleResult scheduleOneFramework() {
    return framework.schedule(fwk, new CycleState(), ordinary);
  }

  /** An ordinary pod through the legacy-1.17 predicates and priorities. */
  @Benchmark
  public ScheduleResult scheduleOneLegacy() {
    return legacy.schedule(ordinary);
  }

  /**
   * {@code nodes} nodes in 3 zones of 16 to 64 cores, a tenth with a PreferNoSchedule taint, each
   * holding 5 of 40 images; 20 pods per node from 200 apps (their own images, requests, a host port
   * for every 50th), owned by ReplicaSets.
   */
  static void cluster(int nodes, List<Node> nodeList, List<Pod> pods) {
    SplittableRandom r = new SplittableRandom(8);
    for (int i = 0; i < nodes; i++) {
      String name = String.format("node-%05d", i);
      int cores = 16 << r.nextInt(3);
      Fixtures.NodeFixture n =
          Fixtures.node(name)
              .allocatable(cores + "", (cores * 4) + "Gi")
              .pods(110)
              .zone("zone-" + (i % 3))
              .region("region-1");
      if (r.nextInt(10) == 0) {
        n.taint("maintenance", "soon", "PreferNoSchedule");
      }
      for (int k = 0; k < 5; k++) {
        int image = r.nextInt(40);
        n.image((50L + image * 25L) << 20, "registry.example.com/app-" + image + ":1.4");
      }
      nodeList.add(n.build());
      for (int k = 0; k < PODS_PER_NODE; k++) {
        int seq = i * PODS_PER_NODE + k;
        int app = seq % 200;
        Fixtures.PodFixture p =
            Fixtures.pod(String.format("pod-%07d", seq))
                .uid("uid-" + seq)
                .label("app", "app-" + app)
                .requests((100 + app % 5 * 100) + "m", (128 + app % 4 * 128) + "Mi")
                .image("registry.example.com/app-" + (app % 40) + ":1.4")
                .ownedByReplicaSet("app-" + app)
                .nodeName(name);
        if (seq % 50 == 0) {
          p.hostPort(8080);
        }
        pods.add(p.build());
      }
    }
  }
}
