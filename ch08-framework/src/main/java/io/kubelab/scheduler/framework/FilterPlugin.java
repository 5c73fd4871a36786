package io.kubelab.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.cache.NodeInfo;

/**
 * Decides whether the pod may run on one node: what used to be a predicate.
 *
 * <p>Upstream: {@code FilterPlugin} in {@code pkg/scheduler/framework/v1alpha1/interface.go}
 * (v1.18). Called for many nodes at once from several threads. The plugin must read the node's pods
 * from {@code nodeInfo}, never from the snapshot: during preemption and for nominated pods the
 * framework passes a changed copy. Return success (or null), Unschedulable when removing pods might
 * help, UnschedulableAndUnresolvable when it cannot; any other code aborts the cycle.
 */
public interface FilterPlugin extends Plugin {
  Status filter(CycleState state, Pod pod, NodeInfo nodeInfo);

  /**
   * True when {@link #filter} is sure to pass this pod on every node that has a Node object, with
   * this cycle's state after PreFilter or any copy of it that PreFilterExtensions change (nominated
   * pods added, preemption victims removed): the framework then does not call {@link #filter} in
   * this cycle. Asked once per cycle, after PreFilter. The default, false, calls it on every node.
   *
   * <p>Not upstream v1.18, which calls every Filter on every node; from v1.27 on, upstream skips a
   * plugin whose PreFilter returns {@code Skip}, for the same cases (a pod without host ports,
   * without volumes, without node affinity, ...). Only the calls are saved: the statuses are those
   * upstream's v1.18 computes.
   */
  default boolean filterPassesEveryNode(CycleState state, Pod pod) {
    return false;
  }
}
