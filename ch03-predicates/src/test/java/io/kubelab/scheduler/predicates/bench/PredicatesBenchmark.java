package io.kubelab.scheduler.predicates.bench;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.kubelab.apimachinery.testing.RealisticCluster;
import io.kubelab.scheduler.algorithm.AlgorithmFactoryArgs;
import io.kubelab.scheduler.algorithm.AlgorithmProviders;
import io.kubelab.scheduler.algorithm.FitPredicate;
import io.kubelab.scheduler.algorithm.PredicateMetadata;
import io.kubelab.scheduler.algorithm.PredicateOrdering;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.predicates.MetadataProducer;
import io.kubelab.scheduler.predicates.PredicateSettings;
import io.kubelab.scheduler.predicates.Predicates;
import io.kubelab.scheduler.predicates.VolumeListers;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Filtering one pod over a large, realistic cluster: apimachinery's {@link RealisticCluster} of
 * {@code nodes} nodes (five pools over three zones, about 18 varied pods per node, claims bound to
 * zonal disks and local volumes). Each invocation does what one scheduling cycle does for the pod:
 * compute the metadata once, then run the DefaultProvider's predicates (with EvenPodsSpread, as
 * with its gate on) on every node, in order, single-threaded, stopping per node at the first
 * failure. Goals, per pod at 5000 nodes: 2 ms for {@link #generalPredicates}, 20 ms for {@link
 * #interPodAntiAffinity}.
 *
 * <p>Besides JMH's wall-clock time per operation, each benchmark prints the CPU time its thread
 * used per operation ({@link CpuTime}). On a shared machine, where other processes hold most of the
 * cores, that figure is the closer one to the code's own cost.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PredicatesBenchmark {

  @Param({"5000"})
  public int nodes;

  static final long SEED = 1;

  /** A bound claim as the API server shows it: the PV controller marks the binding complete. */
  static final String BIND_COMPLETED = "pv.kubernetes.io/bind-completed";

  private Snapshot snapshot;
  private MetadataProducer producer;
  private FitPredicate[] general;
  private FitPredicate[] all;
  private Pod basicPod;
  private Pod antiAffinityPod;
  private Pod pvcPod;

  // Generating the cluster takes seconds; the benchmarks of one JVM share it (read only).
  private static final Map<Integer, RealisticCluster> CLUSTERS = new ConcurrentHashMap<>();

  @Setup
  public void setUp() {
    RealisticCluster c = CLUSTERS.computeIfAbsent(nodes, n -> RealisticCluster.generate(n, SEED));
    snapshot = Snapshot.of(c.pods(), c.nodes());
    producer = new MetadataProducer();
    VolumeListers listers = VolumeListers.of(completed(c.claims()), c.volumes(), classes());
    PredicateSettings gateOn = PredicateSettings.V1_17_DEFAULTS.withEvenPodsSpread(true);
    Map<String, FitPredicate> byName =
        new LinkedHashMap<>(
            Predicates.all(
                new AlgorithmFactoryArgs(snapshot, 1, Map.of(VolumeListers.class, listers)),
                gateOn));
    Set<String> provider = new HashSet<>(AlgorithmProviders.DEFAULT_PREDICATES);
    provider.add(PredicateOrdering.EVEN_PODS_SPREAD_PRED);
    byName.keySet().retainAll(provider);
    all = ordered(byName);
    byName.remove(PredicateOrdering.MATCH_INTER_POD_AFFINITY_PRED);
    general = ordered(byName);
    basicPod = c.incoming("basic");
    antiAffinityPod = c.incoming("podAntiAffinity");
    pvcPod = c.incoming("pvc");
  }

  private static List<PersistentVolumeClaim> completed(List<PersistentVolumeClaim> claims) {
    return claims.stream()
        .map(
            pvc ->
                pvc.getSpec().getVolumeName() == null
                    ? pvc
                    : new PersistentVolumeClaimBuilder(pvc)
                        .editMetadata()
                        .addToAnnotations(BIND_COMPLETED, "yes")
                        .endMetadata()
                        .build())
        .toList();
  }

  /** The cluster's two classes: zonal disks bound at once, local volumes bound late. */
  private static List<StorageClass> classes() {
    return List.of(
        new StorageClassBuilder()
            .withNewMetadata()
            .withName(RealisticCluster.STORAGE_CLASS_IMMEDIATE)
            .endMetadata()
            .withProvisioner("kubernetes.io/gce-pd")
            .withVolumeBindingMode("Immediate")
            .build(),
        new StorageClassBuilder()
            .withNewMetadata()
            .withName(RealisticCluster.STORAGE_CLASS_WAIT)
            .endMetadata()
            .withProvisioner("kubernetes.io/no-provisioner")
            .withVolumeBindingMode("WaitForFirstConsumer")
            .build());
  }

  private static FitPredicate[] ordered(Map<String, FitPredicate> byName) {
    return Predicates.ORDERING.stream()
        .filter(byName::containsKey)
        .map(byName::get)
        .toArray(FitPredicate[]::new);
  }

  /**
   * The benchmark thread's own CPU time per operation, printed per iteration and at the end of the
   * trial (in milliseconds) beside JMH's wall-clock scores.
   */
  @State(Scope.Thread)
  public static class CpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final List<Double> perIteration = new ArrayList<>();
    private long nanos;
    private long ops;

    /** Starts each iteration from zero. */
    @Setup(Level.Iteration)
    public void reset() {
      nanos = 0;
      ops = 0;
    }

    /** Records the iteration's CPU time per operation. */
    @TearDown(Level.Iteration)
    public void record() {
      if (ops > 0) {
        perIteration.add(nanos / 1e6 / ops);
      }
    }

    /** Prints the figures of the measured iterations (the warmup ones come first). */
    @TearDown(Level.Trial)
    public void print(BenchmarkParams params) {
      int warmup = params.getWarmup().getCount();
      List<Double> measured =
          perIteration.subList(Math.min(warmup, perIteration.size()), perIteration.size());
      double mean = measured.stream().mapToDouble(Double::doubleValue).average().orElse(0);
      System.out.printf(
          "%n%s: CPU time per op %.3f ms (mean of %d iterations: %s)%n",
          params.getBenchmark(),
          mean,
          measured.size(),
          measured.stream().map(d -> String.format("%.3f", d)).toList());
    }

    <T> T measure(Supplier<T> op) {
      long start = THREADS.getCurrentThreadCpuTime();
      T result = op.get();
      nanos += THREADS.getCurrentThreadCpuTime() - start;
      ops++;
      return result;
    }
  }

  /**
   * The first step of {@link #generalPredicates} alone: the basic pod's metadata, which scans the
   * anti-affinity of every pod already placed.
   */
  @Benchmark
  public PredicateMetadata metadata(CpuTime cpu) {
    return cpu.measure(() -> producer.produce(basicPod, snapshot));
  }

  /** A basic pod through every predicate but inter-pod affinity; returns the fitting count. */
  @Benchmark
  public Integer generalPredicates(CpuTime cpu) {
    return cpu.measure(() -> filter(basicPod, general));
  }

  /** A pod with required anti-affinity (by hostname) through every predicate. */
  @Benchmark
  public Integer interPodAntiAffinity(CpuTime cpu) {
    return cpu.measure(() -> filter(antiAffinityPod, all));
  }

  /**
   * A pod with a claim that waits for its first consumer through every predicate: the volume
   * predicates' costly case, where CheckVolumeBinding looks for a local volume on every node.
   */
  @Benchmark
  public Integer volumeBinding(CpuTime cpu) {
    return cpu.measure(() -> filter(pvcPod, all));
  }

  private int filter(Pod pod, FitPredicate[] predicates) {
    PredicateMetadata meta = producer.produce(pod, snapshot);
    int fits = 0;
    for (NodeInfo ni : snapshot.list()) {
      boolean ok = true;
      for (FitPredicate p : predicates) {
        if (!p.check(pod, meta, ni).fits()) {
          ok = false;
          break;
        }
      }
      if (ok) {
        fits++;
      }
    }
    return fits;
  }
}
