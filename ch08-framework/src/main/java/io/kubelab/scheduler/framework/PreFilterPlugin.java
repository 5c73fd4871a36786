package io.kubelab.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Runs once per scheduling cycle, before any node is filtered: checks the pod itself and
 * precomputes what the plugin's {@link FilterPlugin#filter} will read for every node.
 *
 * <p>Upstream: {@code PreFilterPlugin} in {@code pkg/scheduler/framework/v1alpha1/interface.go}
 * (v1.18). A non-success status ends the cycle: Unschedulable (or UnschedulableAndUnresolvable) as
 * "rejected by %q at prefilter", anything else as an error.
 */
public interface PreFilterPlugin extends Plugin {

  /**
   * @return success (or null), or why the pod cannot be scheduled at all
   */
  Status preFilter(CycleState state, Pod pod);

  /**
   * The incremental updates of this plugin's precomputed state, or null when it has none (the
   * default). The framework calls them when it adds nominated pods to a node or removes preemption
   * victims from one, on a cloned state.
   */
  default PreFilterExtensions preFilterExtensions() {
    return null;
  }
}
