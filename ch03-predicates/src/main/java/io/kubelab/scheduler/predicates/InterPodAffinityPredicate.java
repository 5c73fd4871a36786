package io.kubelab.scheduler.predicates;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.kubelab.scheduler.algorithm.FitPredicate;
import io.kubelab.scheduler.algorithm.PredicateFailureReason;
import io.kubelab.scheduler.algorithm.PredicateMetadata;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * {@code MatchInterPodAffinity}: required pod affinity and anti-affinity, in both directions.
 *
 * <p>Upstream: {@code PodAffinityChecker.InterPodAffinityMatches}, {@code
 * satisfiesExistingPodsAntiAffinity}, {@code satisfiesPodsAffinityAntiAffinity}, {@code
 * nodeMatchesAllTopologyTerms}, {@code nodeMatchesAnyTopologyTerm}, {@code
 * podMatchesPodAffinityTerms} in {@code pkg/scheduler/algorithm/predicates/predicates.go} and
 * {@code NodesHaveSameTopologyKey} in {@code pkg/scheduler/algorithm/priorities/util} (v1.17).
 * Three checks, in this order, each reported as {@code ErrPodAffinityNotMatch} followed by the
 * specific reason:
 *
 * <ol>
 *   <li>No existing pod's required anti-affinity may match the incoming pod in a topology pair the
 *       node has (the symmetric check: anti-affinity is honoured even if only the other pod
 *       declared it).
 *   <li>Each required affinity term of the incoming pod needs a matching pod in the node's pair for
 *       that term's key, unless no pod anywhere matches and the pod matches its own terms: the
 *       first pod of a self-affine group must be able to start somewhere.
 *   <li>No required anti-affinity term of the incoming pod may have a matching pod in the node's
 *       pair.
 * </ol>
 *
 * <p>With metadata all three read the topology maps the {@link MetadataProducer} built once per
 * pod, so a node costs one lookup per node label or term. Without it (the producer failed, or the
 * caller has none) the predicate takes upstream's slow path: it scans every pod of the snapshot for
 * every node. The slow path is not an equivalent of the fast one; it is upstream's own, older code
 * with its own rules, kept here branch for branch:
 *
 * <ul>
 *   <li>a pod counts for the incoming pod's terms only if it matches <em>all</em> of them, for
 *       anti-affinity too, and only if its node shares every term's topology with this node;
 *   <li>the first-pod exception is refused as soon as any pod anywhere matches the terms' selectors
 *       and namespaces, even one on a node without the topology key;
 *   <li>an empty topology key, or a matching pod whose node is not in the snapshot, is an error for
 *       affinity and a plain failure for anti-affinity.
 * </ul>
 */
public final class InterPodAffinityPredicate implements FitPredicate {

  private static final Logger LOG = Logger.getLogger(InterPodAffinityPredicate.class.getName());

  private static final String AFFINITY_FIELD =
      "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution";
  private static final String ANTI_AFFINITY_FIELD =
      "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution";
  private static final String EMPTY_TOPOLOGY_KEY =
      "empty topologyKey is not allowed except for PreferredDuringScheduling pod anti-affinity";

  private final Supplier<Snapshot> snapshot;

  /**
   * @param snapshot the cycle's snapshot (upstream's node info and pod listers), read only on the
   *     slow path
   */
  public InterPodAffinityPredicate(Supplier<Snapshot> snapshot) {
    this.snapshot = snapshot;
  }

  @Override
  public PredicateResult check(Pod pod, PredicateMetadata meta, NodeInfo nodeInfo) {
    GeneralPredicates.requireNode(pod, nodeInfo, "MatchInterPodAffinity");
    Node node = nodeInfo.node();
    PredicateFailureReason r;
    if (meta instanceof PodPredicateMetadata m) {
      r = satisfiesExistingPodsAntiAffinity(m, node);
      if (r == null && AffinityTerms.hasPodAffinityOrAntiAffinity(pod)) {
        r = satisfiesPodsAffinityAntiAffinity(pod, m, node);
      }
    } else {
      SlowPath slow = new SlowPath(pod, nodeInfo, snapshot.get());
      r = slow.satisfiesExistingPodsAntiAffinity();
      if (r == null && AffinityTerms.hasPodAffinityOrAntiAffinity(pod)) {
        r = slow.satisfiesPodsAffinityAntiAffinity();
      }
    }
    return r == null
        ? PredicateResult.FIT
        : PredicateResult.fail(PredicateErrors.ERR_POD_AFFINITY_NOT_MATCH, r);
  }

