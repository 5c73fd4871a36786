package io.kubelab.kubelet.status;

import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.Optional;

/**
 * Read access to the kubelet's cached API status of a pod.
 *
 * <p>Upstream: {@code pkg/kubelet/status/status_manager.go} ({@code PodStatusProvider}).
 */
public interface PodStatusProvider {

  /** The cached status, if the status manager has one for this pod. */
  Optional<PodStatus> getPodStatus(String podUid);
}
