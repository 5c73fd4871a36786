package io.kubelab.kubelet.status;

import io.fabric8.kubernetes.api.model.PodStatus;

/**
 * A cached pod status with its per-pod version, which grows by one with every accepted change, so
 * that an older status is never written after a newer one.
 *
 * <p>Upstream: {@code pkg/kubelet/status/status_manager.go} ({@code versionedPodStatus}). The
 * status object is never mutated after it is stored.
 */
public record VersionedPodStatus(
    PodStatus status, long version, String podName, String podNamespace) {}
