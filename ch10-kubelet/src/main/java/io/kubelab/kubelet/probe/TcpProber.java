package io.kubelab.kubelet.probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;

/**
 * TCP probe: success when a connection to {@code host:port} opens within the timeout.
 *
 * <p>Upstream: {@code pkg/probe/tcp/tcp.go} ({@code DoTCPProbe}, {@code net.DialTimeout}). The
 * connection is closed at once; a close error does not change the result. A dial error is a failure
 * (not an error) whose output is the dial error's text. An empty host (a pod without an IP yet)
 * dials {@code ":port"}, which Go resolves to the local system; so does this prober. The host name
 * is resolved before the timeout starts (Go counts the lookup in it).
 */
public final class TcpProber {

  public ProbeOutcome probe(String host, int port, Duration timeout) {
    String addr = ProbeUrl.joinHostPort(host, port);
    try (Socket socket = new Socket(Proxy.NO_PROXY)) {
      // An empty host name resolves to the loopback address, as Go dials ":port".
      socket.connect(
          new InetSocketAddress(Objects.requireNonNullElse(host, ""), port),
          timeoutMillis(timeout));
      return ProbeOutcome.of(ProbeResult.SUCCESS, "");
    } catch (IOException | IllegalArgumentException e) {
      return ProbeOutcome.of(ProbeResult.FAILURE, "dial tcp " + addr + ": " + e.getMessage());
    }
  }

  static int timeoutMillis(Duration timeout) {
    // Zero means "no timeout" to java.net; a probe always has one, so round up to 1 ms.
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
  }
}
