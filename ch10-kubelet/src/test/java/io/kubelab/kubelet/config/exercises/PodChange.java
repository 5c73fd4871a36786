package io.kubelab.kubelet.config.exercises;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.kubelet.config.PodUpdate;

/**
 * Write it: what a pod's new version, in a list from the API server, means to the kubelet. The
 * kubelet's own version is {@code PodStorage.checkAndUpdatePod}; write this one without looking.
 *
 * <p>Rules ({@code pkg/kubelet/config/config.go}): the pod changed semantically when its spec, its
 * labels, its deletion timestamp, its deletion grace period or its annotations differ, the
 * kubelet's own annotations ({@code kubernetes.io/config.source}, {@code
 * kubernetes.io/config.mirror}, {@code kubernetes.io/config.seen}) left out of the comparison. A
 * semantic change is a {@code DELETE} (a graceful deletion) when the new version has a deletion
 * timestamp, an {@code UPDATE} otherwise. Without a semantic change, a changed status is a {@code
 * RECONCILE}; no change at all is {@code null} (nothing to send). A null annotation map is an empty
 * one. Neither argument may be changed.
 */
public final class PodChange {
  private PodChange() {}

  public static PodUpdate.Op classify(Pod held, Pod incoming) {
    throw new UnsupportedOperationException("exercise");
  }
}
