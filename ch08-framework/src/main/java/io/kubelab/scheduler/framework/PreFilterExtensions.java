package io.kubelab.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.cache.NodeInfo;

/**
 * How a PreFilter plugin updates its precomputed state when a pod is added to or removed from a
 * node after PreFilter ran: nominated pods are added, preemption victims removed, each time on a
 * cloned {@link CycleState} and a cloned {@link NodeInfo}.
 *
 * <p>Upstream: {@code PreFilterExtensions} in {@code pkg/scheduler/framework/v1alpha1/
 * interface.go} (v1.18). The state after {@code addPod} must equal what PreFilter would compute if
 * the pod were already running on the node; {@code removePod} the same for a removed pod.
 */
public interface PreFilterExtensions {

  /** {@code AddPod}: as if {@code podToAdd} ran on {@code nodeInfo}'s node. */
  Status addPod(CycleState state, Pod podToSchedule, Pod podToAdd, NodeInfo nodeInfo);

  /** {@code RemovePod}: as if {@code podToRemove} no longer ran on {@code nodeInfo}'s node. */
  Status removePod(CycleState state, Pod podToSchedule, Pod podToRemove, NodeInfo nodeInfo);
}
