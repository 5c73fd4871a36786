package io.kubelab.scheduler.spread;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.kubelab.apimachinery.labels.LabelSelectors;
import io.kubelab.apimachinery.labels.Selector;
import io.kubelab.apimachinery.resource.PodRequests;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.predicates.GeneralPredicates;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

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
 * <p>Immutable once built.
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
  private final Set<String> nodeNameSet;
  private final Map<TopologyPair, long[]> topologyPairToPodCounts;

  private PodTopologySpreadMap(List<Constraint> constraints) {
    this.constraints = constraints;
    this.nodeNameSet = new HashSet<>();
    this.topologyPairToPodCounts = new HashMap<>();
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
   * v1.18's {@code PreScore} of the {@code PodTopologySpread} plugin: {@link #build}, counting only
   * pods of the pod's namespace that are not being deleted (upstream #87621).
   */
  public static PodTopologySpreadMap buildV118(
      Pod pod, List<NodeInfo> filteredNodes, List<NodeInfo> allNodes) {
    return build(pod, filteredNodes, allNodes, true);
  }

  private static PodTopologySpreadMap build(
      Pod pod, List<NodeInfo> filteredNodes, List<NodeInfo> allNodes, boolean liveSameNamespace) {
    if (filteredNodes.isEmpty() || allNodes.isEmpty()) {
      return null;
    }
    List<Constraint> constraints = filterSoftTopologySpreadConstraints(pod);
    if (constraints.isEmpty()) {
      return null;
    }
    PodTopologySpreadMap m = new PodTopologySpreadMap(constraints);
    m.initialize(filteredNodes);
    for (NodeInfo ni : allNodes) {
      Node node = ni.node();
      if (node == null) {
        continue;
      }
      Map<String, String> labels = node.getMetadata().getLabels();
      // Cheap label check first; the outcome is the same as upstream's order.
      if (!nodeLabelsMatchSpreadConstraints(labels, constraints)
          || !GeneralPredicates.podMatchesNodeSelectorAndAffinityTerms(pod, node)) {
        continue;
      }
      for (Constraint c : constraints) {
        long[] count =
            m.topologyPairToPodCounts.get(
                new TopologyPair(c.topologyKey(), labels.get(c.topologyKey())));
        // A pair no scored node has is never read: skip counting it.
        if (count == null) {
          continue;
        }
        long matchSum = 0;
        for (Pod existing : ni.pods()) {
          if (liveSameNamespace
              && (existing.getMetadata().getDeletionTimestamp() != null
                  || !SelectorSpread.namespace(existing).equals(SelectorSpread.namespace(pod)))) {
            continue;
          }
          if (c.selector().matches(existing.getMetadata().getLabels())) {
            matchSum++;
          }
        }
        count[0] += matchSum;
      }
    }
    return m;
  }

  /** {@code initialize}: the pairs and names of the scored nodes that have every key. */
  private void initialize(List<NodeInfo> filteredNodes) {
    for (NodeInfo ni : filteredNodes) {
      Node node = ni.node();
      Map<String, String> labels = node.getMetadata().getLabels();
      if (!nodeLabelsMatchSpreadConstraints(labels, constraints)) {
        // Left out of nodeNameSet on purpose: such a node scores 0.
        continue;
      }
      for (Constraint c : constraints) {
        topologyPairToPodCounts.putIfAbsent(
            new TopologyPair(c.topologyKey(), labels.get(c.topologyKey())), new long[1]);
      }
      nodeNameSet.add(node.getMetadata().getName());
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
    return nodeNameSet.contains(nodeName);
  }

  /** The eligible node names. */
  public Set<String> nodeNameSet() {
    return Collections.unmodifiableSet(nodeNameSet);
  }

  /**
   * The matching pods counted into a pair.
   *
   * @return the count, or -1 when no eligible node has the pair
   */
  public long count(String key, String value) {
    long[] c = topologyPairToPodCounts.get(new TopologyPair(key, value));
    return c == null ? -1 : c[0];
  }

  /** Every pair and its count, sorted, for tests and explanations. */
  public Map<TopologyPair, Long> counts() {
    Map<TopologyPair, Long> out =
        new TreeMap<>(
            java.util.Comparator.comparing(TopologyPair::key).thenComparing(TopologyPair::value));
    topologyPairToPodCounts.forEach((p, c) -> out.put(p, c[0]));
    return out;
  }

  /** The node's score before normalization: the counts of its pairs, summed. */
  public long score(Map<String, String> nodeLabels) {
    long score = 0;
    for (Constraint c : constraints) {
      String value = nodeLabels.get(c.topologyKey());
      if (value != null || nodeLabels.containsKey(c.topologyKey())) {
        score += topologyPairToPodCounts.get(new TopologyPair(c.topologyKey(), value))[0];
      }
    }
    return score;
  }

  @Override
  public String toString() {
    return "PodTopologySpreadMap{constraints="
        + constraints
        + ", nodes="
        + new java.util.TreeSet<>(nodeNameSet)
        + ", counts="
        + counts()
        + "}";
  }
}
