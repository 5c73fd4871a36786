package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.framework.Code;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FilterPlugin;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.predicates.NodeTaintPredicates;
import io.kubelab.scheduler.predicates.PredicateErrors;

/**
 * A cordoned node ({@code spec.unschedulable}) takes only pods that tolerate the {@code
 * node.kubernetes.io/unschedulable:NoSchedule} taint.
 *
 * <p>Upstream: {@code pkg/scheduler/framework/plugins/nodeunschedulable/node_unschedulable.go}
 * (v1.18): UnschedulableAndUnresolvable, "node(s) were unschedulable", or "node(s) had unknown
 * conditions" without a node. The rule is chapter 03's {@link
 * NodeTaintPredicates#checkNodeUnschedulable}.
 */
public final class NodeUnschedulable implements FilterPlugin {

  /** {@code Name}. */
  public static final String NAME = "NodeUnschedulable";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status filter(CycleState state, Pod pod, NodeInfo nodeInfo) {
    if (nodeInfo == null || nodeInfo.node() == null) {
      return Status.unschedulableAndUnresolvable(
          PredicateErrors.ERR_NODE_UNKNOWN_CONDITION.getReason());
    }
    return PredicateStatus.of(
        NodeTaintPredicates.checkNodeUnschedulable(pod, null, nodeInfo),
        Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
  }
}
