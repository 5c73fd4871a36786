package io.kubelab.kubelet.probe;

/**
 * What a single prober run concluded.
 *
 * <p>Upstream: {@code pkg/probe/probe.go} ({@code Success}, {@code Warning}, {@code Failure},
 * {@code Unknown}). A warning counts as success for the container; it only adds an event.
 */
public enum ProbeResult {
  SUCCESS("success"),
  WARNING("warning"),
  FAILURE("failure"),
  UNKNOWN("unknown");

  private final String upstreamName;

  ProbeResult(String upstreamName) {
    this.upstreamName = upstreamName;
  }

  @Override
  public String toString() {
    return upstreamName;
  }
}
