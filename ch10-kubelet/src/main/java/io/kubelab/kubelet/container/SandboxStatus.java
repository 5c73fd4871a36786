package io.kubelab.kubelet.container;

/**
 * A pod sandbox's state: ready or not, and which attempt it is (the count of sandboxes the pod had
 * before it), which the PLEG reads to decide whether a missing pod IP means the network is gone and
 * the runtime manager to decide whether to create a new one.
 *
 * <p>Upstream: {@code runtimeapi.PodSandboxStatus} (state {@code SANDBOX_READY} / {@code
 * SANDBOX_NOTREADY}, {@code Metadata.Attempt}) as carried by {@code
 * kubecontainer.PodStatus.SandboxStatuses}, newest first.
 */
public record SandboxStatus(ContainerId id, boolean ready, int attempt) {

  public SandboxStatus(ContainerId id, boolean ready) {
    this(id, ready, 0);
  }
}
