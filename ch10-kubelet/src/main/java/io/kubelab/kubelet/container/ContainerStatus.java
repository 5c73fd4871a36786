package io.kubelab.kubelet.container;

import java.time.Instant;

/**
 * What the runtime knows about one container after inspecting it.
 *
 * <p>Upstream: {@code pkg/kubelet/container/runtime.go} ({@code ContainerStatus}). Times are null
 * when they have not happened yet (a created container has no start time; a running one has no
 * finish time).
 */
public record ContainerStatus(
    ContainerId id,
    String name,
    ContainerState state,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    int exitCode,
    int restartCount,
    String reason,
    String message) {

  public ContainerStatus {
    if (id == null || state == null) {
      throw new IllegalArgumentException(
          "ContainerStatus " + name + ": id and state must not be null (id " + id + ")");
    }
  }
}