  private static PredicateFailureReason satisfiesExistingPodsAntiAffinity(
      PodPredicateMetadata m, Node node) {
    TopologyPairsMaps blocked = m.topologyPairsAntiAffinityPodsMap();
    if (blocked.isEmpty()) {
      return null;
    }
    for (Map.Entry<String, String> label : labels(node).entrySet()) {
      if (blocked.containsPair(new TopologyPair(label.getKey(), label.getValue()))) {
        return PredicateErrors.ERR_EXISTING_PODS_ANTI_AFFINITY_RULES_NOT_MATCH;
      }
    }
    return null;
  }

  private static PredicateFailureReason satisfiesPodsAffinityAntiAffinity(
      Pod pod, PodPredicateMetadata m, Node node) {
    List<PodAffinityTerm> affinityTerms = m.affinityTerms();
    if (!affinityTerms.isEmpty()) {
      TopologyPairsMaps potential = m.topologyPairsPotentialAffinityPods();
      if (!nodeMatchesAllTopologyTerms(potential, node, affinityTerms)) {
        // The first pod of a group with affinity to itself: nobody matches yet, so let it in
        // wherever it matches its own terms, or such groups would stay pending forever.
        boolean firstOfItsKind =
            potential.isEmpty() && AffinityTerms.podMatchesAll(pod, m.affinityProps());
        if (!firstOfItsKind) {
          return PredicateErrors.ERR_POD_AFFINITY_RULES_NOT_MATCH;
        }
      }
    }
    List<PodAffinityTerm> antiAffinityTerms = m.antiAffinityTerms();
    if (!antiAffinityTerms.isEmpty()
        && nodeMatchesAnyTopologyTerm(
            m.topologyPairsPotentialAntiAffinityPods(), node, antiAffinityTerms)) {
      return PredicateErrors.ERR_POD_ANTI_AFFINITY_RULES_NOT_MATCH;
    }
    return null;
  }

  private static boolean nodeMatchesAllTopologyTerms(
      TopologyPairsMaps pairs, Node node, List<PodAffinityTerm> terms) {
    Map<String, String> labels = labels(node);
    for (PodAffinityTerm term : terms) {
      String value = labels.get(term.getTopologyKey());
      if (value == null || !pairs.containsPair(new TopologyPair(term.getTopologyKey(), value))) {
        return false;
      }
    }
    return true;
  }

