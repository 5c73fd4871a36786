package io.kubelab.scheduler.framework;

/**
 * The parent of every plugin: it has a name, under which it is registered and configured.
 *
 * <p>Upstream: {@code Plugin} in {@code pkg/scheduler/framework/v1alpha1/interface.go} (v1.18). A
 * plugin implements one or more of the extension-point interfaces ({@link FilterPlugin}, {@link
 * ScorePlugin}, ...); the framework calls it at each point where it is enabled. One instance serves
 * every extension point and every cycle of a profile, so per-cycle data belongs in the {@link
 * CycleState}, never in fields.
 */
public interface Plugin {
  String name();
}
