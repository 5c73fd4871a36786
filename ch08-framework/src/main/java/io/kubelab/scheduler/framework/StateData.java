package io.kubelab.scheduler.framework;

/**
 * What a plugin stores in the {@link CycleState}: typically what its PreFilter or PreScore computed
 * once for the whole cycle, read back by its Filter or Score for every node.
 *
 * <p>Upstream: {@code StateData} in {@code pkg/scheduler/framework/v1alpha1/cycle_state.go}
 * (v1.18).
 */
public interface StateData {

  /**
   * A copy for a cloned cycle state. The generic scheduler clones the state before it adds
   * nominated pods or removes preemption victims through the PreFilter extensions, so what those
   * extensions change must be copied; what they never touch may be shared (upstream's advice, for
   * speed). Immutable data may return itself.
   */
  StateData clone();
}
