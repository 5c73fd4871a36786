package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Binding;

/**
 * Posts a pod's binding to the API server: the one call {@link DefaultBinder} makes.
 *
 * <p>Upstream: {@code ClientSet().CoreV1().Pods(ns).Bind(ctx, binding, opts)}, as {@code
 * defaultbinder} uses it (v1.18). Tests give an in-memory binder; the integration gives one backed
 * by the API server. Give it to the framework as a component of this type.
 */
@FunctionalInterface
public interface PodBinder {

  /**
   * Creates the binding.
   *
   * @throws RuntimeException when the API server refuses it; its message becomes the Bind error
   */
  void bind(Binding binding);
}
