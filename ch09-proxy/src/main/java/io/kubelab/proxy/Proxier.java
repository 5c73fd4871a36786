package io.kubelab.proxy;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.kubelab.apimachinery.clock.Clock;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * kube-proxy's userspace mode: one real listening socket per service port, forwarding to endpoints
 * chosen by {@link LoadBalancerRR}.
 *
 * <p>Upstream: {@code Proxier} in {@code pkg/proxy/userspace/proxier.go} (v1.18). For each service
 * port, {@code mergeService} compares the port's config with what is running ({@code sameConfig});
 * if it changed, the old listener is closed, a proxy port is taken from the {@link PortAllocator}
 * and a new {@link ProxySocket} starts its loop; then the load balancer learns the port's session
 * affinity. {@code unmergeService} closes ports that left the spec and deletes their load-balancer
 * state. Closing a listener stops new connections; connections already proxied finish on their own.
 *
 * <p>Upstream then installs iptables rules that redirect {@code clusterIP:port} to the proxy port.
 * Here, when {@link Config#portals()} is on and the cluster IP is a loopback address (anything in
 * 127.0.0.0/8 on Linux), the proxier opens a second listener on {@code clusterIP:port} feeding the
 * same loop: clients dial the service address as they would in a cluster, with no root and no
 * iptables.
 *
 * <p>Service events are applied at once on the caller's thread, rather than coalesced and replayed
 * by upstream's {@code BoundedFrequencyRunner}; the periodic part of {@code syncProxyRules}
 * (re-opening portals that failed to open, then sweeping stale sticky sessions) runs every {@link
 * Config#syncPeriod()} on the {@link Clock}.
 *
 * <p>Services are read as upstream reads them, relying on the API server's defaulting: {@code
 * spec.sessionAffinity} is passed on verbatim (an empty value leaves the load balancer's type
 * alone), and a port's protocol is matched case-insensitively, with SCTP and anything else logged
 * as not supported and left unproxied.
 */
