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
 * (v1.17). Go's error results are exceptions here. The preemption hook ({@link
 * #supportsPreemption}, {@link #processPreemption}) has defaults, so an extender without a preempt
 * verb need not implement it; ch06's preemption calls it, ch07 implements it over HTTP.
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
   * Whether the extender takes part in preemption (upstream: a non-empty {@code preemptVerb}).
   * False unless overridden.
   */
  default boolean supportsPreemption() {
    return false;
  }

  /**
   * Lets the extender review the candidates of a preemption: it may drop nodes and change each
   * node's victims. Upstream's {@code ProcessPreemption}; the generic scheduler calls it only when
   * {@link #supportsPreemption()} and {@link #isInterested(Pod)}, and passes the result of one
   * extender to the next.
   *
   * @param pod the pod that preempts
   * @param nodeNameToVictims node name → the victims chosen there (upstream v1.17 keys the map by
   *     {@code *v1.Node}, later releases by name)
   * @param nodeInfos the scheduling cycle's snapshot, for extenders that receive only UIDs
   * @return the candidates that remain, node name → victims; possibly fewer than given
   * @throws RuntimeException when the call fails; preemption fails unless {@link #isIgnorable()}
   */
  default Map<String, Victims> processPreemption(
      Pod pod, Map<String, Victims> nodeNameToVictims, Snapshot nodeInfos) {
    throw new UnsupportedOperationException(
        "preempt verb is not defined for extender " + name() + " but run into ProcessPreemption");
  }

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
