package io.kubelab.scheduler.framework;

/**
 * Builds a plugin from its arguments and the framework's handle.
 *
 * <p>Upstream: {@code PluginFactory} in {@code pkg/scheduler/framework/v1alpha1/registry.go}
 * (v1.18): {@code func(configuration *runtime.Unknown, f FrameworkHandle) (Plugin, error)}. The Go
 * error is an exception here; the framework reports it as {@code error initializing plugin "X":
 * ...}.
 */
@FunctionalInterface
public interface PluginFactory {
  Plugin create(PluginArgs args, FrameworkHandle handle);
}
