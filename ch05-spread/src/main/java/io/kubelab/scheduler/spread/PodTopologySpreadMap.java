package io.kubelab.scheduler.spread;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.kubelab.apimachinery.labels.CompiledNodeSelector;
import io.kubelab.apimachinery.labels.LabelSelectors;
import io.kubelab.apimachinery.labels.Selector;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.resource.PodRequests;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.predicates.EvenPodsSpreadMetadata;
import io.kubelab.scheduler.predicates.GeneralPredicates;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntConsumer;
import java.util.function.Predicate;

/**
 * What EvenPodsSpreadPriority precomputes once per pod: its soft spread constraints, the scored
 * nodes that carry every constraint's key, and per topology pair of those nodes the number of
 * matching pods.
 *
 * <p>Upstream: {@code podTopologySpreadMap}, {@code buildPodTopologySpreadMap}, {@code initialize},
 * {@code filterSoftTopologySpreadConstraints} and {@code nodeLabelsMatchSpreadConstraints} in
 * {@code pkg/scheduler/algorithm/priorities/even_pods_spread.go} (v1.17); in v1.18 the {@code
 * preScoreState} of the {@code PodTopologySpread} plugin's PreScore.
 *
 * <ul>
 *   <li>Only {@code whenUnsatisfiable: ScheduleAnyway} constraints; the DoNotSchedule ones are
 *       chapter 03's predicate.
 *   <li>Pairs come from the <em>scored</em> nodes that have every key ({@link #nodeNameSet}).
 *   <li>Counts come from <em>all</em> nodes that pass the pod's node selector and required node
 *       affinity and have every key, but only into pairs some scored node has.
 *   <li>v1.17 counts every matching pod, whatever its namespace and even while it is being deleted;
 *       v1.18 counts only live pods of the pod's namespace.
 * </ul>
 *
 * <p>Two forms with the same answers: the direct one, as upstream keeps it (eligible names, counts
 * keyed by label values), and, when built through a {@link PodClassIndex} from the snapshot's own
 * NodeInfos, an {@link IndexedSpreadMap} of arrays by node position and label number; the direct
 * form is then drawn from the arrays only when something asks for names or values. Immutable once
 * built.
 */
public final class PodTopologySpreadMap {

  /** {@code ScheduleAnyway}. */
  public static final String SCHEDULE_ANYWAY = "ScheduleAnyway";

  /**
   * A soft constraint with its selector compiled: {@code topologySpreadConstraint}.
   *
   * @param topologyKey the node label
   * @param selector which pods count (a missing selector counts none)
   */
  public record Constraint(String topologyKey, Selector selector) {}

  /**
   * A node label and one of its values.
   *
   * @param key the topology key
   * @param value a node's value for it
   */
  public record TopologyPair(String key, String value) {}

  private final List<Constraint> constraints;
  // The form upstream has: names and maps keyed by label values. Built directly by the direct
  // path; drawn from the indexed form on first use otherwise (tests, explanations, a NodeInfo the
  // indexed form does not know).
  private volatile ByName byName;
  // The indexed form, or null on the direct path.
  private final IndexedSpreadMap indexed;

  /** podTopologySpreadMap as upstream keeps it: eligible names, counts per (key, value). */
  static final class ByName {
    final Set<String> nodeNameSet = new HashSet<>();
    // topologyPairToPodCounts, split by key: key → value → count. Constraints with the same key
    // share one map, as upstream's pairs are (key, value) whatever constraint made them; no pair
    // object is built per node.
    final Map<String, Map<String, long[]>> countsByKey = new HashMap<>();
    // The map of each constraint's key, index for index with constraints.
    final List<Map<String, long[]>> countsOfConstraint;

    ByName(List<Constraint> constraints) {
      List<Map<String, long[]>> perConstraint = new ArrayList<>(constraints.size());
      for (Constraint c : constraints) {
        perConstraint.add(countsByKey.computeIfAbsent(c.topologyKey(), k -> new HashMap<>()));
      }
      this.countsOfConstraint = List.copyOf(perConstraint);
    }
  }

  private PodTopologySpreadMap(
      List<Constraint> constraints, ByName byName, IndexedSpreadMap indexed) {
    this.constraints = constraints;
    this.byName = byName;
    this.indexed = indexed;
  }

  /**
   * {@code buildPodTopologySpreadMap}.
   *
   * @param filteredNodes the nodes to be scored
   * @param allNodes every node of the snapshot
   * @return null when there is nothing to score or the pod has no soft constraint
   * @throws IllegalArgumentException naming the pod and field for a malformed label selector
   */
  public static PodTopologySpreadMap build(
      Pod pod, List<NodeInfo> filteredNodes, List<NodeInfo> allNodes) {
    return build(pod, filteredNodes, allNodes, false);
  }

