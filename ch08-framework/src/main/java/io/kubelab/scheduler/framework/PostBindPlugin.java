package io.kubelab.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Told that the pod was bound; informational, for cleanup.
 *
 * <p>Upstream: {@code PostBindPlugin} in {@code pkg/scheduler/framework/v1alpha1/interface.go}
 * (v1.18).
 */
public interface PostBindPlugin extends Plugin {
  void postBind(CycleState state, Pod pod, String nodeName);
}
