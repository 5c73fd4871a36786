package io.kubelab.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Told that the pod was assumed onto a node, before binding: a plugin that keeps its own view of
 * the cluster updates it here ("assume" in the original scheduler).
 *
 * <p>Upstream: {@code ReservePlugin} in {@code pkg/scheduler/framework/v1alpha1/interface.go}
 * (v1.18). Anything but success stops the remaining reserve plugins and rejects the pod.
 */
public interface ReservePlugin extends Plugin {
  Status reserve(CycleState state, Pod pod, String nodeName);
}
