package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.resource.Resource;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FrameworkHandle;
import io.kubelab.scheduler.framework.PreScorePlugin;
import io.kubelab.scheduler.framework.ScorePlugin;
import io.kubelab.scheduler.framework.StateData;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.priorities.ResourceLimits;
import java.util.List;

/**
 * Scores 1 a node whose allocatable CPU or memory can hold the pod's limit, 0 otherwise: a tie
 * breaker behind the ResourceLimitsPriorityFunction feature gate.
 *
 * <p>Upstream: {@code pkg/scheduler/framework/plugins/noderesources/resource_limits.go} (v1.18):
 * PreScore computes the limits once ({@code getResourceLimits}), Score is chapter 04's {@link
 * ResourceLimits#score}.
 */
public final class NodeResourceLimits implements PreScorePlugin, ScorePlugin {

  /** {@code ResourceLimitsName}. */
  public static final String NAME = "NodeResourceLimits";

  static final String PRE_SCORE_STATE_KEY = "PreScore" + NAME;

  private final FrameworkHandle handle;

  NodeResourceLimits(FrameworkHandle handle) {
    this.handle = handle;
  }

  record PreScoreState(Resource podResourceRequest) implements StateData {
    @Override
    public StateData clone() {
      return this;
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status preScore(CycleState state, Pod pod, List<Node> nodes) {
    if (nodes.isEmpty()) {
      return Status.SUCCESS;
    }
    state.write(PRE_SCORE_STATE_KEY, new PreScoreState(ResourceLimits.getResourceLimits(pod)));
    return Status.SUCCESS;
  }

  @Override
  public long score(CycleState state, Pod pod, String nodeName) {
    return score(state, pod, Snapshots.nodeInfo(handle, nodeName));
  }

  @Override
  public long score(CycleState state, Pod pod, NodeInfo nodeInfo) {
    PreScoreState s = States.read(state, PRE_SCORE_STATE_KEY, PreScoreState.class);
    return ResourceLimits.score(s.podResourceRequest(), nodeInfo);
  }
}
