package io.kubelab.scheduler.predicates;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.kubelab.apimachinery.labels.LabelSelectors;
import io.kubelab.apimachinery.labels.Selector;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.resource.PodRequests;
import io.kubelab.scheduler.cache.NodeInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntConsumer;
import java.util.function.ObjLongConsumer;

/**
 * Per topology pair, how many existing pods match each hard spread constraint of the incoming pod,
 * and per topology key the smallest such count.
 *
 * <p>Upstream: {@code evenPodsSpreadMetadata}, {@code getEvenPodsSpreadMetadata}, {@code
 * criticalPaths} and {@code updatePod} in {@code pkg/scheduler/algorithm/predicates/metadata.go}
 * (v1.17). Only nodes that pass the pod's nodeSelector and required node affinity and that carry
 * every constraint's key are counted, and only pods in the incoming pod's namespace. Every pair of
 * such a node is present, with 0 if nothing matches, because an empty domain is what keeps the
 * minimum low.
 *
 * <p>Where we differ: upstream keeps the two smallest counts per key ("critical paths"), which is
 * exact while pods are only removed (preemption) but can drift when the same pair is incremented
 * repeatedly (nominated pods). We keep a count histogram per key, so the minimum after any sequence
 * of {@link #updateWithPod} calls equals the one computed from scratch.
 */
public final class EvenPodsSpreadMetadata {

  /** A hard constraint, compiled. */
  record Constraint(int maxSkew, String topologyKey, Selector selector) {}

  /** {@code whenUnsatisfiable: DoNotSchedule}, the only kind the predicate enforces. */
  static final String DO_NOT_SCHEDULE = "DoNotSchedule";

  private final Pod pod;
  private final List<Constraint> constraints;
  private final Map<TopologyPair, Integer> tpPairToMatchNum;
  // topology key -> (match count -> number of pairs with that count); the first key is the minimum
  private final Map<String, TreeMap<Integer, Integer>> tpKeyToCountHistogram;

  private EvenPodsSpreadMetadata(
      Pod pod,
      List<Constraint> constraints,
      Map<TopologyPair, Integer> tpPairToMatchNum,
      Map<String, TreeMap<Integer, Integer>> histogram) {
    this.pod = pod;
    this.constraints = constraints;
    this.tpPairToMatchNum = tpPairToMatchNum;
    this.tpKeyToCountHistogram = histogram;
  }

