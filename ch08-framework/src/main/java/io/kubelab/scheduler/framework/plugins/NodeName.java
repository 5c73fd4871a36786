package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.framework.Code;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FilterPlugin;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.predicates.GeneralPredicates;

/**
 * A pod with {@code spec.nodeName} fits only that node.
 *
 * <p>Upstream: {@code pkg/scheduler/framework/plugins/nodename/node_name.go} (v1.18): {@code
 * UnschedulableAndUnresolvable} with {@code ErrReason} "node(s) didn't match the requested
 * hostname". The rule is chapter 03's {@link GeneralPredicates#podFitsHost}.
 */
public final class NodeName implements FilterPlugin {

  /** {@code Name}. */
  public static final String NAME = "NodeName";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status filter(CycleState state, Pod pod, NodeInfo nodeInfo) {
    if (nodeInfo == null || nodeInfo.node() == null) {
      return Status.error("node not found");
    }
    return PredicateStatus.of(
        GeneralPredicates.podFitsHost(pod, null, nodeInfo), Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
  }

  /** A pod without {@code spec.nodeName} passes on every node. */
  @Override
  public boolean filterPassesEveryNode(CycleState state, Pod pod) {
    String want = pod.getSpec().getNodeName();
    return want == null || want.isEmpty();
  }
}
