package io.kubelab.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Told that a reserved pod was rejected later (at Permit, PreBind or Bind): undo what Reserve did.
 *
 * <p>Upstream: {@code UnreservePlugin} in {@code pkg/scheduler/framework/v1alpha1/interface.go}
 * (v1.18). Informational: it cannot fail.
 */
public interface UnreservePlugin extends Plugin {
  void unreserve(CycleState state, Pod pod, String nodeName);
}
