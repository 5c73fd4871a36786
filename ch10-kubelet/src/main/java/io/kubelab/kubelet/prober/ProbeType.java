package io.kubelab.kubelet.prober;

/**
 * The three probes a container can declare.
 *
 * <p>Upstream: {@code pkg/kubelet/prober/prober_manager.go} ({@code probeType}: liveness = 0,
 * readiness = 1, startup = 2; {@code String()} gives the capitalised names used in events).
 */
public enum ProbeType {
  LIVENESS("Liveness"),
  READINESS("Readiness"),
  STARTUP("Startup");

  private final String upstreamName;

  ProbeType(String upstreamName) {
    this.upstreamName = upstreamName;
  }

  @Override
  public String toString() {
    return upstreamName;
  }
}
