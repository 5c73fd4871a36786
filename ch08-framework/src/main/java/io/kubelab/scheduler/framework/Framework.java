package io.kubelab.scheduler.framework;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.framework.config.Plugin;
import java.util.List;
import java.util.Map;

/**
 * The plugins of one profile, and how each extension point runs them.
 *
 * <p>Upstream: {@code Framework} in {@code pkg/scheduler/framework/v1alpha1/interface.go} (v1.18),
 * implemented by {@link FrameworkImpl}. Every {@code run*} method runs the plugins enabled at that
 * point in their configured order. Statuses are never null here; a plugin's null is a success. A
 * plugin that throws is treated as one that returned an error, named in the message.
 */
public interface Framework extends FrameworkHandle {

  /** {@code LessFunc}: the queue's order. */
  @FunctionalInterface
  interface LessFunc {
    boolean less(PodInfo a, PodInfo b);
  }

  /** {@code QueueSortFunc}: the one QueueSort plugin's {@code Less}. */
  LessFunc queueSortFunc();

  /**
   * {@code RunPreFilterPlugins}: stops at the first plugin that does not succeed. Unschedulable
   * becomes {@code rejected by "X" at prefilter: ...} with the same code; anything else an Error.
   */
  Status runPreFilterPlugins(CycleState state, Pod pod);

  /**
   * {@code RunFilterPlugins}: the statuses of the plugins that rejected the pod on this node; empty
   * when it fits. Stops at the first rejection unless the framework runs all filters; a status that
   * is neither success nor unschedulable is returned alone, as an Error naming the plugin.
   */
  PluginToStatus runFilterPlugins(CycleState state, Pod pod, NodeInfo nodeInfo);

  /** {@code RunPreFilterExtensionAddPod}: an Error naming the first plugin that fails. */
  Status runPreFilterExtensionAddPod(
      CycleState state, Pod podToSchedule, Pod podToAdd, NodeInfo nodeInfo);

  /** {@code RunPreFilterExtensionRemovePod}: an Error naming the first plugin that fails. */
  Status runPreFilterExtensionRemovePod(
      CycleState state, Pod podToSchedule, Pod podToRemove, NodeInfo nodeInfo);

  /** {@code RunPreScorePlugins}: an Error naming the first plugin that fails. */
  Status runPreScorePlugins(CycleState state, Pod pod, List<Node> nodes);

  /**
   * {@code RunScorePlugins}: per Score plugin, in configured order, every node's score after
   * normalization and weighting. Scores run in parallel over nodes.
   *
   * @throws StatusException with an Error status naming the plugin when a Score or NormalizeScore
   *     fails or a normalized score lies outside [0, 100]
   */
  Map<String, NodeScoreList> runScorePlugins(CycleState state, Pod pod, List<Node> nodes);

  /**
   * {@link #runScorePlugins(CycleState, Pod, List)} for a caller that already holds the nodes'
   * NodeInfos from the cycle's snapshot ({@code nodeInfos.get(i)} is {@code nodes.get(i)}'s), so
   * that no node is looked up by name again. Not upstream: its Score plugins look each node up in
   * the snapshot; the scores are the same.
   */
  default Map<String, NodeScoreList> runScorePlugins(
      CycleState state, Pod pod, List<Node> nodes, List<NodeInfo> nodeInfos) {
    return runScorePlugins(state, pod, nodes);
  }

  /** {@code RunReservePlugins}: an Error naming the first plugin that fails. */
  Status runReservePlugins(CycleState state, Pod pod, String nodeName);

  /** {@code RunUnreservePlugins}. */
  void runUnreservePlugins(CycleState state, Pod pod, String nodeName);

  /**
   * {@code RunPermitPlugins}: success; Wait (the pod is now a {@link WaitingPod}) when a plugin
   * asked to wait and none rejected; the rejection with its code; or an Error.
   */
  Status runPermitPlugins(CycleState state, Pod pod, String nodeName);

  /**
   * {@code WaitOnPermit}: blocks until the waiting pod is allowed (success), rejected or timed out
   * (Unschedulable), and removes it from the waiting pods. Success at once for a pod that does not
   * wait. An interrupted wait is an Error.
   */
  Status waitOnPermit(Pod pod);

  /** {@code RunPreBindPlugins}: an Error naming the first plugin that fails. */
  Status runPreBindPlugins(CycleState state, Pod pod, String nodeName);

  /**
   * {@code RunBindPlugins}: the first plugin's status that is not Skip (an Error naming it when it
   * failed); Skip when every plugin skipped or none is enabled.
   */
  Status runBindPlugins(CycleState state, Pod pod, String nodeName);

  /** {@code RunPostBindPlugins}. */
  void runPostBindPlugins(CycleState state, Pod pod, String nodeName);

  /** {@code HasFilterPlugins}. */
  boolean hasFilterPlugins();

  /** {@code HasScorePlugins}. */
  boolean hasScorePlugins();

  /**
   * {@code ListPlugins}: upstream interface name ({@code FilterPlugin}) → the plugins enabled
   * there, in order, with weights for Score plugins; points without plugins are left out.
   */
  Map<String, List<Plugin>> listPlugins();
}
