package io.kubelab.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Binds the pod to the node. The first bind plugin that does not return {@link Code#SKIP} binds;
 * the rest are not asked.
 *
 * <p>Upstream: {@code BindPlugin} in {@code pkg/scheduler/framework/v1alpha1/interface.go} (v1.18).
 * Runs only after every PreBind plugin succeeded. An error rejects the pod.
 */
public interface BindPlugin extends Plugin {
  Status bind(CycleState state, Pod pod, String nodeName);
}