public final class Proxier implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Proxier.class.getName());

  /**
   * How the proxier listens. Upstream: the userspace proxier's fields of {@code
   * KubeProxyConfiguration} in {@code pkg/proxy/apis/config/types.go}.
   *
   * @param listenIp where proxy ports are bound; upstream's {@code --bind-address}
   * @param portRange {@code --proxy-port-range}; empty lets the kernel pick each port
   * @param udpIdleTimeout {@code --udp-timeout}, 250 ms by default
   * @param syncPeriod how often stale sticky sessions are swept; upstream's {@code
   *     iptables.syncPeriod}, 30 s by default
   * @param portals open a listener on loopback cluster IPs, standing in for the iptables redirect
   */
  public record Config(
      InetAddress listenIp,
      PortRange portRange,
      Duration udpIdleTimeout,
      Duration syncPeriod,
      boolean portals) {

    public Config {
      Objects.requireNonNull(listenIp, "Proxier config: listenIp");
      Objects.requireNonNull(portRange, "Proxier config: portRange");
      Clock.checkPeriod(udpIdleTimeout);
      Clock.checkPeriod(syncPeriod);
    }

    /** Loopback, kernel-chosen ports, upstream's default timeouts, portals on. */
    public static Config defaults() {
      return new Config(
          InetAddress.getLoopbackAddress(),
          PortRange.EMPTY,
          Duration.ofMillis(250),
          Duration.ofSeconds(30),
          true);
    }

    public Config withPortRange(PortRange range) {
      return new Config(listenIp, range, udpIdleTimeout, syncPeriod, portals);
    }

    public Config withUdpIdleTimeout(Duration timeout) {
      return new Config(listenIp, portRange, timeout, syncPeriod, portals);
    }
  }

  /** How many proxy ports one service port may try when another process holds the first. */
  static final int BIND_ATTEMPTS = 8;

  private final LoadBalancerRR loadBalancer;
  private final Config config;
  private final PortAllocator proxyPorts;
  private final ProxyWorkers workers;
  private final AtomicInteger numProxyLoops = new AtomicInteger();
  private final Clock.Timer sweeper;
  private final Map<ServicePortName, ServiceInfo> serviceMap = new HashMap<>();
  private boolean closed;

  public Proxier(LoadBalancerRR loadBalancer, Clock clock, Config config, Random random) {
    this.loadBalancer = Objects.requireNonNull(loadBalancer, "loadBalancer");
    this.config = Objects.requireNonNull(config, "config");
    this.proxyPorts = PortAllocator.forRange(config.portRange(), random);
    this.workers = new ProxyWorkers("proxy-conn");
    this.sweeper =
        clock.until(
            config.syncPeriod(), config.syncPeriod(), Clock.ON_TIMER_THREAD, this::syncPeriodic);
  }

  // ---- service handlers (upstream: OnServiceAdd/Update/Delete) ----

  public void onServiceAdd(Service service) {
    serviceChange(null, service);
  }

  public void onServiceUpdate(Service oldService, Service service) {
    serviceChange(oldService, service);
  }

  public void onServiceDelete(Service service) {
    serviceChange(service, null);
  }

  private synchronized void serviceChange(Service previous, Service current) {
    if (closed) {
      throw new IllegalStateException("Proxier is closed");
    }
    if (Objects.equals(previous, current)) {
      return; // upstream: "collapsed change had no effect"
    }
    Set<String> existingPorts = mergeService(current);
    unmergeService(previous, existingPorts);
  }

  // ---- endpoint handlers: straight to the load balancer, as upstream ----

  public void onEndpointsAdd(Endpoints endpoints) {
    loadBalancer.onEndpointsAdd(endpoints);
  }

  public void onEndpointsUpdate(Endpoints oldEndpoints, Endpoints endpoints) {
    loadBalancer.onEndpointsUpdate(oldEndpoints, endpoints);
  }

  public void onEndpointsDelete(Endpoints endpoints) {
    loadBalancer.onEndpointsDelete(endpoints);
  }

  private record Parsed(ServicePortName name, ServiceInfo.Config config, int stickySeconds) {}

  /** Validates every port before touching state, so bad input changes nothing. */
  private static List<Parsed> parse(Service service) {
    String namespace = service.getMetadata() == null ? null : service.getMetadata().getNamespace();
    String name = service.getMetadata() == null ? null : service.getMetadata().getName();
    if (name == null || name.isEmpty() || namespace == null || namespace.isEmpty()) {
      throw new IllegalArgumentException(
          "Service "
              + namespace
              + "/"
              + name
              + ": metadata.namespace and metadata.name are required");
    }
    String what = "Service " + namespace + "/" + name;
    ServiceSpec spec = service.getSpec();
    if (spec == null) {
      throw new IllegalArgumentException(what + ": spec is missing");
    }
    // Verbatim, as upstream: "" is UNSET, which the load balancer reads as "keep the type".
    SessionAffinity affinity = SessionAffinity.parse(spec.getSessionAffinity(), what);
    int sticky = 0;
    if (affinity == SessionAffinity.CLIENT_IP
        && spec.getSessionAffinityConfig() != null
        && spec.getSessionAffinityConfig().getClientIP() != null
        && spec.getSessionAffinityConfig().getClientIP().getTimeoutSeconds() != null) {
      sticky = spec.getSessionAffinityConfig().getClientIP().getTimeoutSeconds();
      if (sticky < 0 || sticky > 86400) {
        // The API server accepts 1-86400; 0 stands for "unset" here, as in LoadBalancerRR.
        throw new IllegalArgumentException(
            what
                + ": spec.sessionAffinityConfig.clientIP.timeoutSeconds "
                + sticky
                + " must be in 0-86400 (0: the default, 10800)");
      }
    }
    List<String> externalIps = spec.getExternalIPs() == null ? List.of() : spec.getExternalIPs();
    List<String> ingress = new ArrayList<>();
    if (service.getStatus() != null
        && service.getStatus().getLoadBalancer() != null
        && service.getStatus().getLoadBalancer().getIngress() != null) {
      for (LoadBalancerIngress in : service.getStatus().getLoadBalancer().getIngress()) {
        ingress.add(in.getIp() + "/" + in.getHostname());
      }
    }
    List<ServicePort> ports = spec.getPorts() == null ? List.of() : spec.getPorts();
    List<Parsed> out = new ArrayList<>();
    for (int i = 0; i < ports.size(); i++) {
      ServicePort p = ports.get(i);
      int number = p.getPort() == null ? 0 : p.getPort();
      if (number < 1 || number > 65535) {
        throw new IllegalArgumentException(
            what + ": spec.ports[" + i + "].port " + number + " is out of range 1-65535");
      }
      // Verbatim too: a missing protocol is Go's "", which no proxy socket accepts.
      String protocol = p.getProtocol() == null ? "" : p.getProtocol();
      int nodePort = p.getNodePort() == null ? 0 : p.getNodePort();
      out.add(
          new Parsed(
              new ServicePortName(namespace, name, p.getName()),
              new ServiceInfo.Config(
                  protocol,
                  spec.getClusterIP(),
                  number,
                  nodePort,
                  List.copyOf(externalIps),
                  List.copyOf(ingress),
                  affinity),
              sticky));
    }
    return out;
  }

  /** Upstream's {@code ShouldSkipService}: headless and ExternalName services are not proxied. */
  private static boolean shouldSkip(Service service) {
    String clusterIp = service.getSpec() == null ? null : service.getSpec().getClusterIP();
    if (clusterIp == null || clusterIp.isEmpty() || clusterIp.equals("None")) {
      LOG.log(
          Level.DEBUG, "Skipping service {0} due to clusterIP = \"{1}\"", id(service), clusterIp);
      return true;
    }
    if ("ExternalName".equals(service.getSpec().getType())) {
      LOG.log(Level.DEBUG, "Skipping service {0} due to Type=ExternalName", id(service));
      return true;
    }
    return false;
  }

  private static String id(Service s) {
    return s.getMetadata() == null
        ? "?"
        : s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
  }

  private Set<String> mergeService(Service service) {
    Set<String> existingPorts = new HashSet<>();
    if (service == null || shouldSkip(service)) {
      return existingPorts;
    }
    for (Parsed p : parse(service)) {
      ServicePortName name = p.name();
      existingPorts.add(name.port());
      ServiceInfo info = serviceMap.get(name);
      if (info != null && info.config.equals(p.config())) {
        continue; // nothing changed
      }
      if (info != null) {
        stopProxy(name, info);
      }
      info = addServiceOnPort(name, p.config(), p.stickySeconds());
      if (info == null) {
        continue;
      }
      try {
        openPortal(name, info);
      } catch (IOException e) {
        LOG.log(Level.ERROR, "Failed to open portal for \"{0}\": {1}", name, e.getMessage());
      }
      loadBalancer.newService(name, p.config().affinity(), p.stickySeconds());
    }
    return existingPorts;
  }

  private void unmergeService(Service service, Set<String> existingPorts) {
    if (service == null || shouldSkip(service)) {
      return;
    }
    for (Parsed p : parse(service)) {
      ServicePortName name = p.name();
      if (existingPorts.contains(name.port())) {
        continue;
      }
      ServiceInfo info = serviceMap.get(name);
      if (info == null) {
        LOG.log(Level.ERROR, "Service \"{0}\" is being removed but doesn''t exist", name);
        continue;
      }
      stopProxy(name, info);
      loadBalancer.deleteService(name);
    }
  }

  /**
   * Upstream's {@code AllocateNext} + {@code addServiceOnPortInternal}. A port that another process
   * already holds is skipped (kept out of the pool until a listener opens) and the next one tried.
   * An unsupported protocol is refused before a port is taken (upstream takes one first and leaks
   * it).
   */
  private ServiceInfo addServiceOnPort(
      ServicePortName name, ServiceInfo.Config config, int stickySeconds) {
    String unsupported = unsupportedProtocol(config.protocol());
    if (unsupported != null) {
      LOG.log(Level.ERROR, "Failed to start proxy for \"{0}\": {1}", name, unsupported);
      return null;
    }
    List<Integer> busy = new ArrayList<>();
    try {
      for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
        int port;
        try {
          port = proxyPorts.allocateNext();
        } catch (PortRangeExhaustedException e) {
          LOG.log(
              Level.ERROR,
              "failed to allocate proxy port for service \"{0}\": {1}",
              name,
              e.getMessage());
          return null;
        }
        try {
          ProxySocket socket =
              openSocket(
                  config.protocol(),
                  new InetSocketAddress(config().listenIp(), port),
                  threadName(name, ""));
          ServiceInfo info = new ServiceInfo(config, stickySeconds, socket, numProxyLoops);
          serviceMap.put(name, info);
          socket.start(name, info, loadBalancer);
          LOG.log(
              Level.DEBUG,
              "Proxying for service \"{0}\" on {1} port {2}",
              name,
              config.protocol(),
              Integer.toString(socket.address().getPort()));
          return info;
        } catch (BindException e) {
          busy.add(port);
        } catch (IOException e) {
          proxyPorts.release(port);
          LOG.log(Level.ERROR, "Failed to start proxy for \"{0}\": {1}", name, e.toString());
          return null;
        }
      }
      LOG.log(Level.ERROR, "Failed to start proxy for \"{0}\": ports {1} in use", name, busy);
      return null;
    } finally {
      busy.forEach(proxyPorts::release);
    }
  }

  /** Upstream's {@code newProxySocket} refusals: null for TCP and UDP in any case. */
  static String unsupportedProtocol(String protocol) {
    return switch (protocol.toUpperCase(Locale.ROOT)) {
      case "TCP", "UDP" -> null;
      case "SCTP" -> "SCTP is not supported for user space proxy";
      default -> "unknown protocol \"" + protocol + "\"";
    };
  }

  private ProxySocket openSocket(String protocol, InetSocketAddress bind, String threadName)
      throws IOException {
    return protocol.toUpperCase(Locale.ROOT).equals("TCP")
        ? TcpProxySocket.open(bind, workers, "proxy-accept-" + threadName)
        : UdpProxySocket.open(bind, workers, "proxy-udp-" + threadName, config.udpIdleTimeout());
  }

  private static String threadName(ServicePortName name, String suffix) {
    return name + suffix;
  }

  /**
   * Upstream's {@code openPortal}, without iptables: a listener on {@code clusterIP:port} when the
   * cluster IP is loopback, then one on {@code listenIp:nodePort} when the port has a NodePort
   * (upstream claims the NodePort on every address by holding a socket on it; we stay on the
   * proxy's own address). As upstream, the first failure ends the call, so a portal that cannot
   * open leaves the NodePort closed too; the service stays reachable on its proxy port, and {@link
   * #syncPeriodic} tries again. Listeners already open are kept, so calling this again only opens
   * what is missing (upstream's {@code claimNodePort} is idempotent in the same way).
   *
   * @throws IOException {@code can't open node port for ip:port/PROTOCOL: cause}
   */
  private void openPortal(ServicePortName name, ServiceInfo info) throws IOException {
    InetAddress clusterIp = loopbackLiteral(info.config.portalIp());
    if (config.portals() && clusterIp != null && info.portalSocket == null) {
      info.portalSocket =
          openExtra(
              name, info, new InetSocketAddress(clusterIp, info.config.portalPort()), "-portal");
    }
    if (info.config.nodePort() != 0 && info.nodePortSocket == null) {
      info.nodePortSocket =
          openExtra(
              name,
              info,
              new InetSocketAddress(config.listenIp(), info.config.nodePort()),
              "-nodeport");
    }
  }

  private static InetAddress loopbackLiteral(String ip) {
    if (!Endpoint.isIpLiteral(ip)) {
      return null;
    }
    try {
      InetAddress address = InetAddress.getByName(ip);
      return address.isLoopbackAddress() ? address : null;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private ProxySocket openExtra(
      ServicePortName name, ServiceInfo info, InetSocketAddress bind, String suffix)
      throws IOException {
    try {
      ProxySocket socket = openSocket(info.config.protocol(), bind, threadName(name, suffix));
      socket.start(name, info, loadBalancer);
      return socket;
    } catch (IOException e) {
      // Upstream's portMapKey text: net.JoinHostPort(ip, port) + "/" + protocol.
      String key =
          new Endpoint(bind.getAddress().getHostAddress(), bind.getPort(), bind)
              + "/"
              + info.config.protocol();
      throw new IOException("can't open node port for " + key + ": " + e, e);
    }
  }

  /**
   * Upstream's {@code stopProxy} (with {@code closePortal}): not alive, sockets closed, port freed.
   */
  private void stopProxy(ServicePortName name, ServiceInfo info) {
    serviceMap.remove(name);
    info.setAlive(false);
    for (ProxySocket extra : new ProxySocket[] {info.portalSocket, info.nodePortSocket}) {
      if (extra != null) {
        extra.close();
      }
    }
    info.socket.close();
    proxyPorts.release(info.socket.listenPort());
  }

  /**
   * The end of upstream's {@code syncProxyRules}, which the sync loop runs at least once a sync
   * period: {@code ensurePortals} (open whatever portal or NodePort listener failed to open), then
   * {@code cleanupStaleStickySessions} (sweep every proxied port's expired sticky clients).
   */
  synchronized void syncPeriodic() {
    if (closed) {
      return; // the timer may fire once more while close() runs
    }
    for (Map.Entry<ServicePortName, ServiceInfo> e : serviceMap.entrySet()) {
      try {
        openPortal(e.getKey(), e.getValue());
      } catch (IOException ex) {
        LOG.log(
            Level.ERROR, "Failed to ensure portal for \"{0}\": {1}", e.getKey(), ex.getMessage());
      }
    }
    for (ServicePortName name : serviceMap.keySet()) {
      loadBalancer.cleanupStaleStickySessions(name);
    }
  }

  // ---- observation ----

  /** The NodePort listener's address, if one is open. */
  public synchronized Optional<InetSocketAddress> nodePortAddress(ServicePortName name) {
    ServiceInfo info = serviceMap.get(name);
    ProxySocket socket = info == null ? null : info.nodePortSocket;
    return socket == null ? Optional.empty() : Optional.of(socket.address());
  }

  /** Where the service port's proxy listens, if it is proxied. */
  public synchronized Optional<InetSocketAddress> proxyAddress(ServicePortName name) {
    ServiceInfo info = serviceMap.get(name);
    return info == null ? Optional.empty() : Optional.of(info.socket.address());
  }

  /** The portal listener's address, if one is open. */
  public synchronized Optional<InetSocketAddress> portalAddress(ServicePortName name) {
    ServiceInfo info = serviceMap.get(name);
    ProxySocket portal = info == null ? null : info.portalSocket;
    return portal == null ? Optional.empty() : Optional.of(portal.address());
  }

  /** The running state of a proxied port, for tests that check when a listener is replaced. */
  synchronized ServiceInfo serviceInfo(ServicePortName name) {
    return serviceMap.get(name);
  }

  /** Proxy ports the range allocator holds (0 when the kernel picks every port). */
  int proxyPortsInUse() {
    return proxyPorts instanceof PortAllocator.RangeAllocator range ? range.inUse() : 0;
  }

  /** Proxy loops running right now (upstream's {@code numProxyLoops}). */
  public int numProxyLoops() {
    return numProxyLoops.get();
  }

  /** TCP connections and UDP client sessions being proxied right now. */
  public int openConnections() {
    return workers.openConnections();
  }

  /** Waits, up to {@code timeout} of real time, until no connection is being proxied. */
  public boolean awaitNoConnections(Duration timeout) throws InterruptedException {
    return workers.awaitNoConnections(timeout);
  }

  /** Live connection worker threads, busy or idle. */
  public int workerThreads() {
    return workers.threads();
  }

  /**
   * Stops everything: the sync timer, every listener and loop thread, every open connection and
   * every worker thread. Upstream's {@code shutdown} also sweeps sticky sessions after stopping the
   * proxies, but with the service map just emptied that sweep visits nothing, so there is none
   * here. Upstream leaves established connections to finish; we close them, so that nothing this
   * proxier started outlives it.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      sweeper.close();
      for (Map.Entry<ServicePortName, ServiceInfo> e : new ArrayList<>(serviceMap.entrySet())) {
        stopProxy(e.getKey(), e.getValue());
      }
    }
    workers.close();
  }

  Config config() {
    return config;
  }
}
