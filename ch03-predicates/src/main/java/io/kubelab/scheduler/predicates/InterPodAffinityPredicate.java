package io.kubelab.scheduler.predicates;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.kubelab.scheduler.algorithm.FitPredicate;
import io.kubelab.scheduler.algorithm.PredicateFailureReason;
import io.kubelab.scheduler.algorithm.PredicateMetadata;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code MatchInterPodAffinity}: required pod affinity and anti-affinity, in both directions.
 *
 * <p>Upstream: {@code PodAffinityChecker.InterPodAffinityMatches}, {@code
 * satisfiesExistingPodsAntiAffinity}, {@code satisfiesPodsAffinityAntiAffinity}, {@code
 * nodeMatchesAllTopologyTerms}, {@code nodeMatchesAnyTopologyTerm} in {@code
 * pkg/scheduler/algorithm/predicates/predicates.go} (v1.17). Three checks, in this order, each
 * reported as {@code ErrPodAffinityNotMatch} followed by the specific reason:
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
 * <p>All three read the topology maps the {@link MetadataProducer} built once per pod, so a node
 * costs one lookup per node label or term. Without metadata (upstream's slow path over the pod
 * lister) we build the metadata from the snapshot supplier instead; the answer is the same.
 */
public final class InterPodAffinityPredicate implements FitPredicate {

  private final Supplier<Snapshot> snapshot;

  /**
   * @param snapshot the cycle's snapshot, used only when the caller passes no metadata
   */
  public InterPodAffinityPredicate(Supplier<Snapshot> snapshot) {
    this.snapshot = snapshot;
  }

  @Override
  public PredicateResult check(Pod pod, PredicateMetadata meta, NodeInfo nodeInfo) {
    GeneralPredicates.requireNode(pod, nodeInfo, "MatchInterPodAffinity");
    PodPredicateMetadata m;
    if (meta instanceof PodPredicateMetadata pm) {
      m = pm;
    } else if (snapshot != null) {
      m = new MetadataProducer().produce(pod, snapshot.get());
    } else {
      throw new IllegalStateException("metadata not pre-computed for MatchInterPodAffinity");
    }
    Node node = nodeInfo.node();
    PredicateFailureReason r = satisfiesExistingPodsAntiAffinity(m, node);
    if (r == null && AffinityTerms.hasPodAffinityOrAntiAffinity(pod)) {
      r = satisfiesPodsAffinityAntiAffinity(pod, m, node);
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
}
