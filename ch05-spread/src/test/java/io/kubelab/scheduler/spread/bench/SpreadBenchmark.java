package io.kubelab.scheduler.spread.bench;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.apimachinery.testing.RealisticCluster;
import io.kubelab.scheduler.algorithm.AlgorithmFactoryArgs;
import io.kubelab.scheduler.algorithm.GenericScheduler;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.algorithm.PriorityConfig;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.priorities.MetadataExtension;
import io.kubelab.scheduler.priorities.MetadataPart;
import io.kubelab.scheduler.priorities.PodPriorityMetadata;
import io.kubelab.scheduler.spread.EvenPodsSpreadPriority;
import io.kubelab.scheduler.spread.InMemoryListers;
import io.kubelab.scheduler.spread.PodSelectorCounts;
import io.kubelab.scheduler.spread.PodTopologySpreadMap;
import io.kubelab.scheduler.spread.SelectorSpread;
import io.kubelab.scheduler.spread.SpreadListers;
import io.kubelab.scheduler.spread.SpreadMetadata;
import io.kubelab.scheduler.spread.SpreadSelector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * Scoring one pod with the spreading priorities, one operation = what a scheduling cycle does for
 * the priority: its metadata part (the selector and its counts, or the spread map), computed with
 * the scheduler's workers as chapter 04's metadata factory hands them over, then chapter 02's
 * {@link GenericScheduler#prioritizeNodes} with this one priority: the map over every node on the
 * workers, the reduce, the weighted sum. The workers are the generic scheduler's default, {@code
 * min(16, nproc)}.
 *
 * <p>The metadata parts are built once per trial, as a scheduler builds them once, so their index
 * lives from cycle to cycle; before every operation one node changes (a pod of it taken off and put
 * back, a new generation), as the previous cycle's binding changes one node. {@link
 * #selectorSpreadFirstCycle} and {@link #evenPodsSpreadFirstCycle} build the parts anew in every
 * operation: the first cycle of a scheduler, which indexes every pod. {@link
 * #selectorSpreadWalkingEveryPod} and {@link #evenPodsSpreadWalkingEveryPod} compute the same
 * scores the way upstream does, matching every pod of every node in every cycle: the ratio to them
 * is what the index buys, measured in one run.
 *
 * <ul>
 *   <li>{@link #selectorSpread} and {@link #evenPodsSpreadPriority}: the shared realistic cluster
 *       ({@link RealisticCluster}, 5000 nodes in 3 zones, about 18 pods per node, its Services; the
 *       ReplicaSets and StatefulSets its pods name as owners). SelectorSpread for a new replica of
 *       the Service-backed Deployment with the most pods; EvenPodsSpread for the same pod with two
 *       soft constraints, zone and hostname. Goals: 1 ms and 2 ms per pod.
 *   <li>{@link #upstreamSelectorSpreadShape} and {@link #upstreamEvenPodsSpreadShape}: the clusters
 *       of upstream's {@code BenchmarkTestSelectorSpreadPriority} and {@code
 *       BenchmarkTestDefaultEvenPodsSpreadPriority} ({@code MakeNodesAndPodsForEvenPodsSpread}: 10
 *       pods per node, 10 zones, every pod labelled {@code foo}, one Service selecting {@code
 *       foo}); the even-spread pod has upstream's two system-default soft constraints (hostname,
 *       zone). Goal: faster than upstream at every size.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SpreadBenchmark {

  /** The realistic 5000-node cluster, its listers and a replica to place. */
  @State(Scope.Benchmark)
  public static class Realistic {
    Snapshot snapshot;
    List<NodeInfo> nodes;
    SpreadListers listers;
    Pod replica;
    Pod spreadReplica;
    MetadataPart<PodSelectorCounts> selectorPart;
    MetadataPart<PodTopologySpreadMap> spreadPart;
    Scheduler scheduler;
    int changed;

    @Setup(Level.Trial)
    public void setUp() {
      RealisticCluster c = RealisticCluster.generate(RealisticCluster.LARGE, 42);
      snapshot = Snapshot.of(c.pods(), c.nodes());
      nodes = snapshot.list();
      InMemoryListers l = workloads(c.pods(), c.services());
      listers = l.spreadListers();
      selectorPart = part(SpreadMetadata.POD_SELECTOR, snapshot, listers);
      spreadPart = part(SpreadMetadata.POD_TOPOLOGY_SPREAD_MAP, snapshot, listers);
      scheduler = new Scheduler(snapshot, listers);
      replica = largestServiceReplica(c.pods(), c.services());
      spreadReplica =
          new PodBuilder(replica)
              .editSpec()
              .addNewTopologySpreadConstraint()
              .withMaxSkew(5)
              .withTopologyKey(Fixtures.LABEL_ZONE)
              .withWhenUnsatisfiable("ScheduleAnyway")
              .withLabelSelector(appSelector(replica))
              .endTopologySpreadConstraint()
              .addNewTopologySpreadConstraint()
              .withMaxSkew(3)
              .withTopologyKey(Fixtures.LABEL_HOSTNAME)
              .withWhenUnsatisfiable("ScheduleAnyway")
              .withLabelSelector(appSelector(replica))
              .endTopologySpreadConstraint()
              .endSpec()
              .build();
    }

    /** The last cycle's binding changed one node. */
    @Setup(Level.Invocation)
    public void changeOneNode() {
      changed = touch(nodes, changed);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      scheduler.close();
    }
  }

  /**
   * What chapter 02's generic scheduler runs for one priority: its workers ({@code min(16, nproc)},
   * its default), and one generic scheduler per priority, configured with that priority alone.
   */
  static final class Scheduler implements AutoCloseable {
    final Parallelizer workers;
    final SchedulerCache cache;
    final GenericScheduler selectorSpread;
    final GenericScheduler evenPodsSpread;

    Scheduler(Snapshot snapshot, SpreadListers listers) {
      workers =
          new Parallelizer(
              "generic-scheduler-worker",
              Math.min(
                  Parallelizer.DEFAULT_PARALLELISM, Runtime.getRuntime().availableProcessors()));
      cache = new SchedulerCache(new FakeClock());
      SelectorSpread spread = new SelectorSpread(listers);
      selectorSpread =
          scheduler(
              snapshot,
              new PriorityConfig(
                  "SelectorSpreadPriority",
                  spread::calculateSpreadPriorityMap,
                  SelectorSpread::calculateSpreadPriorityReduce,
                  1));
      evenPodsSpread =
          scheduler(
              snapshot,
              new PriorityConfig(
                  "EvenPodsSpreadPriority",
                  EvenPodsSpreadPriority::calculateEvenPodsSpreadPriorityMap,
                  EvenPodsSpreadPriority::calculateEvenPodsSpreadPriorityReduce,
                  1));
    }

    GenericScheduler scheduler(Snapshot snapshot, PriorityConfig priority) {
      return GenericScheduler.builder(cache, snapshot)
          .prioritizers(List.of(priority))
          .parallelizer(workers)
          .build();
    }

    @Override
    public void close() {
      selectorSpread.close();
      evenPodsSpread.close();
      workers.close();
      cache.close();
    }
  }

  /** Upstream's {@code MakeNodesAndPodsForEvenPodsSpread} cluster and Service. */
  @State(Scope.Benchmark)
  public static class UpstreamShape {
    @Param({"100", "1000", "5000"})
    public int nodes;

    Snapshot snapshot;
    List<NodeInfo> all;
    SpreadListers listers;
    Pod pod;
    Pod spreadPod;
    MetadataPart<PodSelectorCounts> selectorPart;
    MetadataPart<PodTopologySpreadMap> spreadPart;
    Scheduler scheduler;
    int changed;

    @Setup(Level.Trial)
    public void setUp() {
      List<Node> ns = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        ns.add(
            Fixtures.node("node" + i)
                .label(Fixtures.LABEL_ZONE, "zone" + (i % 10))
                .label(Fixtures.LABEL_HOSTNAME, "node" + i)
                .build());
      }
      List<Pod> pods = new ArrayList<>();
      for (int i = 0; i < nodes * 10; i++) {
        pods.add(Fixtures.pod("pod" + i).label("foo", "").nodeName("node" + (i % nodes)).build());
      }
      snapshot = Snapshot.of(pods, ns);
      all = snapshot.list();
      InMemoryListers l = new InMemoryListers();
      Service s = new Service();
      s.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
      s.getMetadata().setName("foo");
      s.getMetadata().setNamespace("default");
      s.setSpec(new io.fabric8.kubernetes.api.model.ServiceSpec());
      s.getSpec().setSelector(Map.of("foo", ""));
      l.add(s);
      listers = l.spreadListers();
      selectorPart = part(SpreadMetadata.POD_SELECTOR, snapshot, listers);
      spreadPart = part(SpreadMetadata.POD_TOPOLOGY_SPREAD_MAP, snapshot, listers);
      scheduler = new Scheduler(snapshot, listers);
      pod = Fixtures.pod("p").label("foo", "").build();
      LabelSelector foo = Fixtures.matchExpressions(Fixtures.labelExpr("foo", "Exists"));
      spreadPod =
          Fixtures.pod("p")
              .label("foo", "")
              .spreadConstraint(3, Fixtures.LABEL_HOSTNAME, "ScheduleAnyway", foo)
              .spreadConstraint(5, Fixtures.LABEL_ZONE, "ScheduleAnyway", foo)
              .build();
    }

    /** The last cycle's binding changed one node. */
    @Setup(Level.Invocation)
    public void changeOneNode() {
      changed = touch(all, changed);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      scheduler.close();
    }
  }

  @Benchmark
  public NodeScoreList selectorSpread(Realistic s) {
    return selectorSpread(s.scheduler, s.replica, s.selectorPart, s.snapshot, s.nodes);
  }

  @Benchmark
  public NodeScoreList evenPodsSpreadPriority(Realistic s) {
    return evenPodsSpread(s.scheduler, s.spreadReplica, s.spreadPart, s.snapshot, s.nodes);
  }

  @Benchmark
  public NodeScoreList selectorSpreadFirstCycle(Realistic s) {
    return selectorSpread(
        s.scheduler,
        s.replica,
        part(SpreadMetadata.POD_SELECTOR, s.snapshot, s.listers),
        s.snapshot,
        s.nodes);
  }

  @Benchmark
  public NodeScoreList evenPodsSpreadFirstCycle(Realistic s) {
    return evenPodsSpread(
        s.scheduler,
        s.spreadReplica,
        part(SpreadMetadata.POD_TOPOLOGY_SPREAD_MAP, s.snapshot, s.listers),
        s.snapshot,
        s.nodes);
  }

  /**
   * The same as {@link #selectorSpread} walking every pod of every node, as upstream does: the
   * selector once, each node's pods matched in the map, on the same workers.
   */
  @Benchmark
  public NodeScoreList selectorSpreadWalkingEveryPod(Realistic s) {
    SpreadSelector selector = SpreadSelector.defaultSelector(s.replica, s.listers);
    String namespace = s.replica.getMetadata().getNamespace();
    NodeScoreList row = row(s.nodes);
    s.scheduler.workers.until(
        null,
        s.nodes.size(),
        i ->
            row.setScore(i, SelectorSpread.countMatchingPods(namespace, selector, s.nodes.get(i))));
    SelectorSpread.calculateSpreadPriorityReduce(s.replica, null, s.snapshot, row);
    return row;
  }

  /**
   * The same as {@link #evenPodsSpreadPriority} walking every pod of every node, as upstream: the
   * direct {@link PodTopologySpreadMap#build} (on one thread), the map on the workers.
   */
  @Benchmark
  public NodeScoreList evenPodsSpreadWalkingEveryPod(Realistic s) {
    PodTopologySpreadMap m = PodTopologySpreadMap.build(s.spreadReplica, s.nodes, s.nodes);
    NodeScoreList row = row(s.nodes);
    s.scheduler.workers.until(
        null,
        s.nodes.size(),
        i -> {
          NodeInfo ni = s.nodes.get(i);
          row.setScore(
              i, m.isEligible(ni.nodeName()) ? m.score(ni.node().getMetadata().getLabels()) : 0);
        });
    EvenPodsSpreadPriority.reduce(m, s.snapshot, row);
    return row;
  }

  @Benchmark
  public NodeScoreList upstreamSelectorSpreadShape(UpstreamShape s) {
    return selectorSpread(s.scheduler, s.pod, s.selectorPart, s.snapshot, s.all);
  }

  @Benchmark
  public NodeScoreList upstreamEvenPodsSpreadShape(UpstreamShape s) {
    return evenPodsSpread(s.scheduler, s.spreadPod, s.spreadPart, s.snapshot, s.all);
  }

  static NodeScoreList selectorSpread(
      Scheduler scheduler,
      Pod pod,
      MetadataPart<PodSelectorCounts> part,
      Snapshot snapshot,
      List<NodeInfo> nodes) {
    PodPriorityMetadata meta =
        metadata(
            snapshot,
            SpreadMetadata.POD_SELECTOR,
            part.compute(pod, nodes, snapshot, scheduler.workers));
    return scheduler.selectorSpread.prioritizeNodes(pod, meta, nodes);
  }

  static NodeScoreList evenPodsSpread(
      Scheduler scheduler,
      Pod pod,
      MetadataPart<PodTopologySpreadMap> part,
      Snapshot snapshot,
      List<NodeInfo> nodes) {
    PodPriorityMetadata meta =
        metadata(
            snapshot,
            SpreadMetadata.POD_TOPOLOGY_SPREAD_MAP,
            part.compute(pod, nodes, snapshot, scheduler.workers));
    return scheduler.evenPodsSpread.prioritizeNodes(pod, meta, nodes);
  }

  /** A metadata part as a scheduler builds it, once. */
  static <T> MetadataPart<T> part(
      MetadataExtension<T> extension, Snapshot snapshot, SpreadListers listers) {
    return extension
        .factory()
        .apply(new AlgorithmFactoryArgs(snapshot, 1, Map.of(SpreadListers.class, listers)));
  }

  /**
   * Takes a pod off the node after {@code last} and puts it back: the node's content is the same,
   * its generation new. Returns that node's index.
   */
  static int touch(List<NodeInfo> nodes, int last) {
    for (int k = 1; k <= nodes.size(); k++) {
      int i = (last + k) % nodes.size();
      NodeInfo ni = nodes.get(i);
      if (!ni.pods().isEmpty()) {
        Pod p = ni.pods().get(0);
        ni.removePod(p);
        ni.addPod(p);
        return i;
      }
    }
    return last;
  }

  /** Priority metadata with only the one part the benchmark's priority reads. */
  static <T> PodPriorityMetadata metadata(Snapshot s, MetadataExtension<T> part, T value) {
    Map<MetadataExtension<?>, Object> parts = new HashMap<>();
    parts.put(part, value);
    return new PodPriorityMetadata(
        null, null, List.of(), null, List.of(), null, List.of(), s.numNodes(), Map.of(), parts);
  }

  static NodeScoreList row(List<NodeInfo> nodes) {
    List<String> names = new ArrayList<>(nodes.size());
    for (NodeInfo n : nodes) {
      names.add(n.nodeName());
    }
    return new NodeScoreList(names);
  }

  static LabelSelector appSelector(Pod p) {
    return Fixtures.matchLabels("app", p.getMetadata().getLabels().get("app"));
  }

  /** The cluster's Services, and a ReplicaSet or StatefulSet per owner its pods name. */
  static InMemoryListers workloads(List<Pod> pods, List<Service> services) {
    InMemoryListers l = new InMemoryListers();
    services.forEach(l::add);
    for (Pod p : pods) {
      for (OwnerReference o : p.getMetadata().getOwnerReferences()) {
        LabelSelector sel = appSelector(p);
        if (o.getKind().equals("ReplicaSet")) {
          l.add(
              new ReplicaSetBuilder()
                  .withNewMetadata()
                  .withName(o.getName())
                  .withNamespace(p.getMetadata().getNamespace())
                  .endMetadata()
                  .withNewSpec()
                  .withSelector(sel)
                  .endSpec()
                  .build());
        } else if (o.getKind().equals("StatefulSet")) {
          l.add(
              new StatefulSetBuilder()
                  .withNewMetadata()
                  .withName(o.getName())
                  .withNamespace(p.getMetadata().getNamespace())
                  .endMetadata()
                  .withNewSpec()
                  .withSelector(sel)
                  .endSpec()
                  .build());
        }
      }
    }
    return l;
  }

  /** A new, unbound replica of the Service-backed workload with the most pods. */
  static Pod largestServiceReplica(List<Pod> pods, List<Service> services) {
    Map<String, Integer> podsPerApp = new HashMap<>();
    Map<String, Pod> example = new HashMap<>();
    for (Pod p : pods) {
      String key = p.getMetadata().getNamespace() + "/" + p.getMetadata().getLabels().get("app");
      podsPerApp.merge(key, 1, Integer::sum);
      example.putIfAbsent(key, p);
    }
    String best = null;
    for (Service s : services) {
      String key = s.getMetadata().getNamespace() + "/" + s.getSpec().getSelector().get("app");
      if (best == null || podsPerApp.getOrDefault(key, 0) > podsPerApp.getOrDefault(best, 0)) {
        best = key;
      }
    }
    return new PodBuilder(example.get(best))
        .editMetadata()
        .withName("replica-new")
        .withUid("replica-new")
        .endMetadata()
        .editSpec()
        .withNodeName(null)
        .endSpec()
        .build();
  }
}
