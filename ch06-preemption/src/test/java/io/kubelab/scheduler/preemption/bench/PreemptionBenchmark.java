package io.kubelab.scheduler.preemption.bench;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudgetBuilder;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.apimachinery.testing.RealisticCluster;
import io.kubelab.scheduler.algorithm.FitError;
import io.kubelab.scheduler.algorithm.FitPredicate;
import io.kubelab.scheduler.algorithm.GenericScheduler;
import io.kubelab.scheduler.algorithm.TestCluster;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.predicates.MetadataProducer;
import io.kubelab.scheduler.predicates.Predicates;
import io.kubelab.scheduler.predicates.VolumeListers;
import io.kubelab.scheduler.preemption.PdbLister;
import io.kubelab.scheduler.preemption.Preemption;
import io.kubelab.scheduler.preemption.PreemptionResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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

  @Param({"realistic", "perf"})
  public String cluster;

  static final int PODS_PER_NODE = 4;
  static final int ZONES = 10;
  static final List<String> APPS = List.of("web", "api", "db", "cache", "batch", "search");

  record Cluster(
      List<Node> nodes,
      List<Pod> pods,
      List<PodDisruptionBudget> pdbs,
      VolumeListers volumes,
      Pod preemptor) {}

  // Building 90 000 pods takes seconds; the benchmark only reads the cluster.
  private static final Map<String, Cluster> CLUSTERS = new ConcurrentHashMap<>();

  private GenericScheduler scheduler;
  private Preemption preemption;
  private Pod preemptor;
  private FitError fitError;

  static Cluster perf(int n) {
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
    List<PodDisruptionBudget> pdbs = List.of(pdb("default", "db", 0), pdb("default", "search", 3));
    Pod preemptor =
        Fixtures.pod("high").label("app", "critical").priority(10).requests("3", "500Mi").build();
    return new Cluster(nodeList, pods, pdbs, VolumeListers.NONE, preemptor);
  }

  static PodDisruptionBudget pdb(String namespace, String app, int disruptionsAllowed) {
    return new PodDisruptionBudgetBuilder()
        .withNewMetadata()
        .withName(app)
        .withNamespace(namespace)
        .endMetadata()
        .withNewSpec()
        .withSelector(Fixtures.matchLabels("app", app))
        .endSpec()
        .withNewStatus()
        .withDisruptionsAllowed(disruptionsAllowed)
        .endStatus()
        .build();
  }

  static Cluster realistic(int n) {
    RealisticCluster c = RealisticCluster.generate(n, 1);
    // PDBs over the two apps with the most pods (outside kube-system).
    Map<List<String>, Integer> apps = new HashMap<>();
    for (Pod p : c.pods()) {
      String app = p.getMetadata().getLabels().get("app");
      if (app != null && !"kube-system".equals(p.getMetadata().getNamespace())) {
        apps.merge(List.of(p.getMetadata().getNamespace(), app), 1, Integer::sum);
      }
    }
    List<List<String>> top =
        apps.entrySet().stream()
            .sorted(Map.Entry.<List<String>, Integer>comparingByValue().reversed())
            .limit(2)
            .map(Map.Entry::getKey)
            .toList();
    List<PodDisruptionBudget> pdbs =
        List.of(
            pdb(top.get(0).get(0), top.get(0).get(1), 0),
            pdb(top.get(1).get(0), top.get(1).get(1), 3));
    // The pod asks for a little more CPU than any schedulable node has free, so it fits nowhere
    // and needs evictions wherever it could fit at all.
    Snapshot snapshot = Snapshot.of(c.pods(), c.nodes());
    long maxFree = 0;
    for (NodeInfo ni : snapshot.list()) {
      boolean schedulable =
          !Boolean.TRUE.equals(ni.node().getSpec().getUnschedulable())
              && ni.taints().stream().noneMatch(t -> !"PreferNoSchedule".equals(t.getEffect()));
      if (schedulable) {
        maxFree =
            Math.max(
                maxFree, ni.allocatableResource().milliCpu() - ni.requestedResource().milliCpu());
      }
    }
    Pod preemptor =
        new PodBuilder(c.incoming("basic"))
            .editMetadata()
            .withName("high")
            .endMetadata()
            .editSpec()
            .withPriority(1_000_000)
            .editFirstContainer()
            .withNewResources()
            .addToRequests("cpu", new Quantity((maxFree + 100) + "m"))
            .addToRequests("memory", new Quantity("1Gi"))
            .endResources()
            .endContainer()
            .endSpec()
            .build();
    Map<String, PersistentVolumeClaim> claims = new HashMap<>();
    c.claims()
        .forEach(
            pvc ->
                claims.put(
                    pvc.getMetadata().getNamespace() + "/" + pvc.getMetadata().getName(), pvc));
    Map<String, PersistentVolume> volumes = new HashMap<>();
    c.volumes().forEach(pv -> volumes.put(pv.getMetadata().getName(), pv));
    VolumeListers listers =
        VolumeListers.of(
            claims,
            volumes,
            Map.of(
                RealisticCluster.STORAGE_CLASS_IMMEDIATE, "kubernetes.io/gce-pd",
                RealisticCluster.STORAGE_CLASS_WAIT, "kubernetes.io/no-provisioner"));
    return new Cluster(c.nodes(), c.pods(), pdbs, listers, preemptor);
  }

  @Setup(Level.Trial)
  public void setUp() {
    Cluster c =
        CLUSTERS.computeIfAbsent(
            cluster + "/" + nodes, k -> cluster.equals("perf") ? perf(nodes) : realistic(nodes));
    Snapshot snapshot = Snapshot.of(c.pods(), c.nodes());
    Map<String, FitPredicate> predicates =
        new LinkedHashMap<>(Predicates.all(() -> snapshot, c.volumes()));
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
    preemptor = c.preemptor();
    try {
      scheduler.schedule(preemptor);
      throw new IllegalStateException("the high-priority pod fits without preemption");
    } catch (FitError e) {
      fitError = e;
    }
    PreemptionResult r = preemption.preempt(preemptor, fitError);
    if (r.victims().isEmpty() || (cluster.equals("perf") && r.victims().size() != 3)) {
      throw new IllegalStateException("unexpected victims: " + r.victims().size());
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