  /**
   * {@link #build} over every node of {@code snapshot}, through {@code index}: topology pairs and
   * counts in arrays indexed by node position and label numbers, the per-node work on {@code
   * workers} (upstream runs {@code processNode} under {@code workqueue.ParallelizeUntil(16,
   * len(allNodes))}). When a filtered node is not one of the snapshot's NodeInfos (the very
   * object), the map is built the direct way.
   */
  static PodTopologySpreadMap build(
      Pod pod,
      List<NodeInfo> filteredNodes,
      Snapshot snapshot,
      PodClassIndex index,
      Parallelizer workers) {
    List<NodeInfo> allNodes = snapshot == null ? List.of() : snapshot.list();
    if (filteredNodes.isEmpty() || allNodes.isEmpty()) {
      return null;
    }
    List<Constraint> constraints = filterSoftTopologySpreadConstraints(pod);
    if (constraints.isEmpty()) {
      return null;
    }
    IndexedSpreadMap ix =
        IndexedSpreadMap.build(pod, constraints, filteredNodes, snapshot, allNodes, index, workers);
    return ix == null
        ? build(pod, filteredNodes, allNodes, false)
        : new PodTopologySpreadMap(constraints, null, ix);
  }

  /**
   * v1.18's {@code PreScore} of the {@code PodTopologySpread} plugin: {@link #build}, counting only
   * pods of the pod's namespace that are not being deleted (upstream #87621).
   */
  public static PodTopologySpreadMap buildV118(
      Pod pod, List<NodeInfo> filteredNodes, List<NodeInfo> allNodes) {
    return build(pod, filteredNodes, allNodes, true, null);
  }

  /**
   * {@link #buildV118(Pod, List, List)} with the per-node counting on {@code workers}, as v1.18's
   * PreScore runs {@code processAllNode} under {@code parallelize.Until}; each node counts into its
   * own slot and the slots are added up in node order.
   */
  public static PodTopologySpreadMap buildV118(
      Pod pod, List<NodeInfo> filteredNodes, List<NodeInfo> allNodes, Parallelizer workers) {
    return build(pod, filteredNodes, allNodes, true, workers);
  }

  /**
   * {@link #buildV118(Pod, List, List)} with the counts read from {@code counts} instead of every
   * node's pods. Only for a pod that selects no nodes (no {@code nodeSelector}, no required node
   * affinity): every node that carries the constraints' keys is then counted.
   *
   * @throws IllegalArgumentException naming the pod and field for a malformed label selector
   */
  public static PodTopologySpreadMap buildV118(
      Pod pod, List<NodeInfo> filteredNodes, EvenPodsSpreadMetadata.DomainCounts counts) {
    if (filteredNodes.isEmpty()) {
      return null;
    }
    List<Constraint> constraints = filterSoftTopologySpreadConstraints(pod);
    if (constraints.isEmpty()) {
      return null;
    }
    ByName m = new ByName(constraints);
    initialize(m, constraints, filteredNodes);
    List<String> keys = new ArrayList<>();
    for (Constraint c : constraints) {
      if (!keys.contains(c.topologyKey())) {
        keys.add(c.topologyKey());
      }
    }
    String namespace = SelectorSpread.namespace(pod);
    for (int j = 0; j < constraints.size(); j++) {
      Map<String, long[]> byValue = m.countsOfConstraint.get(j);
      if (byValue.isEmpty()) {
        continue; // no scored node has this key's pairs: nothing is read
      }
      Constraint c = constraints.get(j);
      counts.forEachDomain(
          c.topologyKey(),
          keys,
          namespace,
          c.selector(),
          (value, n) -> {
            long[] count = byValue.get(value);
            if (count != null) {
              count[0] += n;
            }
          });
    }
    return new PodTopologySpreadMap(constraints, m, null);
  }

  private static PodTopologySpreadMap build(
      Pod pod, List<NodeInfo> filteredNodes, List<NodeInfo> allNodes, boolean liveSameNamespace) {
    return build(pod, filteredNodes, allNodes, liveSameNamespace, null);
  }

