package io.kubelab.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Runs in the binding cycle before the pod is bound, e.g. to provision volumes.
 *
 * <p>Upstream: {@code PreBindPlugin} in {@code pkg/scheduler/framework/v1alpha1/interface.go}
 * (v1.18). Anything but success rejects the pod and it is not bound.
 */
public interface PreBindPlugin extends Plugin {
  Status preBind(CycleState state, Pod pod, String nodeName);
}
