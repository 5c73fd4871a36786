package io.kubelab.proxy.exercises;

import java.util.List;

/**
 * Write it: the load balancer of one service port, as upstream's {@code LoadBalancerRR} keeps it
 * ({@code pkg/proxy/userspace/roundrobin.go}), with plain strings for endpoints and client IPs and
 * milliseconds for time. Graded by {@code StickyRoundRobinExerciseTest}:
 *
 * <pre>
 * ./mvnw -B -pl ch09-proxy -am test -Pexercise -Dtest=StickyRoundRobinExerciseTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <p>The rules (chapter 09, "Round-robin and the affinity map"):
 *
 * <ul>
 *   <li>Endpoints are used in the order given (the real one shuffles them first; here the caller
 *       has), starting at index 0; each pick takes {@code endpoints[index]} and advances the index
 *       by one, wrapping at the end.
 *   <li>With ClientIP affinity, a client with a record whose last use is less than {@code ttl}
 *       whole seconds ago (9.999 s counts as 9) gets its recorded endpoint, and the record's last
 *       use becomes now. Otherwise it takes the next pick, and the record is written (or
 *       overwritten) with that endpoint and now. A TTL of 0 means 10800 seconds.
 *   <li>{@code sessionAffinityReset} skips the record lookup (the pick and the write still happen).
 *   <li>{@link #update} with the same endpoints in any order changes nothing, not even the index.
 *       With a different set: the clients stuck to an endpoint of the current list that is not in
 *       the new one are forgotten, the new list is used in the order given and the index restarts
 *       at 0.
 *   <li>{@link #cleanup} forgets every client idle for {@code ttl} whole seconds or more.
 * </ul>
 */
final class StickyRoundRobin {

  /**
   * @param endpoints at least one, e.g. {@code "10.244.1.7:8080"}
   * @param clientIpAffinity true for {@code sessionAffinity: ClientIP}
   * @param ttlSeconds {@code timeoutSeconds}, 0 for the default
   */
  StickyRoundRobin(List<String> endpoints, boolean clientIpAffinity, int ttlSeconds) {
    throw new UnsupportedOperationException("exercise");
  }

  /** The endpoint for a new connection from {@code clientIp} at {@code nowMillis}. */
  String next(String clientIp, long nowMillis, boolean sessionAffinityReset) {
    throw new UnsupportedOperationException("exercise");
  }

  /** New endpoints for the port (upstream's {@code OnEndpointsUpdate} for one port). */
  void update(List<String> endpoints) {
    throw new UnsupportedOperationException("exercise");
  }

  /** Forgets clients idle for the TTL or longer (upstream's {@code CleanupStaleStickySessions}). */
  void cleanup(long nowMillis) {
    throw new UnsupportedOperationException("exercise");
  }

  /** The clients that have a record now, in any order. */
  List<String> stickyClients() {
    throw new UnsupportedOperationException("exercise");
  }
}
