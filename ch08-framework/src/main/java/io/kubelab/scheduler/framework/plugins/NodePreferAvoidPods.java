package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FrameworkHandle;
import io.kubelab.scheduler.framework.ScorePlugin;
import java.util.OptionalLong;

/**
 * A node whose {@code scheduler.alpha.kubernetes.io/preferAvoidPods} annotation names the pod's
 * ReplicationController or ReplicaSet scores 0, every other node 100; with its default weight of
 * 10000 it overrides all other scores.
 *
 * <p>Upstream: {@code
 * pkg/scheduler/framework/plugins/nodepreferavoidpods/node_prefer_avoid_pods.go} (v1.18), the rule
 * of chapter 04's {@link
 * io.kubelab.scheduler.priorities.NodePreferAvoidPods#calculateNodePreferAvoidPodsPriorityMap}.
 */
public final class NodePreferAvoidPods implements ScorePlugin {

  /** {@code Name}. */
  public static final String NAME = "NodePreferAvoidPods";

  private final FrameworkHandle handle;

  NodePreferAvoidPods(FrameworkHandle handle) {
    this.handle = handle;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public long score(CycleState state, Pod pod, String nodeName) {
    return score(state, pod, Snapshots.nodeInfo(handle, nodeName));
  }

  @Override
  public long score(CycleState state, Pod pod, NodeInfo nodeInfo) {
    return io.kubelab.scheduler.priorities.NodePreferAvoidPods
        .calculateNodePreferAvoidPodsPriorityMap(pod, null, nodeInfo);
  }

  /** 100 on every node for a pod no node can ask to avoid (no RC or RS controller). */
  @Override
  public OptionalLong sameScoreOnEveryNode(CycleState state, Pod pod) {
    return io.kubelab.scheduler.priorities.NodePreferAvoidPods.everyNodeScoresMax(pod)
        ? OptionalLong.of(NodeScoreList.MAX_NODE_SCORE)
        : OptionalLong.empty();
  }
}
