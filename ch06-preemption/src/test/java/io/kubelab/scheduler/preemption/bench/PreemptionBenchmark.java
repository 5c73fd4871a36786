package io.kubelab.scheduler.preemption.bench;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudgetBuilder;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.FitError;
import io.kubelab.scheduler.algorithm.FitPredicate;
import io.kubelab.scheduler.algorithm.GenericScheduler;
import io.kubelab.scheduler.algorithm.TestCluster;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.predicates.MetadataProducer;
import io.kubelab.scheduler.predicates.Predicates;
import io.kubelab.scheduler.predicates.VolumeListers;
import io.kubelab.scheduler.preemption.PdbLister;
import io.kubelab.scheduler.preemption.Preemption;
import io.kubelab.scheduler.preemption.PreemptionResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * One high-priority pod preempting in a cluster full of low-priority pods: upstream's
 * scheduler_perf "Preemption" workload (nodes of 4 CPU and 32 Gi, four 900m/500Mi low-priority pods
 * on each, a 3000m high-priority pod) on a more varied cluster: ten zones, labels, low priorities
 * of -10, 0 and 100, start times spread over a month, one pod in ten with required anti-affinity,
 * and PodDisruptionBudgets over two of the six apps. The pod fits nowhere; on every node it fits
 * after evicting three of the four pods. One invocation is {@link Preemption#preempt} for that pod
 * with the DefaultProvider predicates this book implements, the candidate nodes evaluated on two
 * workers (the machine's two cores). Goals: ≤ 5 ms at 500 nodes, ≤ 40 ms at 5000.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PreemptionBenchmark {

  @Param({"500", "5000"})
  public int nodes;

  static final int PODS_PER_NODE = 4;
  static final int ZONES = 10;
  static final List<String> APPS = List.of("web", "api", "db", "cache", "batch", "search");

  record Cluster(List<Node> nodes, List<Pod> pods, List<PodDisruptionBudget> pdbs) {}

  // Building 20 000 pods takes seconds; the benchmark only reads the cluster.
  private static final Map<Integer, Cluster> CLUSTERS = new ConcurrentHashMap<>();

  private GenericScheduler scheduler;
  private Preemption preemption;
  private Pod preemptor;
  private FitError fitError;

  static Cluster cluster(int n) {
    Random r = new Random(42 + n);
    List<Node> nodeList = new ArrayList<>(n);
    List<Pod> pods = new ArrayList<>(n * PODS_PER_NODE);
    for (int i = 0; i < n; i++) {
      String name = String.format("node-%05d", i);
      nodeList.add(
          Fixtures.node(name)
              .allocatable("4", "32Gi")
              .pods(110)
              .zone("zone-" + (i % ZONES))
              .region("region-" + (i % 2))
              .label("pool", r.nextInt(4) == 0 ? "highmem" : "general")
              .build());
      for (int j = 0; j < PODS_PER_NODE; j++) {
        String app = APPS.get(r.nextInt(APPS.size()));
        Fixtures.PodFixture f =
            Fixtures.pod(name + "-pod-" + j)
                .label("app", app)
                .priority(List.of(-10, 0, 0, 100).get(r.nextInt(4)))
                .requests("900m", "500Mi")
                .nodeName(name);
        if (r.nextInt(10) == 0) {
          f.requiredPodAntiAffinity(
              Fixtures.affinityTerm(Fixtures.LABEL_HOSTNAME, Fixtures.matchLabels("app", app)));
        }
        Pod p = f.build();
        p.getStatus()
            .setStartTime(
                Instant.parse("2020-01-01T00:00:00Z")
                    .plusSeconds(r.nextInt(30 * 24 * 3600))
                    .toString());
        pods.add(p);
      }
    }
    List<PodDisruptionBudget> pdbs = new ArrayList<>();
    for (String app : List.of("db", "search")) {
      pdbs.add(
          new PodDisruptionBudgetBuilder()
              .withNewMetadata()
              .withName(app)
              .withNamespace("default")
              .endMetadata()
              .withNewSpec()
              .withSelector(Fixtures.matchLabels("app", app))
              .endSpec()
              .withNewStatus()
              .withDisruptionsAllowed(app.equals("db") ? 0 : 3)
              .endStatus()
              .build());
    }
    return new Cluster(nodeList, pods, pdbs);
  }

  @Setup(Level.Trial)
  public void setUp() {
    Cluster c = CLUSTERS.computeIfAbsent(nodes, PreemptionBenchmark::cluster);
    Snapshot snapshot = Snapshot.of(c.pods(), c.nodes());
    Map<String, FitPredicate> predicates =
        new LinkedHashMap<>(Predicates.all(() -> snapshot, VolumeListers.NONE));
    predicates.keySet().retainAll(Predicates.DEFAULT_PROVIDER);
    scheduler =
        GenericScheduler.builder(new TestCluster.SnapshotCache(), snapshot)
            .predicates(predicates)
            .predicateMetadataProducer(new MetadataProducer())
            .parallelism(2)
            .build();
    preemption =
        Preemption.builder(scheduler, new FakeClock(Instant.parse("2020-03-01T00:00:00Z")))
            .pdbLister(PdbLister.of(c.pdbs()))
            .parallelism(2)
            .build();
    preemptor =
        Fixtures.pod("high").label("app", "critical").priority(10).requests("3", "500Mi").build();
    try {
      scheduler.schedule(preemptor);
      throw new IllegalStateException("the high-priority pod fits without preemption");
    } catch (FitError e) {
      fitError = e;
    }
    PreemptionResult r = preemption.preempt(preemptor, fitError);
    if (r.victims().size() != 3) {
      throw new IllegalStateException("expected 3 victims, got " + r);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    preemption.close();
    scheduler.close();
  }

  @Benchmark
  public PreemptionResult preempt() {
    return preemption.preempt(preemptor, fitError);
  }
}
