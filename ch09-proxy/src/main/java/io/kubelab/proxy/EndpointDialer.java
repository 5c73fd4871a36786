package io.kubelab.proxy;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * Picks an endpoint and connects to it, trying again on a fresh endpoint when a dial fails.
 *
 * <p>Upstream: {@code TryConnectEndpoints} and {@code EndpointDialTimeouts} in {@code
 * pkg/proxy/userspace/proxysocket.go}. There are four attempts with growing timeouts, 250 ms, 500
 * ms, 1 s and 2 s. The first asks the load balancer with affinity honoured; after any failure the
 * rest ask with {@code sessionAffinityReset}, so a client stuck to a dead pod is moved on (and its
 * sticky record overwritten) instead of being sent back to the same corpse. A load-balancer error
 * (no such service, no endpoints) ends the search at once: retrying cannot fix it.
 */
final class EndpointDialer {

  private static final System.Logger LOG = System.getLogger(EndpointDialer.class.getName());

  /** Upstream's {@code EndpointDialTimeouts}: one dial attempt per entry. */
  static final List<Duration> ENDPOINT_DIAL_TIMEOUTS =
      List.of(
          Duration.ofMillis(250),
          Duration.ofMillis(500),
          Duration.ofSeconds(1),
          Duration.ofSeconds(2));

  private EndpointDialer() {}

  /** How to open a connection of type {@code C} to an endpoint; the network boundary. */
  @FunctionalInterface
  interface Dialer<C> {
    C dial(Endpoint endpoint, Duration timeout) throws IOException;
  }

  /**
   * Dials the service's endpoints until one answers.
   *
   * @throws LoadBalancerException if the load balancer has nothing to offer
   * @throws IOException {@code "failed to connect to an endpoint."} after every attempt failed;
   *     each dial error is attached as suppressed
   */
  static <C> C tryConnectEndpoints(
      ServicePortName service,
      InetSocketAddress clientAddress,
      LoadBalancerRR loadBalancer,
      Dialer<C> dialer)
      throws LoadBalancerException, IOException {
    boolean sessionAffinityReset = false;
    IOException failure = new IOException("failed to connect to an endpoint.");
    for (Duration timeout : ENDPOINT_DIAL_TIMEOUTS) {
      Endpoint endpoint;
      try {
        endpoint = loadBalancer.nextEndpoint(service, clientAddress, sessionAffinityReset);
      } catch (LoadBalancerException e) {
        LOG.log(Level.ERROR, "Couldn''t find an endpoint for {0}: {1}", service, e.getMessage());
        throw e;
      }
      try {
        return dialer.dial(endpoint, timeout);
      } catch (IOException e) {
        LOG.log(Level.ERROR, "Dial failed: {0}", e.toString());
        failure.addSuppressed(new IOException("dial " + endpoint + " for " + service, e));
        sessionAffinityReset = true;
      }
    }
    throw failure;
  }
}
