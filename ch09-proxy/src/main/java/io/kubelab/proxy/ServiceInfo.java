package io.kubelab.proxy;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the proxier knows about one proxied service port: its config, its sockets, its liveness.
 *
 * <p>Upstream: {@code ServiceInfo} in {@code pkg/proxy/userspace/proxier.go}. {@link #config} holds
 * exactly the fields upstream's {@code sameConfig} compares, so "did anything change?" is record
 * equality. The TTL of ClientIP affinity is deliberately outside it: upstream does not restart a
 * proxy when only the timeout changes.
 */
final class ServiceInfo {

  /**
   * The fields {@code sameConfig} compares.
   *
   * @param protocol TCP or UDP
   * @param portalIp the service's cluster IP
   * @param portalPort the service port number
   * @param nodePort 0 if none
   * @param externalIps in spec order (upstream compares them in order)
   * @param loadBalancerIngress ingress IPs and host names from the status
   * @param affinity the session affinity type
   */
  record Config(
      String protocol,
      String portalIp,
      int portalPort,
      int nodePort,
      List<String> externalIps,
      List<String> loadBalancerIngress,
      SessionAffinity affinity) {}

  final Config config;
  final int stickyMaxAgeSeconds;
  final ProxySocket socket;

  /** The listener on the portal address (the cluster IP), or null when none was opened. */
  volatile ProxySocket portalSocket;

  /** The listener on {@code listenIp:nodePort}, or null when the port has none. */
  volatile ProxySocket nodePortSocket;

  private final AtomicBoolean alive = new AtomicBoolean(true);
  private final AtomicInteger proxyLoops;

  ServiceInfo(
      Config config, int stickyMaxAgeSeconds, ProxySocket socket, AtomicInteger proxyLoops) {
    this.config = config;
    this.stickyMaxAgeSeconds = stickyMaxAgeSeconds;
    this.socket = socket;
    this.proxyLoops = proxyLoops;
  }

  boolean isAlive() {
    return alive.get();
  }

  void setAlive(boolean b) {
    alive.set(b);
  }

  /**
   * Upstream's {@code numProxyLoops}: one per proxied service port, the loop of its proxy socket.
   * The loops of the portal and NodePort listeners, which upstream does not have (iptables sends
   * that traffic to the one proxy socket), are not counted.
   */
  void proxyLoopStarted(ProxySocket loop) {
    if (loop == socket) {
      proxyLoops.incrementAndGet();
    }
  }

  void proxyLoopEnded(ProxySocket loop) {
    if (loop == socket) {
      proxyLoops.decrementAndGet();
    }
  }
}
