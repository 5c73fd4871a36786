package io.kubelab.proxy;

/**
 * Every port of the proxy port range is held.
 *
 * <p>Upstream: {@code errPortRangeNoPortsRemaining} in {@code pkg/proxy/userspace/
 * port_allocator.go}; the message starts with upstream's text and names the range.
 */
public final class PortRangeExhaustedException extends Exception {
  private static final long serialVersionUID = 1L;

  PortRangeExhaustedException(PortRange range) {
    super(
        "port allocation failed; there are no remaining ports left to"
            + " allocate in the accepted range "
            + range);
  }
}
