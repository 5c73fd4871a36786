package io.kubelab.kubelet.pleg;

/**
 * What happened to a container between two relists.
 *
 * <p>Upstream: {@code pkg/kubelet/pleg/pleg.go} ({@code PodLifeCycleEventType}). {@link #POD_SYNC}
 * exists upstream as a generic resync and the generic PLEG never produces it; {@link
 * #CONTAINER_CHANGED} is produced but never sent, because nothing consumes it reliably.
 */
public enum PodLifeCycleEventType {
  CONTAINER_STARTED("ContainerStarted"),
  CONTAINER_DIED("ContainerDied"),
  CONTAINER_REMOVED("ContainerRemoved"),
  POD_SYNC("PodSync"),
  CONTAINER_CHANGED("ContainerChanged");

  private final String upstreamName;

  PodLifeCycleEventType(String upstreamName) {
    this.upstreamName = upstreamName;
  }

  @Override
  public String toString() {
    return upstreamName;
  }
}
