package io.kubelab.scheduler.predicates.bench;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.Fixtures;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * Filtering one pod over a large cluster: {@code nodes} nodes with 20 pods each, 1000 of them
 * carrying required anti-affinity (issue 5's targets: 2 ms for {@link #generalPredicates}, 20 ms
 * for {@link #interPodAntiAffinity}, per pod). Each invocation does what one scheduling cycle does
 * for the pod: compute the metadata once, then run the DefaultProvider predicates this chapter
 * implements (plus EvenPodsSpread) on every node, in order, single-threaded, stopping per node at
 * the first failure.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PredicatesBenchmark {

  @Param({"5000"})
  public int nodes;

  static final int PODS_PER_NODE = 20;
  static final int PODS_WITH_ANTI_AFFINITY = 1000;
  static final int ZONES = 10;

  private Snapshot snapshot;
  private MetadataProducer producer;
  private FitPredicate[] general;
  private FitPredicate[] all;
  private Pod basicPod;
  private Pod antiAffinityPod;

  // Building 100 000 pods takes seconds; both benchmarks of one JVM share the cluster (it is only
  // read: predicates and the metadata producer never modify the snapshot).
  private static final Map<Integer, Snapshot> CLUSTERS =
      new java.util.concurrent.ConcurrentHashMap<>();

  @Setup
  public void setUp() {
    snapshot = CLUSTERS.computeIfAbsent(nodes, PredicatesBenchmark::cluster);
    producer = new MetadataProducer();
    // What a scheduler built from the DefaultProvider runs (GeneralPredicates, not also its four
    // parts), plus EvenPodsSpread as with its feature gate on.
    Map<String, FitPredicate> byName =
        new LinkedHashMap<>(
            Predicates.all(
                AlgorithmFactoryArgs.of(snapshot),
                PredicateSettings.V1_17_DEFAULTS.withEvenPodsSpread(true)));
    byName.keySet().retainAll(provider());
    all = ordered(byName);
    byName.remove(PredicateOrdering.MATCH_INTER_POD_AFFINITY_PRED);
    general = ordered(byName);
    basicPod = Fixtures.pod("basic").label("app", "basic").requests("500m", "1Gi").build();
    antiAffinityPod =
        Fixtures.pod("anti")
            .label("app", "app-7")
            .requests("500m", "1Gi")
            .requiredPodAntiAffinity(
                Fixtures.affinityTerm(Fixtures.LABEL_ZONE, Fixtures.matchLabels("app", "app-3")))
            .build();
  }

  private static Snapshot cluster(int nodes) {
    List<Node> nodeList = new ArrayList<>(nodes);
    List<Pod> pods = new ArrayList<>(nodes * PODS_PER_NODE);
    int withAnti = 0;
    for (int i = 0; i < nodes; i++) {
      String name = String.format("node-%05d", i);
      nodeList.add(
          Fixtures.node(name)
              .allocatable("32", "128Gi")
              .pods(110)
              .zone("zone-" + (i % ZONES))
              .build());
      for (int k = 0; k < PODS_PER_NODE; k++) {
        String app = "app-" + ((i * PODS_PER_NODE + k) % 200);
        Fixtures.PodFixture f =
            Fixtures.pod(name + "-p" + k)
                .label("app", app)
                .requests("100m", "128Mi")
                .nodeName(name);
        if (withAnti < PODS_WITH_ANTI_AFFINITY
            && k == 0
            && i % Math.max(1, nodes / PODS_WITH_ANTI_AFFINITY) == 0) {
          // One per spread-out node: "no other pod of my app on my host".
          f.requiredPodAntiAffinity(
              Fixtures.affinityTerm(Fixtures.LABEL_HOSTNAME, Fixtures.matchLabels("app", app)));
          withAnti++;
        }
        pods.add(f.build());
      }
    }
    return Snapshot.of(pods, nodeList);
  }

  private static java.util.Set<String> provider() {
    java.util.Set<String> names = new java.util.HashSet<>(AlgorithmProviders.DEFAULT_PREDICATES);
    names.add(PredicateOrdering.EVEN_PODS_SPREAD_PRED);
    return names;
  }

  private static FitPredicate[] ordered(Map<String, FitPredicate> byName) {
    return Predicates.ORDERING.stream()
        .filter(byName::containsKey)
        .map(byName::get)
        .toArray(FitPredicate[]::new);
  }

  /**
   * One basic pod through every non-affinity predicate on every node; returns the fitting count.
   */
  @Benchmark
  public int generalPredicates() {
    return filter(basicPod, general);
  }

  /** A pod with required anti-affinity through every predicate on every node. */
  @Benchmark
  public int interPodAntiAffinity() {
    return filter(antiAffinityPod, all);
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
