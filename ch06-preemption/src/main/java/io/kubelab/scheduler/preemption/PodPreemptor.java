package io.kubelab.scheduler.preemption;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * The API calls preemption makes: re-read the preemptor, delete a victim, set and clear a pod's
 * {@code status.nominatedNodeName}.
 *
 * <p>Upstream: the {@code podPreemptor} interface and {@code podPreemptorImpl} in {@code
 * pkg/scheduler/scheduler.go} (v1.17). ch08's scheduler and the integration supply one backed by
 * the API server; tests use an in-memory one. Each call throws when the API call fails.
 */
public interface PodPreemptor {

  /** The pod as the API server has it now ({@code GET pods/name}). */
  Pod getUpdatedPod(Pod pod);

  /** Deletes the pod with its default grace period ({@code DELETE pods/name}). */
  void deletePod(Pod pod);

  /** Writes {@code status.nominatedNodeName} of a copy of {@code pod} ({@code UpdateStatus}). */
  void setNominatedNodeName(Pod pod, String nominatedNodeName);

  /**
   * Clears {@code status.nominatedNodeName}; no call at all when it is already empty (upstream's
   * {@code removeNominatedNodeName}).
   */
  default void removeNominatedNodeName(Pod pod) {
    String nominated = pod.getStatus() == null ? null : pod.getStatus().getNominatedNodeName();
    if (nominated == null || nominated.isEmpty()) {
      return;
    }
    setNominatedNodeName(pod, "");
  }
}