  private static boolean nodeMatchesAnyTopologyTerm(
      TopologyPairsMaps pairs, Node node, List<PodAffinityTerm> terms) {
    Map<String, String> labels = labels(node);
    for (PodAffinityTerm term : terms) {
      String value = labels.get(term.getTopologyKey());
      if (value != null && pairs.containsPair(new TopologyPair(term.getTopologyKey(), value))) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, String> labels(Node node) {
    Map<String, String> l = node.getMetadata().getLabels();
    return l == null ? Map.of() : l;
  }

  /**
   * Upstream's slow path ({@code podLister.FilteredList(nodeInfo.Filter, …)} and {@code
   * podMatchesPodAffinityTerms}): every pod of the snapshot except those this NodeInfo no longer
   * has (preemption's victims).
   */
  private static final class SlowPath {
    private final Pod pod;
    private final NodeInfo nodeInfo;
    private final Snapshot snapshot;
    private final List<Pod> filteredPods;

    SlowPath(Pod pod, NodeInfo nodeInfo, Snapshot snapshot) {
      this.pod = pod;
      this.nodeInfo = nodeInfo;
      this.snapshot = snapshot;
      List<Pod> all = new ArrayList<>();
      for (NodeInfo ni : snapshot.list()) {
        all.addAll(ni.pods());
      }
      this.filteredPods = nodeInfo.filterOutPods(all);
    }

    PredicateFailureReason satisfiesExistingPodsAntiAffinity() {
      TopologyPairsMaps pairs = new TopologyPairsMaps();
      for (Pod existing : filteredPods) {
        NodeInfo existingNode = nodeInfoOf(existing);
        if (existingNode == null) {
          LOG.severe(
              () ->
                  "Pod "
                      + podName(existing)
                      + " has NodeName \""
                      + existing.getSpec().getNodeName()
                      + "\" but node is not found");
          continue;
        }
        try {
          MetadataProducer.addExistingAntiAffinityPairs(pod, existing, existingNode.node(), pairs);
        } catch (IllegalArgumentException e) {
          throw new IllegalStateException(
              "Failed to get all terms that match pod " + podName(pod) + ": " + e.getMessage(), e);
        }
      }
      for (Map.Entry<String, String> label : labels(nodeInfo.node()).entrySet()) {
        if (pairs.containsPair(new TopologyPair(label.getKey(), label.getValue()))) {
          return PredicateErrors.ERR_EXISTING_PODS_ANTI_AFFINITY_RULES_NOT_MATCH;
        }
      }
      return null;
    }

    PredicateFailureReason satisfiesPodsAffinityAntiAffinity() {
      List<PodAffinityTerm> affinityTerms = AffinityTerms.requiredAffinityTerms(pod);
      List<PodAffinityTerm> antiAffinityTerms = AffinityTerms.requiredAntiAffinityTerms(pod);
      boolean matchFound = false;
      boolean termsSelectorMatchFound = false;
      for (Pod target : filteredPods) {
        if (!matchFound && !affinityTerms.isEmpty()) {
          TermsMatch m;
          try {
            m = podMatchesPodAffinityTerms(target, affinityTerms, AFFINITY_FIELD);
          } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalStateException(
                "Cannot schedule pod "
                    + podName(pod)
                    + " onto node "
                    + nodeInfo.nodeName()
                    + ", because of PodAffinity: "
                    + e.getMessage(),
                e);
          }
          termsSelectorMatchFound |= m.selectorsMatch();
          matchFound |= m.topologyMatches();
        }
        if (!antiAffinityTerms.isEmpty()) {
          boolean antiMatch;
          try {
            antiMatch =
                podMatchesPodAffinityTerms(target, antiAffinityTerms, ANTI_AFFINITY_FIELD)
                    .topologyMatches();
          } catch (IllegalArgumentException | IllegalStateException e) {
            // Upstream treats an error here like a match: the node fails, without an error.
            antiMatch = true;
          }
          if (antiMatch) {
            return PredicateErrors.ERR_POD_ANTI_AFFINITY_RULES_NOT_MATCH;
          }
        }
      }
      // The first-pod exception, the slow way: no pod anywhere matches the selectors, and the pod
      // matches its own terms.
      if (!matchFound
          && !affinityTerms.isEmpty()
          && (termsSelectorMatchFound || !targetPodMatchesAffinityOfPod())) {
        return PredicateErrors.ERR_POD_AFFINITY_RULES_NOT_MATCH;
      }
      return null;
    }

    /**
     * @param topologyMatches the target matches every term, and its node shares every term's
     *     topology with this node
     * @param selectorsMatch the target matches every term's namespaces and selector
     */
    private record TermsMatch(boolean topologyMatches, boolean selectorsMatch) {}

    /**
     * Upstream's {@code podMatchesPodAffinityTerms}.
     *
     * @throws IllegalArgumentException for a malformed selector
     * @throws IllegalStateException for an empty topology key, or a target whose node is gone
     */
    private TermsMatch podMatchesPodAffinityTerms(
        Pod target, List<PodAffinityTerm> terms, String field) {
      List<AffinityTerms.TermProperties> props = AffinityTerms.properties(pod, terms, field);
      if (!AffinityTerms.podMatchesAll(target, props)) {
        return new TermsMatch(false, false);
      }
      NodeInfo targetNode = nodeInfoOf(target);
      if (targetNode == null) {
        throw new IllegalStateException(
            "nodeinfo not found for node name \"" + target.getSpec().getNodeName() + "\"");
      }
      for (PodAffinityTerm term : terms) {
        String key = term.getTopologyKey();
        if (key == null || key.isEmpty()) {
          throw new IllegalStateException(EMPTY_TOPOLOGY_KEY);
        }
        if (!nodesHaveSameTopologyKey(nodeInfo.node(), targetNode.node(), key)) {
          return new TermsMatch(false, true);
        }
      }
      return new TermsMatch(true, true);
    }

    /** {@code targetPodMatchesAffinityOfPod(pod, pod)}. */
    private boolean targetPodMatchesAffinityOfPod() {
      Affinity a = pod.getSpec().getAffinity();
      if (a == null || a.getPodAffinity() == null) {
        return false;
      }
      try {
        return AffinityTerms.podMatchesAll(
            pod,
            AffinityTerms.properties(
                pod, AffinityTerms.requiredAffinityTerms(pod), AFFINITY_FIELD));
      } catch (IllegalArgumentException e) {
        LOG.severe(() -> "error in getting affinity properties of Pod " + podName(pod));
        return false;
      }
    }

    private NodeInfo nodeInfoOf(Pod p) {
      try {
        return snapshot.get(p.getSpec().getNodeName());
      } catch (RuntimeException e) {
        return null;
      }
    }
  }

  /** Upstream's {@code NodesHaveSameTopologyKey}: both nodes carry the key, with one value. */
  static boolean nodesHaveSameTopologyKey(Node a, Node b, String key) {
    String va = labels(a).get(key);
    return va != null && va.equals(labels(b).get(key));
  }

  /** {@code namespace/name}, as upstream's {@code podName}. */
  private static String podName(Pod p) {
    return AffinityTerms.namespace(p) + "/" + p.getMetadata().getName();
  }
}
