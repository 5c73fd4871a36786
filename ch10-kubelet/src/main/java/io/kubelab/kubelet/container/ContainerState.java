package io.kubelab.kubelet.container;

/**
 * The four states a runtime reports for a container.
 *
 * <p>Upstream: {@code pkg/kubelet/container/runtime.go} ({@code ContainerStateCreated}, {@code
 * ContainerStateRunning}, {@code ContainerStateExited}, {@code ContainerStateUnknown}).
 */
public enum ContainerState {
  CREATED("created"),
  RUNNING("running"),
  EXITED("exited"),
  UNKNOWN("unknown");

  private final String upstreamName;

  ContainerState(String upstreamName) {
    this.upstreamName = upstreamName;
  }

  @Override
  public String toString() {
    return upstreamName;
  }
}
