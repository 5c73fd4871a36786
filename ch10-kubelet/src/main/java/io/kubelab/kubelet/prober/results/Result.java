package io.kubelab.kubelet.prober.results;

/**
 * The cached outcome of a probe for one container.
 *
 * <p>Upstream: {@code pkg/kubelet/prober/results/results_manager.go} ({@code Result}: {@code
 * Unknown = -1}, {@code Success = 0}, {@code Failure = 1}).
 */
public enum Result {
  UNKNOWN(-1, "UNKNOWN"),
  SUCCESS(0, "Success"),
  FAILURE(1, "Failure");

  private final int value;
  private final String upstreamName;

  Result(int value, String upstreamName) {
    this.value = value;
    this.upstreamName = upstreamName;
  }

  /** Upstream's integer value. */
  public int value() {
    return value;
  }

  @Override
  public String toString() {
    return upstreamName;
  }
}
