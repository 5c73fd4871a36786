package io.kubelab.kubelet.status;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Optional;

/**
 * The kubelet's view of the pods bound to it, as last seen from the API server.
 *
 * <p>Upstream: {@code pkg/kubelet/pod/pod_manager.go} ({@code Manager.GetPodByUID}). Static and
 * mirror pods are not modelled here, so UID translation is the identity.
 */
public interface PodManager {

  Optional<Pod> getPodByUid(String uid);
}
