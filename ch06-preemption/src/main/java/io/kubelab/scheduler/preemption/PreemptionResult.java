package io.kubelab.scheduler.preemption;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Optional;

/**
 * What {@link Preemption#preempt} decided: the node where the preemptor should wait for room, the
 * pods to evict there, and the pods whose {@code status.nominatedNodeName} should be cleared.
 *
 * <p>Upstream: the four results {@code (selectedNode, preemptedPods, cleanupNominatedPods, err)} of
 * {@code ScheduleAlgorithm.Preempt} in {@code pkg/scheduler/core/generic_scheduler.go} (v1.17); the
 * error is an exception here.
 *
 * @param node the chosen node; empty when preemption cannot help or the pod may not preempt
 * @param victims the pods to evict from {@code node}; empty when the pod fits there already
 * @param nominatedPodsToClear lower-priority pods nominated to {@code node} (they may no longer
 *     fit), or the preemptor itself when no node could help it (its old nomination is stale)
 */
public record PreemptionResult(
    Optional<Node> node, List<Pod> victims, List<Pod> nominatedPodsToClear) {

  /** Nothing to do: no node, no victims, nothing to clear. */
  public static final PreemptionResult NONE =
      new PreemptionResult(Optional.empty(), List.of(), List.of());

  public PreemptionResult {
    victims = List.copyOf(victims);
    nominatedPodsToClear = List.copyOf(nominatedPodsToClear);
  }

  /** The chosen node's name, or {@code ""} (upstream's {@code nodeName} when none was chosen). */
  public String nodeName() {
    return node.map(n -> n.getMetadata().getName()).orElse("");
  }
}
