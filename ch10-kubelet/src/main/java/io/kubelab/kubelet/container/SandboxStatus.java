package io.kubelab.kubelet.container;

/**
 * The pod sandbox's readiness, which the PLEG reads to decide whether a missing pod IP means the
 * network is gone or only that the runtime did not report it this time.
 *
 * <p>Upstream: {@code runtimeapi.PodSandboxStatus} (state {@code SANDBOX_READY} / {@code
 * SANDBOX_NOTREADY}) as carried by {@code kubecontainer.PodStatus.SandboxStatuses}.
 */
public record SandboxStatus(ContainerId id, boolean ready) {}
