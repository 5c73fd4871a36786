package io.kubelab.kubelet.container;

import java.util.List;
import java.util.Optional;

/**
 * The runtime's status of one pod: its IPs, every container it has (including exited ones), and its
 * sandboxes.
 *
 * <p>Upstream: {@code pkg/kubelet/container/runtime.go} ({@code PodStatus}). The runtime cache
 * returns {@link #empty(String)} for pods it has never heard of, meaning "no containers".
 */
public record PodStatus(
    String uid,
    String name,
    String namespace,
    List<String> ips,
    List<ContainerStatus> containerStatuses,
    List<SandboxStatus> sandboxStatuses) {

  public PodStatus {
    if (uid == null) {
      throw new IllegalArgumentException("PodStatus " + namespace + "/" + name + ": uid is null");
    }
    ips = List.copyOf(ips);
    containerStatuses = List.copyOf(containerStatuses);
    sandboxStatuses = List.copyOf(sandboxStatuses);
  }

  /** The status a cache miss yields: only the ID is set (upstream {@code &PodStatus{ID: id}}). */
  public static PodStatus empty(String uid) {
    return new PodStatus(uid, "", "", List.of(), List.of(), List.of());
  }

  /** The same status with other IPs. */
  public PodStatus withIps(List<String> newIps) {
    return new PodStatus(uid, name, namespace, newIps, containerStatuses, sandboxStatuses);
  }

  /**
   * The newest status of the named container (upstream {@code FindContainerStatusByName}: the
   * runtime lists the newest first).
   */
  public Optional<ContainerStatus> findContainerStatusByName(String containerName) {
    return containerStatuses.stream().filter(c -> c.name().equals(containerName)).findFirst();
  }
}
