package io.kubelab.kubelet.eviction;

/**
 * The pressure conditions the eviction manager reports on the node.
 *
 * <p>Upstream: {@code k8s.io/api/core/v1} ({@code NodeMemoryPressure}, {@code NodeDiskPressure},
 * {@code NodePIDPressure}); {@link #toString()} is the API value.
 */
public enum NodeCondition {
  MEMORY_PRESSURE("MemoryPressure"),
  DISK_PRESSURE("DiskPressure"),
  PID_PRESSURE("PIDPressure");

  private final String apiValue;

  NodeCondition(String apiValue) {
    this.apiValue = apiValue;
  }

  @Override
  public String toString() {
    return apiValue;
  }
}
