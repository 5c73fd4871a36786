package io.kubelab.scheduler.priorities.bench;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.AlgorithmConfig;
import io.kubelab.scheduler.algorithm.AlgorithmFactoryArgs;
import io.kubelab.scheduler.algorithm.AlgorithmProviders;
import io.kubelab.scheduler.algorithm.AlgorithmRegistry;
import io.kubelab.scheduler.algorithm.Configurator;
import io.kubelab.scheduler.algorithm.GenericScheduler;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.algorithm.PriorityMetadata;
import io.kubelab.scheduler.algorithm.PriorityMetadataProducer;
import io.kubelab.scheduler.algorithm.policy.Policies;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.priorities.Priorities;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
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
 * Scoring one pod over every node of a large cluster, the way chapter 02's generic scheduler does
 * it once filtering is done: produce the priority metadata, then {@link
 * GenericScheduler#prioritizeNodes} (the map phase in parallel over nodes on this machine's default
 * of 2 workers, one reduce task per priority, the weighted sum).
 *
 * <ul>
 *   <li>{@link #defaultPriorities}: the DefaultProvider's priorities this chapter has
 *       (InterPodAffinity, LeastRequested, BalancedResourceAllocation, NodePreferAvoidPods × 10000,
 *       NodeAffinity, TaintToleration, ImageLocality; SelectorSpread is chapter 05's) for an
 *       ordinary pod. Goal: at most 1.5 ms per pod at 5000 nodes, and 5000 nodes within 12× of 500.
 *   <li>{@link #interPodAffinityPriority}: InterPodAffinityPriority alone for a pod with preferred
 *       anti-affinity, in a cluster where 1000 pods carry (anti-)affinity of their own: every pod
 *       of the cluster is matched against the pod's terms. Goal: at most 10 ms per pod at 5000
 *       nodes.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PrioritiesBenchmark {

  @Param({"500", "5000"})
  public int nodes;

  static final int PODS_PER_NODE = 20;
  static final int PODS_WITH_AFFINITY = 1000;

  // Building 100 000 pods takes seconds; both benchmarks of one JVM share the (read-only) cluster.
  private static final Map<Integer, Snapshot> CLUSTERS = new ConcurrentHashMap<>();

  private SchedulerCache cache;
  private Parallelizer workers;
  private GenericScheduler defaults;
  private PriorityMetadataProducer defaultsMeta;
  private GenericScheduler interPod;
  private PriorityMetadataProducer interPodMeta;
  private Snapshot snapshot;
  private List<NodeInfo> all;
  private Pod ordinary;
  private Pod antiAffinity;

  @Setup(Level.Trial)
  public void setUp() {
    snapshot = CLUSTERS.computeIfAbsent(nodes, PrioritiesBenchmark::cluster);
    all = snapshot.list();
    cache = new SchedulerCache(new FakeClock());
    workers =
        new Parallelizer(
            "priorities-bench",
            Math.min(Parallelizer.DEFAULT_PARALLELISM, Runtime.getRuntime().availableProcessors()));
    AlgorithmRegistry registry = new AlgorithmRegistry();
    AlgorithmProviders.registerAll(registry);
    Priorities.registerAll(registry);
    AlgorithmConfig d =
        new Configurator(registry, AlgorithmFactoryArgs.of(snapshot))
            .createFromConfig(
                Policies.parse(
                    """
                    {"kind": "Policy", "apiVersion": "v1", "predicates": [],
                     "priorities": [
                       {"name": "InterPodAffinityPriority", "weight": 1},
                       {"name": "LeastRequestedPriority", "weight": 1},
                       {"name": "BalancedResourceAllocation", "weight": 1},
                       {"name": "NodePreferAvoidPodsPriority", "weight": 10000},
                       {"name": "NodeAffinityPriority", "weight": 1},
                       {"name": "TaintTolerationPriority", "weight": 1},
                       {"name": "ImageLocalityPriority", "weight": 1}
                     ]}"""));
    defaults = GenericScheduler.builder(cache, snapshot).algorithm(d).parallelizer(workers).build();
    defaultsMeta = d.priorityMetadataProducer();
    AlgorithmConfig i =
        new Configurator(registry, AlgorithmFactoryArgs.of(snapshot))
            .createFromConfig(
                Policies.parse(
                    """
                    {"kind": "Policy", "apiVersion": "v1", "predicates": [],
                     "priorities": [{"name": "InterPodAffinityPriority", "weight": 1}]}"""));
    interPod = GenericScheduler.builder(cache, snapshot).algorithm(i).parallelizer(workers).build();
    interPodMeta = i.priorityMetadataProducer();
    ordinary =
        Fixtures.pod("ordinary")
            .label("app", "app-7")
            .requests("500m", "1Gi")
            .image("registry.example.com/app-7:1.4")
            .ownedByReplicaSet("app-7")
            .build();
    antiAffinity =
        Fixtures.pod("spread-me")
            .label("app", "app-3")
            .requests("500m", "1Gi")
            .preferredPodAntiAffinity(
                100,
                Fixtures.affinityTerm(
                    Fixtures.LABEL_HOSTNAME, Fixtures.matchLabels("app", "app-3")))
            .build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    defaults.close();
    interPod.close();
    workers.close();
    cache.close();
  }

  /** An ordinary pod through the DefaultProvider priorities over every node. */
  @Benchmark
  public NodeScoreList defaultPriorities() {
    PriorityMetadata meta = defaultsMeta.produce(ordinary, all, snapshot, workers);
    return defaults.prioritizeNodes(ordinary, meta, all);
  }

  /** A pod with preferred anti-affinity through InterPodAffinityPriority over every node. */
  @Benchmark
  public NodeScoreList interPodAffinityPriority() {
    PriorityMetadata meta = interPodMeta.produce(antiAffinity, all, snapshot, workers);
    return interPod.prioritizeNodes(antiAffinity, meta, all);
  }

  /**
   * {@code nodes} nodes in 10 zones of 16 to 64 cores, a tenth of them with a PreferNoSchedule
   * taint, each holding 5 of 40 images; 20 pods per node from 200 apps with their own images and
   * requests; 1000 of the pods with preferred (anti-)affinity of their own.
   */
  static Snapshot cluster(int nodes) {
    SplittableRandom r = new SplittableRandom(4);
    List<Node> nodeList = new ArrayList<>(nodes);
    List<Pod> pods = new ArrayList<>(nodes * PODS_PER_NODE);
    int withAffinity = 0;
    int affinityEvery = Math.max(1, nodes * PODS_PER_NODE / PODS_WITH_AFFINITY);
    for (int i = 0; i < nodes; i++) {
      String name = String.format("node-%05d", i);
      int cores = 16 << r.nextInt(3);
      Fixtures.NodeFixture n =
          Fixtures.node(name)
              .allocatable(cores + "", (cores * 4) + "Gi")
              .pods(110)
              .zone("zone-" + (i % 10))
              .region("region-" + (i % 2))
              .label("node.kubernetes.io/instance-type", "m5." + cores + "xlarge");
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
            Fixtures.pod(name + "-p" + k)
                .label("app", "app-" + app)
                .requests((100 + r.nextInt(900)) + "m", (128 + r.nextInt(2048)) + "Mi")
                .image("registry.example.com/app-" + (app % 40) + ":1.4")
                .ownedByReplicaSet("app-" + app)
                .nodeName(name);
        if (withAffinity < PODS_WITH_AFFINITY && seq % affinityEvery == 0) {
          if (withAffinity % 2 == 0) {
            p.preferredPodAntiAffinity(
                50,
                Fixtures.affinityTerm(
                    Fixtures.LABEL_HOSTNAME, Fixtures.matchLabels("app", "app-" + app)));
          } else {
            p.preferredPodAffinity(
                20,
                Fixtures.affinityTerm(Fixtures.LABEL_ZONE, Fixtures.matchLabels("app", "app-3")));
          }
          withAffinity++;
        }
        pods.add(p.build());
      }
    }
    return Snapshot.of(pods, nodeList);
  }
}
