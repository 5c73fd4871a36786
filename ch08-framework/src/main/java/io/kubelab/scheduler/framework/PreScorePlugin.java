package io.kubelab.scheduler.framework;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * Runs once per cycle with the nodes that passed filtering, before they are scored: precomputes
 * what the plugin's Score reads per node.
 *
 * <p>Upstream: {@code PreScorePlugin} in {@code pkg/scheduler/framework/v1alpha1/interface.go}
 * (v1.18; named PostFilter in the 1.17 framework). A non-success status aborts the cycle.
 */
public interface PreScorePlugin extends Plugin {
  Status preScore(CycleState state, Pod pod, List<Node> nodes);
}