  /**
   * The pod's DoNotSchedule constraints, compiled. Upstream's {@code
   * filterHardTopologySpreadConstraints}: like upstream it checks nothing but the selector (the API
   * server validates the rest), so an empty topology key is simply a key no node has.
   *
   * @throws IllegalArgumentException naming the pod and field for a malformed selector
   */
  static List<Constraint> hardConstraints(Pod pod) {
    List<TopologySpreadConstraint> all = pod.getSpec().getTopologySpreadConstraints();
    if (all == null || all.isEmpty()) {
      return List.of();
    }
    List<Constraint> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      TopologySpreadConstraint c = all.get(i);
      if (!DO_NOT_SCHEDULE.equals(c.getWhenUnsatisfiable())) {
        continue;
      }
      String field = PodRequests.describe(pod) + ": spec.topologySpreadConstraints[" + i + "]";
      out.add(
          new Constraint(
              c.getMaxSkew() == null ? 0 : c.getMaxSkew(),
              c.getTopologyKey() == null ? "" : c.getTopologyKey(),
              LabelSelectors.compile(c.getLabelSelector(), field + ".labelSelector")));
    }
    return List.copyOf(out);
  }

  /**
   * The pod's counts over {@code nodes} as v1.18's PodTopologySpread plugin takes them ({@code
   * calPreFilterState}, for a plugin that keeps them as its own state): a terminating pod (one with
   * a {@code deletionTimestamp}) is not counted (v1.18, kubernetes#87621; v1.17's metadata counts
   * it). Null when the pod has no hard constraints.
   *
   * @param parallelizer counts the nodes in parallel; null counts them one by one
   * @throws IllegalArgumentException naming the pod and field for a malformed selector
   */
  public static EvenPodsSpreadMetadata of(
      Pod pod, List<NodeInfo> nodes, Parallelizer parallelizer) {
    return compute(pod, hardConstraints(pod), nodes, parallelizer, true);
  }

  /**
   * Counts kept across cycles (chapter 08's index), asked per constraint key instead of walking
   * every node in every cycle.
   */
  public interface DomainCounts {
    /**
     * Calls {@code action} once for each domain (value) of {@code key} among the nodes that carry
     * every key in {@code required}, with how many pods of {@code namespace} that are not
     * terminating, and that {@code selector} matches, run on that domain's nodes (0 for none).
     */
    void forEachDomain(
        String key,
        List<String> required,
        String namespace,
        Selector selector,
        ObjLongConsumer<String> action);
  }

  /**
   * v1.18's counts as {@link #of(Pod, List, Parallelizer)} takes them, read from {@code counts}.
   * Only for a pod that selects no nodes (no {@code nodeSelector}, no required node affinity):
   * every node that carries the constraints' keys is then counted.
   *
   * @throws IllegalArgumentException naming the pod and field for a malformed selector
   */
  public static EvenPodsSpreadMetadata of(Pod pod, DomainCounts counts) {
    List<Constraint> constraints = hardConstraints(pod);
    if (constraints.isEmpty()) {
      return null;
    }
    EvenPodsSpreadMetadata m =
        new EvenPodsSpreadMetadata(pod, constraints, new HashMap<>(), new HashMap<>());
    List<String> keys = new ArrayList<>();
    for (Constraint c : constraints) {
      if (!keys.contains(c.topologyKey())) {
        keys.add(c.topologyKey());
      }
    }
    String ns = AffinityTerms.namespace(pod);
    for (Constraint c : constraints) {
      counts.forEachDomain(
          c.topologyKey(),
          keys,
          ns,
          c.selector(),
          (value, n) ->
              m.tpPairToMatchNum.merge(
                  new TopologyPair(c.topologyKey(), value), (int) n, Integer::sum));
    }
    m.countHistogram();
    return m;
  }

  /** v1.17's counts over {@code nodes}, terminating pods included; null without constraints. */
  static EvenPodsSpreadMetadata compute(
      Pod pod, List<Constraint> constraints, List<NodeInfo> nodes, Parallelizer parallelizer) {
    return compute(pod, constraints, nodes, parallelizer, false);
  }

  private static EvenPodsSpreadMetadata compute(
      Pod pod,
      List<Constraint> constraints,
      List<NodeInfo> nodes,
      Parallelizer parallelizer,
      boolean skipTerminating) {
    if (constraints.isEmpty()) {
      return null;
    }
    EvenPodsSpreadMetadata m =
        new EvenPodsSpreadMetadata(pod, constraints, new HashMap<>(), new HashMap<>());
    String ns = AffinityTerms.namespace(pod);
    // A constraint without a selector matches no pod (upstream's labels.Nothing()): when no
    // constraint has one, every count is 0 and the pods need not be looked at.
    boolean anySelector = false;
    for (Constraint c : constraints) {
      anySelector |= c.selector() != Selector.NOTHING;
    }
    boolean countPods = anySelector;
    // Each node counts its own pods into its own slot (null: the node is not counted); the slots
    // are summed in node order afterwards, so the result never depends on thread timing.
    int[][] perNode = new int[nodes.size()][];
    IntConsumer countNode =
        i -> {
          Node node = nodes.get(i).node();
          if (node == null || !m.nodeIsCounted(node)) {
            return;
          }
          int[] counts = new int[constraints.size()];
          List<Pod> pods = countPods ? nodes.get(i).pods() : List.of();
          for (Pod existing : pods) {
            if (!ns.equals(AffinityTerms.namespace(existing))
                || (skipTerminating && existing.getMetadata().getDeletionTimestamp() != null)) {
              continue;
            }
            Map<String, String> labels = AffinityTerms.labels(existing);
            for (int c = 0; c < counts.length; c++) {
              if (constraints.get(c).selector().matches(labels)) {
                counts[c]++;
              }
            }
          }
          perNode[i] = counts;
        };
    Parallelizer.forEach(parallelizer, nodes.size(), countNode);
    // Summed per constraint by the node's value first: a cluster has far fewer domains than
    // nodes, so each pair is built and hashed once per domain rather than once per node.
    List<Map<String, int[]>> byValue = new ArrayList<>(constraints.size());
    for (int c = 0; c < constraints.size(); c++) {
      byValue.add(new HashMap<>());
    }
    for (int i = 0; i < perNode.length; i++) {
      if (perNode[i] == null) {
        continue;
      }
      Map<String, String> nodeLabels = nodes.get(i).node().getMetadata().getLabels();
      for (int c = 0; c < perNode[i].length; c++) {
        String value = nodeLabels.get(constraints.get(c).topologyKey());
        byValue.get(c).computeIfAbsent(value, v -> new int[1])[0] += perNode[i][c];
      }
    }
    for (int c = 0; c < constraints.size(); c++) {
      String key = constraints.get(c).topologyKey();
      byValue
          .get(c)
          .forEach(
              (value, n) ->
                  m.tpPairToMatchNum.merge(new TopologyPair(key, value), n[0], Integer::sum));
    }
    m.countHistogram();
    return m;
  }

  /** Each key's histogram of pair counts, from the pairs (the minimum is its first key). */
  private void countHistogram() {
    tpPairToMatchNum.forEach(
        (pair, n) ->
            tpKeyToCountHistogram
                .computeIfAbsent(pair.key(), k -> new TreeMap<>())
                .merge(n, 1, Integer::sum));
  }

  /** Eligible nodes: they pass the pod's node selection and carry every constraint key. */
  private boolean nodeIsCounted(Node node) {
    return nodeLabelsMatchSpreadConstraints(node.getMetadata().getLabels(), constraints)
        && GeneralPredicates.podMatchesNodeSelectorAndAffinityTerms(pod, node);
  }

  /** Upstream's {@code NodeLabelsMatchSpreadConstraints}: every key is present. */
  static boolean nodeLabelsMatchSpreadConstraints(
      Map<String, String> nodeLabels, List<Constraint> constraints) {
    for (Constraint c : constraints) {
      if (nodeLabels == null || !nodeLabels.containsKey(c.topologyKey())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Adds ({@code delta} = 1) or removes ({@code delta} = -1) {@code updated} running on {@code
   * node}. Upstream's {@code updatePod}. Unlike v1.17 we also skip nodes that fail the incoming
   * pod's node selection, since {@link #compute} never counted them either.
   */
  public void updateWithPod(Pod updated, Node node, int delta) {
    if (node == null || !AffinityTerms.namespace(updated).equals(AffinityTerms.namespace(pod))) {
      return;
    }
    if (!nodeIsCounted(node)) {
      return;
    }
    Map<String, String> labels = AffinityTerms.labels(updated);
    for (Constraint c : constraints) {
      if (!c.selector().matches(labels)) {
        continue;
      }
      TopologyPair pair =
          new TopologyPair(c.topologyKey(), node.getMetadata().getLabels().get(c.topologyKey()));
      Integer before = tpPairToMatchNum.get(pair);
      int after = (before == null ? 0 : before) + delta;
      tpPairToMatchNum.put(pair, after);
      TreeMap<Integer, Integer> h =
          tpKeyToCountHistogram.computeIfAbsent(pair.key(), k -> new TreeMap<>());
      if (before != null) {
        h.compute(before, (k, v) -> v == 1 ? null : v - 1);
      }
      h.merge(after, 1, Integer::sum);
    }
  }

  List<Constraint> constraints() {
    return constraints;
  }

  boolean isEmpty() {
    return tpPairToMatchNum.isEmpty();
  }

  /** Matching pods in the pair; 0 for a pair no counted node has. */
  int matchNum(TopologyPair pair) {
    return tpPairToMatchNum.getOrDefault(pair, 0);
  }

  /**
   * The smallest count over the key's pairs. Every counted node carries every constraint's key, so
   * once any node is counted every key has pairs, and a pair never leaves the histogram: upstream's
   * "internal error" branch for a key without them cannot be reached. The predicate asks only when
   * some node was counted.
   */
  int minMatchNum(String key) {
    return tpKeyToCountHistogram.get(key).firstKey();
  }

  /** A copy whose counts change independently of this one's. */
  public EvenPodsSpreadMetadata copy() {
    Map<String, TreeMap<Integer, Integer>> h = new HashMap<>();
    tpKeyToCountHistogram.forEach((k, v) -> h.put(k, new TreeMap<>(v)));
    return new EvenPodsSpreadMetadata(pod, constraints, new HashMap<>(tpPairToMatchNum), h);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EvenPodsSpreadMetadata e
        && e.tpPairToMatchNum.equals(tpPairToMatchNum)
        && e.tpKeyToCountHistogram.equals(tpKeyToCountHistogram);
  }

  @Override
  public int hashCode() {
    return tpPairToMatchNum.hashCode();
  }

  @Override
  public String toString() {
    Map<String, Integer> sorted = new TreeMap<>();
    tpPairToMatchNum.forEach((p, n) -> sorted.put(p.toString(), n));
    return "EvenPodsSpreadMetadata" + sorted;
  }
}
