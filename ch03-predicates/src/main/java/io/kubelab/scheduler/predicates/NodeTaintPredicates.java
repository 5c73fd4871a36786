package io.kubelab.scheduler.predicates;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.kubelab.apimachinery.taints.Tolerations;
import io.kubelab.scheduler.algorithm.PredicateMetadata;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.cache.NodeInfo;
import java.util.function.Predicate;

/**
 * Predicates about the node's own state: cordoned ({@code spec.unschedulable}) and tainted.
 *
 * <p>Upstream: {@code CheckNodeUnschedulablePredicate}, {@code PodToleratesNodeTaints}, {@code
 * PodToleratesNodeNoExecuteTaints} in {@code pkg/scheduler/algorithm/predicates/predicates.go}
 * (v1.17); the taint key is {@code TaintNodeUnschedulable} in {@code pkg/scheduler/api}. Matching a
 * toleration to a taint is {@link Tolerations}'s job.
 */
public final class NodeTaintPredicates {

  /** The taint a cordoned node is treated as having, for tolerations' sake. */
  public static final String TAINT_NODE_UNSCHEDULABLE = "node.kubernetes.io/unschedulable";

  private static final Taint UNSCHEDULABLE_TAINT =
      new TaintBuilder()
          .withKey(TAINT_NODE_UNSCHEDULABLE)
          .withEffect(Tolerations.EFFECT_NO_SCHEDULE)
          .build();

  private static final Predicate<Taint> NO_SCHEDULE_OR_NO_EXECUTE =
      t ->
          Tolerations.EFFECT_NO_SCHEDULE.equals(t.getEffect())
              || Tolerations.EFFECT_NO_EXECUTE.equals(t.getEffect());

  private static final Predicate<Taint> NO_EXECUTE =
      t -> Tolerations.EFFECT_NO_EXECUTE.equals(t.getEffect());

  private NodeTaintPredicates() {}

  /**
   * {@code CheckNodeUnschedulable}: a cordoned node takes only pods that tolerate the {@value
   * #TAINT_NODE_UNSCHEDULABLE}:NoSchedule taint (DaemonSet pods do). A missing node is an "unknown
   * condition", not an error.
   */
  public static PredicateResult checkNodeUnschedulable(
      Pod pod, PredicateMetadata meta, NodeInfo nodeInfo) {
    if (nodeInfo == null || nodeInfo.node() == null) {
      return PredicateResult.fail(PredicateErrors.ERR_NODE_UNKNOWN_CONDITION);
    }
    // spec.unschedulable as the NodeInfo read it when the node was set.
    if (nodeInfo.unschedulable()
        && !Tolerations.tolerationsTolerateTaint(
            pod.getSpec().getTolerations(), UNSCHEDULABLE_TAINT)) {
      return PredicateResult.fail(PredicateErrors.ERR_NODE_UNSCHEDULABLE);
    }
    return PredicateResult.FIT;
  }

  /**
   * {@code PodToleratesNodeTaints}: every NoSchedule and NoExecute taint must be tolerated.
   * PreferNoSchedule is only a scoring hint (ch04).
   */
  public static PredicateResult podToleratesNodeTaints(
      Pod pod, PredicateMetadata meta, NodeInfo nodeInfo) {
    if (nodeInfo == null || nodeInfo.node() == null) {
      return PredicateResult.fail(PredicateErrors.ERR_NODE_UNKNOWN_CONDITION);
    }
    return tolerates(pod, nodeInfo, NO_SCHEDULE_OR_NO_EXECUTE);
  }

  /**
   * {@code PodToleratesNodeNoExecuteTaints}: only NoExecute taints. Upstream does not check for a
   * missing node here; neither do we, the NodeInfo's taints are simply empty then.
   */
  public static PredicateResult podToleratesNodeNoExecuteTaints(
      Pod pod, PredicateMetadata meta, NodeInfo nodeInfo) {
    return tolerates(pod, nodeInfo, NO_EXECUTE);
  }

  private static PredicateResult tolerates(Pod pod, NodeInfo nodeInfo, Predicate<Taint> filter) {
    return Tolerations.tolerateAll(nodeInfo.taints(), pod.getSpec().getTolerations(), filter)
        ? PredicateResult.FIT
        : PredicateResult.fail(PredicateErrors.ERR_TAINTS_TOLERATIONS_NOT_MATCH);
  }
}
