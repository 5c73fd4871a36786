package io.kubelab.scheduler.predicates;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.PredicateMetadata;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.cache.NodeInfo;
import java.util.List;
import java.util.Map;

/**
 * {@code EvenPodsSpread}: pod topology spread constraints with {@code whenUnsatisfiable:
 * DoNotSchedule}.
 *
 * <p>Upstream: {@code EvenPodsSpreadPredicate} in {@code
 * pkg/scheduler/algorithm/predicates/predicates.go} (v1.17). For each hard constraint the node must
 * carry the constraint's key, and placing the pod there must keep {@code matchNum(pair) + selfMatch
 * − minMatchNum(key) ≤ maxSkew}, where selfMatch is 1 when the pod's own labels match the
 * constraint's selector. The counts come from {@link EvenPodsSpreadMetadata}; there is no slow
 * path: without metadata the predicate fails the attempt for every pod, as upstream's does.
 */
public final class EvenPodsSpreadPredicate {

  private EvenPodsSpreadPredicate() {}

  /** The predicate. */
  public static PredicateResult evenPodsSpread(Pod pod, PredicateMetadata meta, NodeInfo nodeInfo) {
    GeneralPredicates.requireNode(pod, nodeInfo, "EvenPodsSpread");
    if (!(meta instanceof PodPredicateMetadata pm)) {
      // Upstream has no slow path here: without metadata every pod is an error, constraints or not.
      throw new IllegalStateException("metadata not pre-computed for EvenPodsSpreadPredicate");
    }
    return withCounts(pod, pm.evenPodsSpreadMetadata(), nodeInfo);
  }

  /**
   * The predicate over counts a caller keeps itself ({@link EvenPodsSpreadMetadata#of}); null
   * counts mean the pod has no hard constraint.
   */
  public static PredicateResult withCounts(Pod pod, EvenPodsSpreadMetadata m, NodeInfo nodeInfo) {
    GeneralPredicates.requireNode(pod, nodeInfo, "EvenPodsSpread");
    // No hard constraint, or no node passed the pod's node selection with every key: there is
    // nothing to be uneven with.
    if (m == null || m.isEmpty()) {
      return PredicateResult.FIT;
    }
    List<EvenPodsSpreadMetadata.Constraint> constraints = m.constraints();
    Node node = nodeInfo.node();
    Map<String, String> nodeLabels = node.getMetadata().getLabels();
    Map<String, String> podLabels = AffinityTerms.labels(pod);
    for (EvenPodsSpreadMetadata.Constraint c : constraints) {
      String value = nodeLabels == null ? null : nodeLabels.get(c.topologyKey());
      if (value == null) {
        return PredicateResult.fail(PredicateErrors.ERR_TOPOLOGY_SPREAD_CONSTRAINTS_NOT_MATCH);
      }
      int selfMatchNum = c.selector().matches(podLabels) ? 1 : 0;
      int minMatchNum = m.minMatchNum(c.topologyKey());
      int matchNum = m.matchNum(new TopologyPair(c.topologyKey(), value));
      if (matchNum + selfMatchNum - minMatchNum > c.maxSkew()) {
        return PredicateResult.fail(PredicateErrors.ERR_TOPOLOGY_SPREAD_CONSTRAINTS_NOT_MATCH);
      }
    }
    return PredicateResult.FIT;
  }
}