  private static PodTopologySpreadMap build(
      Pod pod,
      List<NodeInfo> filteredNodes,
      List<NodeInfo> allNodes,
      boolean liveSameNamespace,
      Parallelizer workers) {
    if (filteredNodes.isEmpty() || allNodes.isEmpty()) {
      return null;
    }
    List<Constraint> constraints = filterSoftTopologySpreadConstraints(pod);
    if (constraints.isEmpty()) {
      return null;
    }
    ByName m = new ByName(constraints);
    initialize(m, constraints, filteredNodes);
    String namespace = SelectorSpread.namespace(pod);
    Predicate<Node> nodeSelectorAndAffinity = podMatchesNodeSelectorAndAffinityTerms(pod);
    // The count maps are only read while the nodes are counted: each node writes its sums into
    // its own slot (null: nothing to add), and the slots are added up afterwards.
    long[][] sums = new long[allNodes.size()][];
    IntConsumer countNode =
        i -> {
          Node node = allNodes.get(i).node();
          if (node == null) {
            return;
          }
          Map<String, String> labels = node.getMetadata().getLabels();
          // Cheap label check first; the outcome is the same as upstream's order.
          if (!nodeLabelsMatchSpreadConstraints(labels, constraints)
              || !nodeSelectorAndAffinity.test(node)) {
            return;
          }
          long[] mine = new long[constraints.size()];
          for (int j = 0; j < constraints.size(); j++) {
            // A pair no scored node has is never read: skip counting it.
            if (m.countsOfConstraint
                .get(j)
                .containsKey(labels.get(constraints.get(j).topologyKey()))) {
              mine[j] = matchSum(constraints.get(j), allNodes.get(i), liveSameNamespace, namespace);
            }
          }
          sums[i] = mine;
        };
    Parallelizer.forEach(workers, allNodes.size(), countNode);
    for (int i = 0; i < sums.length; i++) {
      if (sums[i] == null) {
        continue;
      }
      Map<String, String> labels = allNodes.get(i).node().getMetadata().getLabels();
      for (int j = 0; j < constraints.size(); j++) {
        long[] count =
            m.countsOfConstraint.get(j).get(labels.get(constraints.get(j).topologyKey()));
        if (count != null) {
          count[0] += sums[i][j];
        }
      }
    }
    return new PodTopologySpreadMap(constraints, m, null);
  }

  /** The pods of {@code ni} that {@code c} counts. */
  private static long matchSum(
      Constraint c, NodeInfo ni, boolean liveSameNamespace, String namespace) {
    if (c.selector() == Selector.NOTHING) {
      return 0; // no labelSelector: upstream's labels.Nothing() counts no pod, so none is read
    }
    long matchSum = 0;
    for (Pod existing : ni.pods()) {
      if (counts(
          c,
          liveSameNamespace,
          namespace,
          SelectorSpread.namespace(existing),
          existing.getMetadata().getDeletionTimestamp() != null,
          existing.getMetadata().getLabels())) {
        matchSum++;
      }
    }
    return matchSum;
  }

  /**
   * Whether {@code c} counts a pod: its selector matches the pod's labels; from v1.18 on, only live
   * pods of the incoming pod's namespace.
   */
  static boolean counts(
      Constraint c,
      boolean liveSameNamespace,
      String namespace,
      String podNamespace,
      boolean terminating,
      Map<String, String> labels) {
    if (liveSameNamespace && (terminating || !podNamespace.equals(namespace))) {
      return false;
    }
    return c.selector().matches(labels);
  }

  /**
   * {@code predicates.PodMatchesNodeSelectorAndAffinityTerms} for one pod, its node selector and
   * required node affinity compiled once instead of once per node: the same answer as chapter 03's
   * {@link GeneralPredicates#podMatchesNodeSelectorAndAffinityTerms} for every node.
   */
  static Predicate<Node> podMatchesNodeSelectorAndAffinityTerms(Pod pod) {
    Map<String, String> nodeSelector = pod.getSpec().getNodeSelector();
    Selector labels =
        nodeSelector == null || nodeSelector.isEmpty()
            ? null
            : LabelSelectors.fromMap(nodeSelector);
    Affinity affinity = pod.getSpec().getAffinity();
    NodeAffinity na = affinity == null ? null : affinity.getNodeAffinity();
    NodeSelector required =
        na == null ? null : na.getRequiredDuringSchedulingIgnoredDuringExecution();
    CompiledNodeSelector terms =
        required == null ? null : CompiledNodeSelector.compile(required.getNodeSelectorTerms());
    return node ->
        (labels == null || labels.matches(node.getMetadata().getLabels()))
            && (terms == null || terms.matches(node));
  }

  /** {@code initialize}: the pairs and names of the scored nodes that have every key. */
  private static void initialize(
      ByName m, List<Constraint> constraints, List<NodeInfo> filteredNodes) {
    for (NodeInfo ni : filteredNodes) {
      Node node = ni.node();
      Map<String, String> labels = node.getMetadata().getLabels();
      if (!nodeLabelsMatchSpreadConstraints(labels, constraints)) {
        // Left out of nodeNameSet on purpose: such a node scores 0.
        continue;
      }
      for (int j = 0; j < constraints.size(); j++) {
        m.countsOfConstraint
            .get(j)
            .computeIfAbsent(labels.get(constraints.get(j).topologyKey()), v -> new long[1]);
      }
      m.nodeNameSet.add(node.getMetadata().getName());
    }
  }

