package io.kubelab.explain;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * Where one pending pod ended up after a run, and the decision of its last scheduling attempt.
 *
 * @param pod the pod as it was pending (normalised)
 * @param node the node it was bound to, or "" when it stays pending
 * @param nominatedNode where preemption nominated it ("" when never), kept from the attempt that
 *     preempted
 * @param victims the pods it evicted, {@code namespace/name}
 * @param attempts how many scheduling attempts it took
 * @param message "" when bound; otherwise why not (a FitError's message, a plugin's error)
 * @param decision what its last attempt recorded
 * @param preemptingAttempt what the last attempt in which preemption nominated a node recorded, or
 *     null when preemption never nominated one; its PostFilter outcome is kept when a later attempt
 *     (the retry that places the pod) runs no preemption
 */
public record PodResult(
    Pod pod,
    String node,
    String nominatedNode,
    List<String> victims,
    int attempts,
    String message,
    Decision decision,
    Decision preemptingAttempt) {

  public PodResult {
    victims = List.copyOf(victims);
  }

  public boolean bound() {
    return !node.isEmpty();
  }

  /** {@code namespace/name}. */
  public String key() {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }
}
