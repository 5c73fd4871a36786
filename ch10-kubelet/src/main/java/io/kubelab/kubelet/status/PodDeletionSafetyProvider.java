package io.kubelab.kubelet.status;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;

/**
 * Whether a terminating pod's resources (containers, volumes, cgroups) are gone, so that the status
 * manager may delete the pod object.
 *
 * <p>Upstream: {@code pkg/kubelet/status/status_manager.go} ({@code PodDeletionSafetyProvider}).
 */
public interface PodDeletionSafetyProvider {

  boolean podResourcesAreReclaimed(Pod pod, PodStatus status);
}
