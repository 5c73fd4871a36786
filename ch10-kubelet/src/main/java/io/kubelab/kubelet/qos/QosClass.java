package io.kubelab.kubelet.qos;

/**
 * A pod's quality-of-service class, which orders pods for OOM kills and eviction.
 *
 * <p>Upstream: {@code k8s.io/api/core/v1} ({@code PodQOSGuaranteed}, {@code PodQOSBurstable},
 * {@code PodQOSBestEffort}); {@link #toString()} is the API value.
 */
public enum QosClass {
  GUARANTEED("Guaranteed"),
  BURSTABLE("Burstable"),
  BEST_EFFORT("BestEffort");

  private final String apiValue;

  QosClass(String apiValue) {
    this.apiValue = apiValue;
  }

  @Override
  public String toString() {
    return apiValue;
  }
}
