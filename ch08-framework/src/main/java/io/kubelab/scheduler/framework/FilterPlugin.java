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
}