  /**
   * {@code filterSoftTopologySpreadConstraints}: the ScheduleAnyway constraints, selectors
   * compiled. Nothing else is validated, as upstream (the API server validates maxSkew and the
   * key).
   */
  public static List<Constraint> filterSoftTopologySpreadConstraints(Pod pod) {
    List<TopologySpreadConstraint> all =
        pod.getSpec() == null ? null : pod.getSpec().getTopologySpreadConstraints();
    if (all == null || all.isEmpty()) {
      return List.of();
    }
    List<Constraint> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      TopologySpreadConstraint c = all.get(i);
      if (SCHEDULE_ANYWAY.equals(c.getWhenUnsatisfiable())) {
        String field =
            PodRequests.describe(pod) + ": spec.topologySpreadConstraints[" + i + "].labelSelector";
        out.add(
            new Constraint(
                c.getTopologyKey(), LabelSelectors.compile(c.getLabelSelector(), field)));
      }
    }
    return List.copyOf(out);
  }

  /** {@code nodeLabelsMatchSpreadConstraints}: every constraint's key is a node label. */
  public static boolean nodeLabelsMatchSpreadConstraints(
      Map<String, String> nodeLabels, List<Constraint> constraints) {
    for (Constraint c : constraints) {
      if (nodeLabels == null || !nodeLabels.containsKey(c.topologyKey())) {
        return false;
      }
    }
    return true;
  }

  public List<Constraint> constraints() {
    return constraints;
  }

  /** True when {@code nodeName} was scored and has every key. */
  public boolean isEligible(String nodeName) {
    return byName().nodeNameSet.contains(nodeName);
  }

  /** The eligible node names. */
  public Set<String> nodeNameSet() {
    return Collections.unmodifiableSet(byName().nodeNameSet);
  }

  /**
   * The matching pods counted into a pair.
   *
   * @return the count, or -1 when no eligible node has the pair
   */
  public long count(String key, String value) {
    Map<String, long[]> values = byName().countsByKey.get(key);
    long[] c = values == null ? null : values.get(value);
    return c == null ? -1 : c[0];
  }

  /** Every pair and its count, sorted, for tests and explanations. */
  public Map<TopologyPair, Long> counts() {
    Map<TopologyPair, Long> out =
        new TreeMap<>(
            java.util.Comparator.comparing(TopologyPair::key).thenComparing(TopologyPair::value));
    byName()
        .countsByKey
        .forEach((k, values) -> values.forEach((v, c) -> out.put(new TopologyPair(k, v), c[0])));
    return out;
  }

  /** The node's score before normalization: the counts of its pairs, summed. */
  public long score(Map<String, String> nodeLabels) {
    long score = 0;
    for (int j = 0; j < constraints.size(); j++) {
      String key = constraints.get(j).topologyKey();
      String value = nodeLabels.get(key);
      if (value != null || nodeLabels.containsKey(key)) {
        score += byName().countsOfConstraint.get(j).get(value)[0];
      }
    }
    return score;
  }

  /**
   * {@code CalculateEvenPodsSpreadPriorityMap}'s score of a node: 0 unless it is eligible, else the
   * counts of its pairs, summed. Read from the indexed form's arrays for a NodeInfo it was built
   * with; by name otherwise.
   */
  long mapScore(NodeInfo nodeInfo) {
    if (indexed != null) {
      long s = indexed.score(nodeInfo);
      if (s >= 0) {
        return s;
      }
    }
    Node node = nodeInfo.node();
    return isEligible(node.getMetadata().getName()) ? score(node.getMetadata().getLabels()) : 0;
  }

  /**
   * Whether each node of {@code result} is eligible, read from the indexed form; null unless {@code
   * result} lists exactly the filtered nodes of {@code snapshot} this map was built from, in order
   * (every one of them is then known to the snapshot).
   */
  boolean[] eligibleInOrder(Snapshot snapshot, NodeScoreList result) {
    return indexed == null ? null : indexed.eligibleInOrder(snapshot, result);
  }

  private ByName byName() {
    ByName b = byName;
    if (b == null) {
      // Racy but benign: every thread builds the same immutable-once-published value.
      b = indexed.byName(constraints);
      byName = b;
    }
    return b;
  }

  @Override
  public String toString() {
    return "PodTopologySpreadMap{constraints="
        + constraints
        + ", nodes="
        + new java.util.TreeSet<>(byName().nodeNameSet)
        + ", counts="
        + counts()
        + "}";
  }
}
