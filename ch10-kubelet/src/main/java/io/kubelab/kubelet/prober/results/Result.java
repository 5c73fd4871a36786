package io.kubelab.kubelet.prober.results;

/**
 * The cached outcome of a probe for one container.
 *
 * <p>Upstream: {@code pkg/kubelet/prober/results/results_manager.go} ({@code Result}: {@code
 * Unknown = -1}, {@code Success = 0}, {@code Failure = 1}).
 */
public enum Result {
  UNKNOWN("UNKNOWN"),
  SUCCESS("Success"),
  FAILURE("Failure");

  private final String upstreamName;

  Result(String upstreamName) {
    this.upstreamName = upstreamName;
  }

  @Override
  public String toString() {
    return upstreamName;
  }
}
