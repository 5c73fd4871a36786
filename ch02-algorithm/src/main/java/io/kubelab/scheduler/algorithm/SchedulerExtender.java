package io.kubelab.scheduler.algorithm;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.List;
import java.util.Map;

/**
 * An external process that takes part in scheduling: it may filter the feasible nodes, add scores,
 * and bind. The generic scheduler calls it after its own predicates and priorities; ch07 implements
 * it over HTTP from a {@link io.kubelab.scheduler.algorithm.policy.Policy.Extender} configuration.
 *
 * <p>Upstream: {@code SchedulerExtender} in {@code pkg/scheduler/algorithm/scheduler_interface.go}
 * (v1.17). Go's error results are exceptions here. Preemption support ({@code ProcessPreemption},
 * {@code SupportsPreemption}) belongs to ch06 and ch07 and is not part of this interface yet.
 */
public interface SchedulerExtender {

  /** {@code MaxExtenderPriority}: extenders score 0 to 10. */
  long MAX_EXTENDER_PRIORITY = 10;

  /** A unique name, upstream's URL prefix. */
  String name();

  /**
   * Filters the nodes that passed the predicates.
   *
   * @throws RuntimeException when the call fails; the attempt fails unless {@link #isIgnorable()}
   */
  FilterResult filter(Pod pod, List<Node> nodes, Snapshot snapshot);

  /**
   * Scores the feasible nodes on the extender's 0 to {@value #MAX_EXTENDER_PRIORITY} scale.
   *
   * @throws RuntimeException when the call fails; upstream ignores prioritize errors
   */
  PrioritizeResult prioritize(Pod pod, List<Node> nodes);

  /** Writes the binding; only called when {@link #isBinder()}. */
  void bind(Binding binding);

  boolean isBinder();

  /** False when the pod requests none of the extender's managed resources. */
  boolean isInterested(Pod pod);

  /** When true, a failing extender is skipped instead of failing the attempt. */
  boolean isIgnorable();

  /**
   * {@code filteredNodes} and {@code failedNodesMap}.
   *
   * @param nodes the nodes that passed
   * @param failedNodes node name → why it failed
   */
  record FilterResult(List<Node> nodes, Map<String, String> failedNodes) {
    public FilterResult {
      nodes = List.copyOf(nodes);
      failedNodes = Map.copyOf(failedNodes);
    }
  }

  /**
   * {@code HostPriorityList} and the extender's weight.
   *
   * @param scores host name → score
   * @param weight the multiplier
   */
  record PrioritizeResult(Map<String, Long> scores, long weight) {
    public PrioritizeResult {
      scores = Map.copyOf(scores);
    }
  }
}
