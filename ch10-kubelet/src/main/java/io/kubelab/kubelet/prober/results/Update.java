package io.kubelab.kubelet.prober.results;

import io.kubelab.kubelet.container.ContainerId;

/**
 * A change of a container's probe result, as published on {@link ResultsManager#updates()}.
 *
 * <p>Upstream: {@code pkg/kubelet/prober/results/results_manager.go} ({@code Update}).
 */
public record Update(ContainerId containerId, Result result, String podUid) {}
