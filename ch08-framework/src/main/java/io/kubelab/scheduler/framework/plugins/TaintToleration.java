package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.kubelab.apimachinery.taints.Tolerations;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FilterPlugin;
import io.kubelab.scheduler.framework.FrameworkHandle;
import io.kubelab.scheduler.framework.PreScorePlugin;
import io.kubelab.scheduler.framework.ScoreExtensions;
import io.kubelab.scheduler.framework.ScorePlugin;
import io.kubelab.scheduler.framework.StateData;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.priorities.NormalizeReduce;
import java.util.List;
import java.util.Optional;

/**
 * Taints: a {@code NoSchedule} or {@code NoExecute} taint the pod does not tolerate rules the node
 * out; each untolerated {@code PreferNoSchedule} taint lowers its score.
 *
 * <p>Upstream: {@code pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go} (v1.18).
 * Filter finds the first untolerated taint ({@code FindMatchingUntoleratedTaint}) and names it:
 * UnschedulableAndUnresolvable, "node(s) had taint {key: value}, that the pod didn't tolerate".
 * PreScore keeps the pod's {@code PreferNoSchedule} (or effect-less) tolerations; Score counts the
 * node's untolerated {@code PreferNoSchedule} taints with chapter 04's {@link
 * io.kubelab.scheduler.priorities.TaintToleration#countIntolerableTaintsPreferNoSchedule};
 * NormalizeScore is the reversed default normalization (fewest taints scores 100).
 */
public final class TaintToleration
    implements FilterPlugin, PreScorePlugin, ScorePlugin, ScoreExtensions {

  /** {@code Name}. */
  public static final String NAME = "TaintToleration";

  /** {@code preScoreStateKey}. */
  static final String PRE_SCORE_STATE_KEY = "PreScore" + NAME;

  private static final NormalizeReduce NORMALIZE =
      new NormalizeReduce(NodeScoreList.MAX_NODE_SCORE, true);

  private final FrameworkHandle handle;

  TaintToleration(FrameworkHandle handle) {
    this.handle = handle;
  }

  /** {@code preScoreState}: never changed, so clones share it. */
  record PreScoreState(List<Toleration> tolerationsPreferNoSchedule) implements StateData {
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
  public Status filter(CycleState state, Pod pod, NodeInfo nodeInfo) {
    if (nodeInfo == null || nodeInfo.node() == null) {
      return Status.error("invalid nodeInfo");
    }
    Optional<Taint> taint =
        Tolerations.findMatchingUntoleratedTaint(
            nodeInfo.taints(),
            pod.getSpec().getTolerations(),
            t ->
                Tolerations.EFFECT_NO_SCHEDULE.equals(t.getEffect())
                    || Tolerations.EFFECT_NO_EXECUTE.equals(t.getEffect()));
    if (taint.isEmpty()) {
      return Status.SUCCESS;
    }
    return Status.unschedulableAndUnresolvable(
        "node(s) had taint {"
            + taint.get().getKey()
            + ": "
            + (taint.get().getValue() == null ? "" : taint.get().getValue())
            + "}, that the pod didn't tolerate");
  }

  @Override
  public Status preScore(CycleState state, Pod pod, List<Node> nodes) {
    if (nodes.isEmpty()) {
      return Status.SUCCESS;
    }
    state.write(
        PRE_SCORE_STATE_KEY,
        new PreScoreState(
            io.kubelab.scheduler.priorities.TaintToleration.getAllTolerationPreferNoSchedule(
                pod.getSpec().getTolerations())));
    return Status.SUCCESS;
  }

  @Override
  public long score(CycleState state, Pod pod, String nodeName) {
    return score(state, pod, Snapshots.nodeInfo(handle, nodeName));
  }

  @Override
  public long score(CycleState state, Pod pod, NodeInfo nodeInfo) {
    PreScoreState s = States.read(state, PRE_SCORE_STATE_KEY, PreScoreState.class);
    return io.kubelab.scheduler.priorities.TaintToleration.countIntolerableTaintsPreferNoSchedule(
        nodeInfo.taints(), s.tolerationsPreferNoSchedule());
  }

  @Override
  public ScoreExtensions scoreExtensions() {
    return this;
  }

  @Override
  public Status normalizeScore(CycleState state, Pod pod, NodeScoreList scores) {
    NORMALIZE.reduce(pod, null, null, scores);
    return Status.SUCCESS;
  }
}
