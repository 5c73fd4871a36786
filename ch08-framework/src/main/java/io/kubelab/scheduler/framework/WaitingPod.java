package io.kubelab.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * A pod held at Permit: one or more permit plugins asked it to wait, and it binds only once each of
 * them allowed it, unless it is rejected or a plugin's timeout passes first.
 *
 * <p>Upstream: {@code WaitingPod} in {@code pkg/scheduler/framework/v1alpha1/interface.go} (v1.18).
 * {@link #allow} and {@link #reject} never block, and may come from any thread (a plugin reacting
 * to another pod, an event handler, preemption rejecting a victim).
 */
public interface WaitingPod {

  /** {@code GetPod}. */
  Pod pod();

  /** {@code GetPendingPlugins}: the permit plugins that have not allowed the pod yet. */
  List<String> pendingPlugins();

  /**
   * {@code Allow}: {@code pluginName} no longer holds the pod; once no plugin does, the pod is let
   * through.
   */
  void allow(String pluginName);

  /** {@code Reject}: the pod will not be bound; {@code msg} says why. */
  void reject(String msg);
}
