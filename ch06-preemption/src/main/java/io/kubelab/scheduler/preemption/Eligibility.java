package io.kubelab.scheduler.preemption;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.FitError;
import io.kubelab.scheduler.algorithm.PredicateFailureReason;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.predicates.PredicateErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Whether a pod may preempt at all, and on which nodes removing pods could possibly help.
 *
 * <p>Upstream: {@code podEligibleToPreemptOthers} and {@code nodesWherePreemptionMightHelp} in
 * {@code pkg/scheduler/core/generic_scheduler.go} (v1.17). Eligibility is public for chapter 08;
 * v1.18 finds the candidate nodes by filter status instead.
 */
public final class Eligibility {

  /** {@code v1.PreemptNever}. */
  static final String PREEMPT_NEVER = "Never";

  private Eligibility() {}

  /**
   * {@code podEligibleToPreemptOthers}: false when the pod says {@code preemptionPolicy: Never}
   * (only with the NonPreemptingPriority feature on), or when it is already nominated to a node
   * where a lower-priority pod is terminating: it preempted there before and must wait for its
   * victims to leave instead of evicting more pods elsewhere.
   *
   * @param nodeInfos the snapshot's NodeInfos by node name
   */
  public static boolean podEligibleToPreemptOthers(
      Pod pod, Map<String, NodeInfo> nodeInfos, boolean enableNonPreempting) {
    return podEligibleToPreemptOthers(pod, nodeInfos::get, enableNonPreempting);
  }

  /**
   * As {@link #podEligibleToPreemptOthers(Pod, Map, boolean)}, with the snapshot's NodeInfo of a
   * node name (null for none) looked up only when the pod is nominated somewhere.
   */
  public static boolean podEligibleToPreemptOthers(
      Pod pod, Function<String, NodeInfo> nodeInfos, boolean enableNonPreempting) {
    String policy = pod.getSpec() == null ? null : pod.getSpec().getPreemptionPolicy();
    if (enableNonPreempting && PREEMPT_NEVER.equals(policy)) {
      return false;
    }
    String nomNodeName = pod.getStatus() == null ? null : pod.getStatus().getNominatedNodeName();
    if (nomNodeName != null && !nomNodeName.isEmpty()) {
      NodeInfo nodeInfo = nodeInfos.apply(nomNodeName);
      if (nodeInfo != null) {
        int podPriority = PodOrder.priority(pod);
        for (Pod p : nodeInfo.pods()) {
          if (p.getMetadata().getDeletionTimestamp() != null
              && PodOrder.priority(p) < podPriority) {
            // A pod is terminating on the nominated node.
            return false;
          }
        }
      }
    }
    return true;
  }

  /**
   * {@code nodesWherePreemptionMightHelp}: the nodes whose failures contain no reason that removing
   * pods cannot fix ({@link PredicateErrors#UNRESOLVABLE}). A node the FitError does not mention
   * (never examined, or failed only by extenders, whose reasons count as resolvable) is a candidate
   * too.
   */
  static List<Node> nodesWherePreemptionMightHelp(List<NodeInfo> nodeInfos, FitError fitErr) {
    List<Node> potentialNodes = new ArrayList<>();
    Map<String, List<PredicateFailureReason>> failed = fitErr.failedPredicates();
    for (NodeInfo nodeInfo : nodeInfos) {
      List<PredicateFailureReason> failedPredicates =
          failed.getOrDefault(nodeInfo.nodeName(), List.of());
      if (PredicateErrors.unresolvablePredicateExists(failedPredicates).isEmpty()) {
        potentialNodes.add(nodeInfo.node());
      }
    }
    return potentialNodes;
  }
}
