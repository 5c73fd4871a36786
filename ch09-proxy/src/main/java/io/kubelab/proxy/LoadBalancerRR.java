package io.kubelab.proxy;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.kubelab.apimachinery.clock.Clock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Round-robin over a service port's endpoints, with optional ClientIP session affinity.
 *
 * <p>Upstream: {@code LoadBalancerRR} in {@code pkg/proxy/userspace/roundrobin.go} (v1.18). Per
 * service port it keeps a shuffled endpoint list, an index into it, and an affinity policy: the
 * type, a TTL in seconds and a map client IP → (endpoint, last used). Every rule below is
 * upstream's:
 *
 * <ul>
 *   <li>A TTL of 0 means {@value #DEFAULT_CLIENT_IP_SERVICE_AFFINITY_SECONDS} s ({@code
 *       v1.DefaultClientIPServiceAffinitySeconds}). The state of a service port is created once, by
 *       {@link #newService} or by the first endpoints to arrive, and keeps the TTL it was created
 *       with until {@link #deleteService}; later calls may change the affinity type but never the
 *       TTL.
 *   <li>A sticky client keeps its endpoint while whole seconds since its last use are below the
 *       TTL; each hit refreshes the last use. A reset (the proxier retrying after a failed dial)
 *       skips the lookup and overwrites the record with the next round-robin endpoint.
 *   <li>New endpoints are shuffled once, when they arrive, and the index restarts at 0. An update
 *       with the same set in another order changes nothing, not even the index.
 *   <li>An update with a different set drops the sticky clients of endpoints that were in the
 *       current list and are not in the new one, and keeps every other record. A port that vanishes
 *       from the Endpoints object, or a delete, empties the list and forgets every sticky client,
 *       but keeps the service's state (type and TTL).
 * </ul>
 *
 * <p>One coarse lock guards everything, as upstream's mutex does ("Coarse locking is simple"). Time
 * comes from the injected {@link Clock}; the shuffle from the injected {@link Random}, so tests can
 * replay it.
 */
public final class LoadBalancerRR {

  /** {@code v1.DefaultClientIPServiceAffinitySeconds}: three hours. */
  public static final int DEFAULT_CLIENT_IP_SERVICE_AFFINITY_SECONDS = 10800;

  private final Clock clock;
  private final Random random;
  private final Map<ServicePortName, BalancerState> services = new HashMap<>();

  public LoadBalancerRR(Clock clock, Random random) {
    if (clock == null || random == null) {
      throw new IllegalArgumentException("LoadBalancerRR: clock and random must not be null");
    }
    this.clock = clock;
    this.random = random;
  }

  private static final class BalancerState {
    List<Endpoint> endpoints = List.of();
    int index;
    SessionAffinity affinityType;
    final int ttlSeconds;
    Map<InetAddress, AffinityState> affinityMap = new HashMap<>();

    BalancerState(SessionAffinity affinityType, int ttlSeconds) {
      this.affinityType = affinityType;
      this.ttlSeconds = ttlSeconds;
    }
  }

  private static final class AffinityState {
    Endpoint endpoint;
    Instant lastUsed;
  }

  /**
   * Registers a service port, or updates its affinity type if it exists ({@link
   * SessionAffinity#UNSET} leaves the type alone). The TTL is only read when the state is created,
   * as upstream's {@code newServiceInternal}: once the state exists, whether created here or by
   * endpoints that arrived first (with the default TTL), a different TTL is ignored until {@link
   * #deleteService} drops the state. The proxier calls that only when the port leaves its Service,
   * so neither a changed {@code timeoutSeconds} nor a restarted listener changes the TTL.
   */
  public synchronized void newService(
      ServicePortName service, SessionAffinity affinityType, int ttlSeconds) {
    if (ttlSeconds < 0) {
      throw new IllegalArgumentException(
          "Service "
              + service
              + ": sessionAffinityConfig.clientIP.timeoutSeconds must not be negative, got "
              + ttlSeconds);
    }
    newServiceInternal(service, affinityType, ttlSeconds);
  }

  private BalancerState newServiceInternal(
      ServicePortName service, SessionAffinity affinityType, int ttlSeconds) {
    int ttl = ttlSeconds == 0 ? DEFAULT_CLIENT_IP_SERVICE_AFFINITY_SECONDS : ttlSeconds;
    BalancerState state = services.get(service);
    if (state == null) {
      state = new BalancerState(affinityType, ttl);
      services.put(service, state);
    } else if (affinityType != SessionAffinity.UNSET) {
      state.affinityType = affinityType;
    }
    return state;
  }

  public synchronized void deleteService(ServicePortName service) {
    services.remove(service);
  }

  public synchronized boolean serviceHasEndpoints(ServicePortName service) {
    BalancerState state = services.get(service);
    return state != null && !state.endpoints.isEmpty();
  }

  /**
   * The endpoint for a new connection from {@code clientAddress}.
   *
   * @param sessionAffinityReset true when a previous choice for this connection failed to dial:
   *     ignore the client's sticky endpoint and move it to the next one
   * @throws LoadBalancerException.MissingServiceEntry if the service port is unknown
   * @throws LoadBalancerException.MissingEndpoints if it has no endpoints
   */
  public synchronized Endpoint nextEndpoint(
      ServicePortName service, InetSocketAddress clientAddress, boolean sessionAffinityReset)
      throws LoadBalancerException {
    BalancerState state = services.get(service);
    if (state == null) {
      throw new LoadBalancerException.MissingServiceEntry(service);
    }
    if (state.endpoints.isEmpty()) {
      throw new LoadBalancerException.MissingEndpoints(service);
    }
    boolean sticky = state.affinityType.sticky();
    InetAddress clientIp = null;
    Instant now = null;
    if (sticky) {
      clientIp = clientIp(service, clientAddress);
      now = clock.now();
      if (!sessionAffinityReset) {
        AffinityState existing = state.affinityMap.get(clientIp);
        if (existing != null && secondsSince(existing.lastUsed, now) < state.ttlSeconds) {
          existing.lastUsed = now;
          return existing.endpoint;
        }
      }
    }
    Endpoint endpoint = state.endpoints.get(state.index);
    state.index = (state.index + 1) % state.endpoints.size();
    if (sticky) {
      AffinityState record = state.affinityMap.computeIfAbsent(clientIp, ip -> new AffinityState());
      record.endpoint = endpoint;
      record.lastUsed = now;
    }
    return endpoint;
  }

  private static InetAddress clientIp(ServicePortName service, InetSocketAddress clientAddress) {
    // Upstream: net.SplitHostPort on the source address; only an unresolved address can fail here.
    if (clientAddress == null || clientAddress.getAddress() == null) {
      throw new IllegalArgumentException(
          "Service " + service + ": malformed source address \"" + clientAddress + "\"");
    }
    return clientAddress.getAddress();
  }

  /** Go's {@code int(time.Since(t).Seconds())}: whole seconds, truncated. */
  private static long secondsSince(Instant earlier, Instant now) {
    return Duration.between(earlier, now).getSeconds();
  }

  /**
   * A new Endpoints object: every port with endpoints gets a fresh shuffled list and index 0. A
   * port listed with no ready endpoints leaves existing state alone (upstream: "OnEndpointsAdd can
   * be called without NewService", it creates missing state and otherwise only sets non-empty
   * lists).
   */
  public synchronized void onEndpointsAdd(Endpoints endpoints) {
    String[] id = identity(endpoints, "Endpoints");
    for (Map.Entry<String, List<Endpoint>> e : PortsToEndpoints.build(endpoints).entrySet()) {
      ServicePortName service = new ServicePortName(id[0], id[1], e.getKey());
      List<Endpoint> fresh = e.getValue();
      BalancerState state = services.get(service);
      if (state == null || !fresh.isEmpty()) {
        state = newServiceInternal(service, SessionAffinity.UNSET, 0);
        state.endpoints = shuffle(fresh);
        state.index = 0;
      }
    }
  }

  /**
   * An Endpoints object changed. Per port: a different set of endpoints is shuffled in (index 0),
   * after removing the sticky clients of endpoints that left; the same set, in any order, changes
   * nothing. Ports that were in {@code oldEndpoints} but are not in {@code endpoints} are reset.
   */
  public synchronized void onEndpointsUpdate(Endpoints oldEndpoints, Endpoints endpoints) {
    String[] id = identity(endpoints, "Endpoints");
    Set<ServicePortName> registered = new HashSet<>();
    for (Map.Entry<String, List<Endpoint>> e : PortsToEndpoints.build(endpoints).entrySet()) {
      ServicePortName service = new ServicePortName(id[0], id[1], e.getKey());
      List<Endpoint> fresh = e.getValue();
      BalancerState state = services.get(service);
      List<Endpoint> current = state == null ? List.of() : state.endpoints;
      if (state == null || !sameSet(current, fresh)) {
        removeStaleAffinity(state, fresh);
        state = newServiceInternal(service, SessionAffinity.UNSET, 0);
        state.endpoints = shuffle(fresh);
        state.index = 0;
      }
      registered.add(service);
    }
    String[] oldId = identity(oldEndpoints, "old Endpoints");
    for (String portName : PortsToEndpoints.build(oldEndpoints).keySet()) {
      ServicePortName service = new ServicePortName(oldId[0], oldId[1], portName);
      if (!registered.contains(service)) {
        resetService(service);
      }
    }
  }

  /** Every port of a deleted Endpoints object loses its endpoints and sticky clients. */
  public synchronized void onEndpointsDelete(Endpoints endpoints) {
    String[] id = identity(endpoints, "Endpoints");
    for (String portName : PortsToEndpoints.build(endpoints).keySet()) {
      resetService(new ServicePortName(id[0], id[1], portName));
    }
  }

  /** Upstream's no-op {@code OnEndpointsSynced}, kept so the handler set is complete. */
  public void onEndpointsSynced() {}

  /** Forgets sticky clients idle for the TTL or longer. The proxier calls this periodically. */
  public synchronized void cleanupStaleStickySessions(ServicePortName service) {
    BalancerState state = services.get(service);
    if (state == null) {
      return;
    }
    Instant now = clock.now();
    state.affinityMap.values().removeIf(a -> secondsSince(a.lastUsed, now) >= state.ttlSeconds);
  }

  private void resetService(ServicePortName service) {
    BalancerState state = services.get(service);
    if (state != null) {
      state.endpoints = List.of();
      state.index = 0;
      state.affinityMap = new HashMap<>();
    }
  }

  /**
   * Upstream's {@code removeStaleAffinity}: for every endpoint of the <em>current</em> list that is
   * not in the new one, drop the clients stuck to it. A record pointing at an endpoint that is no
   * longer in the current list (possible after {@link #onEndpointsAdd} replaced the list, which
   * prunes nothing) survives, until its TTL or a reset.
   */
  private static void removeStaleAffinity(BalancerState state, List<Endpoint> fresh) {
    if (state == null) {
      return;
    }
    Set<Endpoint> removed = new HashSet<>(state.endpoints);
    removed.removeAll(fresh);
    state.affinityMap.values().removeIf(a -> removed.contains(a.endpoint));
  }

  /** Upstream's {@code slicesEquiv}: same length and the same elements once sorted. */
  private static boolean sameSet(List<Endpoint> a, List<Endpoint> b) {
    if (a.size() != b.size()) {
      return false;
    }
    List<String> x = new ArrayList<>(a.size());
    List<String> y = new ArrayList<>(b.size());
    a.forEach(ep -> x.add(ep.toString()));
    b.forEach(ep -> y.add(ep.toString()));
    Collections.sort(x);
    Collections.sort(y);
    return x.equals(y);
  }

  /** Upstream's {@code ShuffleStrings}: a random permutation, as a new list. */
  private List<Endpoint> shuffle(List<Endpoint> endpoints) {
    List<Endpoint> copy = new ArrayList<>(endpoints);
    Collections.shuffle(copy, random);
    return List.copyOf(copy);
  }

  private static String[] identity(Endpoints endpoints, String what) {
    if (endpoints == null) {
      throw new IllegalArgumentException(what + " must not be null");
    }
    var meta = endpoints.getMetadata();
    String namespace = meta == null ? null : meta.getNamespace();
    String name = meta == null ? null : meta.getName();
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException(what + " " + namespace + "/?: metadata.name is empty");
    }
    if (namespace == null || namespace.isEmpty()) {
      throw new IllegalArgumentException(what + " ?/" + name + ": metadata.namespace is empty");
    }
    return new String[] {namespace, name};
  }

  // ---- read-only views for tests and the chapter's pictures ----

  /** The service port's endpoints in round-robin order, or null if it is unknown. */
  synchronized List<Endpoint> endpoints(ServicePortName service) {
    BalancerState state = services.get(service);
    return state == null ? null : state.endpoints;
  }

  /** The round-robin index, or -1 if the service port is unknown. */
  synchronized int index(ServicePortName service) {
    BalancerState state = services.get(service);
    return state == null ? -1 : state.index;
  }

  /** Sticky clients: client IP → endpoint, or an empty map if the service port is unknown. */
  synchronized Map<InetAddress, Endpoint> stickyClients(ServicePortName service) {
    BalancerState state = services.get(service);
    Map<InetAddress, Endpoint> out = new LinkedHashMap<>();
    if (state != null) {
      state.affinityMap.forEach((ip, a) -> out.put(ip, a.endpoint));
    }
    return out;
  }

  /** The affinity type, or null if the service port is unknown. */
  synchronized SessionAffinity affinityType(ServicePortName service) {
    BalancerState state = services.get(service);
    return state == null ? null : state.affinityType;
  }

  /** The TTL in seconds the service port's state was created with, or -1 if unknown. */
  synchronized int ttlSeconds(ServicePortName service) {
    BalancerState state = services.get(service);
    return state == null ? -1 : state.ttlSeconds;
  }
}
