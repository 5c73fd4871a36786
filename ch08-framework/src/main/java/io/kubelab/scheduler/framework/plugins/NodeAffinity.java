package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.framework.Code;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FilterPlugin;
import io.kubelab.scheduler.framework.FrameworkHandle;
import io.kubelab.scheduler.framework.ScoreExtensions;
import io.kubelab.scheduler.framework.ScorePlugin;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.predicates.GeneralPredicates;
import io.kubelab.scheduler.priorities.NormalizeReduce;
import java.util.List;
import java.util.OptionalLong;

/**
 * Node selector and node affinity: the required part filters, the preferred part scores.
 *
 * <p>Upstream: {@code pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go} (v1.18).
 * Filter is chapter 03's {@link GeneralPredicates#podMatchNodeSelector}:
 * UnschedulableAndUnresolvable, "node(s) didn't match node selector". Score sums the weights of the
 * preferred terms that match the node's labels (chapter 04's {@link
 * io.kubelab.scheduler.priorities.NodeAffinity}); NormalizeScore scales the highest to 100.
 */
public final class NodeAffinity implements FilterPlugin, ScorePlugin, ScoreExtensions {

  /** {@code Name}. */
  public static final String NAME = "NodeAffinity";

  private static final NormalizeReduce NORMALIZE =
      new NormalizeReduce(NodeScoreList.MAX_NODE_SCORE, false);

  private final FrameworkHandle handle;
  private final PerPod<List<io.kubelab.scheduler.priorities.NodeAffinity.PreferredTerm>> terms =
      new PerPod<>(
          pod ->
              io.kubelab.scheduler.priorities.NodeAffinity.preferredTerms(
                  pod, pod.getSpec().getAffinity()));

  NodeAffinity(FrameworkHandle handle) {
    this.handle = handle;
  }

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
        GeneralPredicates.podMatchNodeSelector(pod, null, nodeInfo),
        Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
  }

  /** A pod with neither a nodeSelector nor a required node affinity passes on every node. */
  @Override
  public boolean filterPassesEveryNode(CycleState state, Pod pod) {
    return !PodTopologySpread.selectsNodes(pod);
  }

  @Override
  public long score(CycleState state, Pod pod, String nodeName) {
    return score(state, pod, Snapshots.nodeInfo(handle, nodeName));
  }

  @Override
  public long score(CycleState state, Pod pod, NodeInfo nodeInfo) {
    return io.kubelab.scheduler.priorities.NodeAffinity.sumOfMatchingWeights(
        terms.get(pod), nodeInfo.node());
  }

  /** 0 on every node for a pod without preferred node affinity terms. */
  @Override
  public OptionalLong sameScoreOnEveryNode(CycleState state, Pod pod) {
    return terms.get(pod).isEmpty() ? OptionalLong.of(0) : OptionalLong.empty();
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
