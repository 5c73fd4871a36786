package io.kubelab.proxy;

import static io.kubelab.proxy.Api.clientIp;
import static io.kubelab.proxy.Api.service;
import static io.kubelab.proxy.Api.subset;
import static io.kubelab.proxy.Api.tcp;
import static io.kubelab.proxy.Api.udp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.proxy.bench.EchoServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** End to end on loopback: real clients, the proxier, real echo backends. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ProxierTest {

  static final ServicePortName WEB = new ServicePortName("default", "web", "http");
  static final int IO_TIMEOUT_MS = 10_000;

  final FakeClock clock = new FakeClock();
  final LoadBalancerRR lb = new LoadBalancerRR(clock, new Random(99));
  final List<AutoCloseable> closeAfter = new ArrayList<>();
  Proxier proxier;
  long socketsBefore;

  /**
   * One full round trip before any test, so the JDK's one-time sockets exist before the first
   * baseline is taken (NIO keeps a socketpair for the lifetime of the JVM, used to close channels
   * that another thread is blocked on).
   */
  @BeforeAll
  static void warmUp() throws Exception {
    FakeClock clock = new FakeClock();
    LoadBalancerRR lb = new LoadBalancerRR(clock, new Random(1));
    try (EchoServer echo = new EchoServer("warm-up");
        Proxier p = new Proxier(lb, clock, Proxier.Config.defaults(), new Random(1))) {
      p.onServiceAdd(service("default", "web", "10.96.0.10", tcp("http", 80), udp("dns", 53)));
      p.onEndpointsAdd(endpoints(at(echo)));
      // Read the echo without half-closing, so this warm-up works whatever the half-close rule.
      try (Socket s = new Socket()) {
        s.connect(p.proxyAddress(WEB).orElseThrow(), IO_TIMEOUT_MS);
        s.setSoTimeout(IO_TIMEOUT_MS);
        s.getOutputStream().write("warm".getBytes(StandardCharsets.UTF_8));
        assertThat(s.getInputStream().readNBytes(4))
            .asString(StandardCharsets.UTF_8)
            .isEqualTo("warm");
      }
    }
  }

  @BeforeEach
  void start() throws IOException, InterruptedException {
    assertThat(ourThreadsAfterJoining()).as("threads left over by an earlier test").isEmpty();
    socketsBefore = openSockets();
    proxier = new Proxier(lb, clock, Proxier.Config.defaults(), new Random(5));
  }

  @AfterEach
  void stop() throws Exception {
    proxier.close();
    for (AutoCloseable c : closeAfter) {
      c.close();
    }
    assertThat(ourThreadsAfterJoining()).as("live proxy/echo threads after close").isEmpty();
    assertThat(proxier.numProxyLoops()).isZero();
    assertThat(proxier.workerThreads()).isZero();
    assertThat(openSockets()).as("open sockets after close").isEqualTo(socketsBefore);
  }

  // ---- helpers ----

  static boolean ours(Thread t) {
    return t.getName().startsWith("proxy-") || t.getName().startsWith("echo-");
  }

  /**
   * The proxy and echo threads still alive after joining each of them for up to a minute in all.
   * {@code close()} joins what it started with a bound of its own, which a machine loaded enough
   * can overrun; a thread that was told to end and is still on its way out is joined here before
   * anything is asserted, and one that is really stuck is still reported.
   */
  static Set<String> ourThreadsAfterJoining() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      long left = deadline - System.nanoTime();
      if (ours(t) && left > 0) {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    }
    Set<String> names = new TreeSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && ours(t)) {
        names.add(t.getName());
      }
    }
    return names;
  }

  /**
   * Sockets this process holds: the entries of /proc/self/fd that link to {@code socket:[...]}.
   * Counting only sockets keeps the check exact: the class loader opens jar files lazily, which
   * would move a count of all descriptors without any socket leaking.
   */
  static long openSockets() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(ProxierTest::isSocket).count();
    }
  }

  private static boolean isSocket(Path fd) {
    try {
      return Files.readSymbolicLink(fd).toString().startsWith("socket:");
    } catch (IOException e) {
      return false; // closed while we listed: not ours to count
    }
  }

  /** Every connection over: in the proxy and in the backends (the test's own sockets). */
  void awaitQuiet(EchoServer... backends) throws InterruptedException {
    assertThat(proxier.awaitNoConnections(Duration.ofSeconds(10))).isTrue();
    for (EchoServer b : backends) {
      assertThat(b.awaitIdle(Duration.ofSeconds(10))).isTrue();
    }
  }

  EchoServer backend(String name) throws IOException {
    EchoServer s = new EchoServer(name);
    closeAfter.add(s);
    return s;
  }

  static EndpointSubset at(EchoServer s) {
    return subset("http", s.port(), "127.0.0.1");
  }

  static Endpoints endpoints(EndpointSubset... subsets) {
    return Api.endpoints("default", "web", subsets);
  }

  InetSocketAddress proxyFor(ServicePortName name) {
    return proxier.proxyAddress(name).orElseThrow(() -> new AssertionError(name + " not proxied"));
  }

  /** Connect, send, half-close, read to end-of-stream. */
  static byte[] exchange(InetSocketAddress to, byte[] request) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(to, IO_TIMEOUT_MS);
      s.setSoTimeout(IO_TIMEOUT_MS);
      s.getOutputStream().write(request);
      s.shutdownOutput();
      return s.getInputStream().readAllBytes();
    }
  }

  static String exchange(InetSocketAddress to, String request) throws IOException {
    return new String(
        exchange(to, request.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
  }

  // ---- traffic ----

  @Test
  void trafficSpreadsRoundRobin() throws Exception {
    EchoServer a = backend("a");
    EchoServer b = backend("b");
    EchoServer c = backend("c");
    proxier.onServiceAdd(service("default", "web", "10.96.0.10", tcp("http", 80)));
    proxier.onEndpointsAdd(endpoints(at(a), at(b), at(c)));
    for (int i = 0; i < 30; i++) {
      assertThat(exchange(proxyFor(WEB), "hello " + i)).isEqualTo("hello " + i);
    }
    assertThat(List.of(a.accepted(), b.accepted(), c.accepted())).containsExactly(10, 10, 10);
  }

  @Test
  void stickyClientsStick() throws Exception {
    EchoServer a = backend("a");
    EchoServer b = backend("b");
    proxier.onServiceAdd(clientIp(service("default", "web", "10.96.0.10", tcp("http", 80)), 60));
    proxier.onEndpointsAdd(endpoints(at(a), at(b)));
    for (int i = 0; i < 10; i++) {
      exchange(proxyFor(WEB), "x");
    }
    assertThat(List.of(a.accepted(), b.accepted())).containsExactlyInAnyOrder(10, 0);
    // After the TTL the client is balanced afresh: round-robin moves it to the other backend.
    clock.step(Duration.ofSeconds(60));
    exchange(proxyFor(WEB), "x");
    assertThat(List.of(a.accepted(), b.accepted())).containsExactlyInAnyOrder(10, 1);
  }

  @Test
  void deadEndpointIsSkippedAfterRetry() throws Exception {
    EchoServer a = backend("a");
    int deadPort;
    try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      deadPort = gone.getLocalPort(); // bound then closed: connecting is refused at once
    }
    proxier.onServiceAdd(clientIp(service("default", "web", "10.96.0.10", tcp("http", 80)), 0));
    proxier.onEndpointsAdd(endpoints(at(a), subset("http", deadPort, "127.0.0.1")));
    // Make the dead endpoint the next pick, so our client's first dial fails and only the
    // affinity reset can move it: other clients take the picks in front of it.
    int dead = lb.endpoints(WEB).indexOf(Endpoint.of("127.0.0.1", deadPort));
    for (int i = 0; i < dead; i++) {
      lb.nextEndpoint(WEB, new InetSocketAddress(InetAddress.getByName("10.9.9." + i), 1), false);
    }
    for (int i = 0; i < 10; i++) {
      assertThat(exchange(proxyFor(WEB), "ping")).isEqualTo("ping");
    }
    assertThat(a.accepted()).isEqualTo(10);
    assertThat(lb.stickyClients(WEB).values()).extracting(Endpoint::port).containsOnly(a.port());
  }

  @Test
  void largeTransfersArriveIntactInBothDirections() throws Exception {
    EchoServer a = backend("a");
    proxier.onServiceAdd(service("default", "web", "10.96.0.10", tcp("http", 80)));
    proxier.onEndpointsAdd(endpoints(at(a)));
    ClientPool clients = new ClientPool(6);
    closeAfter.add(clients);
    List<Future<long[]>> results = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      long seed = 1000 + i;
      results.add(
          clients.submit(
              () -> {
                byte[] payload = new byte[6 * 1024 * 1024 + 17];
                new Random(seed).nextBytes(payload);
                try (Socket s = new Socket()) {
                  s.connect(proxyFor(WEB), IO_TIMEOUT_MS);
                  s.setSoTimeout(IO_TIMEOUT_MS);
                  // Write from another thread while reading: the echo flows back concurrently.
                  Future<?> writer =
                      clients.submit(
                          () -> {
                            OutputStream out = s.getOutputStream();
                            for (int off = 0; off < payload.length; off += 10_000) {
                              out.write(payload, off, Math.min(10_000, payload.length - off));
                            }
                            s.shutdownOutput();
                            return null;
                          });
                  byte[] echoed = s.getInputStream().readAllBytes();
                  writer.get(IO_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                  return new long[] {crc(payload), crc(echoed), payload.length, echoed.length};
                }
              }));
    }
    for (Future<long[]> f : results) {
      long[] r = f.get(60, TimeUnit.SECONDS);
      assertThat(r[3]).isEqualTo(r[2]);
      assertThat(r[1]).isEqualTo(r[0]);
    }
  }

  static long crc(byte[] data) {
    CRC32 c = new CRC32();
    c.update(data);
    return c.getValue();
  }

  @Test
  void halfCloseLetsTheReplyThrough() throws Exception {
    // The backend answers only after it sees end-of-stream. Upstream's copyBytes closes both
    // sockets when the client→backend copy ends, so this reply would be lost there.
    EchoServer counter = new EchoServer("count", 0, true);
    closeAfter.add(counter);
    proxier.onServiceAdd(service("default", "web", "10.96.0.10", tcp("http", 80)));
    proxier.onEndpointsAdd(endpoints(at(counter)));
    byte[] request = new byte[300_000];
    assertThat(new String(exchange(proxyFor(WEB), request), StandardCharsets.US_ASCII))
        .isEqualTo("got 300000");
  }

  @Test
  void manyConnectionsLeaveNoSocketsOrThreadsBehind() throws Exception {
    EchoServer a = backend("a");
    EchoServer b = backend("b");
    proxier.onServiceAdd(service("default", "web", "10.96.0.10", tcp("http", 80)));
    proxier.onEndpointsAdd(endpoints(at(a), at(b)));
    exchange(proxyFor(WEB), "warm up");
    awaitQuiet(a, b);
    long socketsIdle = openSockets();
    try (ClientPool clients = new ClientPool(16)) {
      List<Future<String>> done = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        String msg = "message " + i;
        done.add(clients.submit(() -> exchange(proxyFor(WEB), msg)));
      }
      for (int i = 0; i < done.size(); i++) {
        assertThat(done.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("message " + i);
      }
    }
    awaitQuiet(a, b);
    assertThat(openSockets()).as("sockets open once every connection ended").isEqualTo(socketsIdle);
    assertThat(a.accepted() + b.accepted()).isEqualTo(401);
    // Worker threads are pooled; close() (in stop()) must end every one of them.
    assertThat(proxier.workerThreads()).isPositive();
  }

  @Test
  void removedServiceClosesItsListenerButOpenConnectionsFinish() throws Exception {
    EchoServer a = backend("a");
    Service svc = service("default", "web", "10.96.0.10", tcp("http", 80));
    proxier.onServiceAdd(svc);
    proxier.onEndpointsAdd(endpoints(at(a)));
    InetSocketAddress address = proxyFor(WEB);
    try (Socket open = new Socket()) {
      open.connect(address, IO_TIMEOUT_MS);
      open.setSoTimeout(IO_TIMEOUT_MS);
      OutputStream out = open.getOutputStream();
      InputStream in = open.getInputStream();
      out.write("before".getBytes(StandardCharsets.UTF_8));
      assertThat(new String(in.readNBytes(6), StandardCharsets.UTF_8)).isEqualTo("before");

      proxier.onServiceDelete(svc);
      assertThat(proxier.proxyAddress(WEB)).isEmpty();
      assertThat(lb.endpoints(WEB)).isNull();
      assertThatThrownBy(() -> exchange(address, "new")).isInstanceOf(ConnectException.class);

      out.write("after".getBytes(StandardCharsets.UTF_8));
      assertThat(new String(in.readNBytes(5), StandardCharsets.UTF_8)).isEqualTo("after");
      open.shutdownOutput();
      assertThat(in.read()).isEqualTo(-1);
    }
    assertThat(proxier.awaitNoConnections(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void serviceWithoutEndpointsClosesTheClientConnection() throws Exception {
    proxier.onServiceAdd(service("default", "web", "10.96.0.10", tcp("http", 80)));
    try (Socket s = new Socket()) {
      s.connect(proxyFor(WEB), IO_TIMEOUT_MS);
      s.setSoTimeout(IO_TIMEOUT_MS);
      // "missing endpoints": the proxy closes the accepted connection; we read end-of-stream.
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void portalOnALoopbackClusterIpReachesTheService() throws Exception {
    EchoServer a = backend("a");
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.93.7"))) {
      port = probe.getLocalPort();
    }
    proxier.onServiceAdd(service("default", "web", "127.0.93.7", tcp("http", port)));
    proxier.onEndpointsAdd(endpoints(at(a)));
    InetSocketAddress portal = proxier.portalAddress(WEB).orElseThrow();
    assertThat(portal).isEqualTo(new InetSocketAddress("127.0.93.7", port));
    assertThat(exchange(portal, "via the cluster IP")).isEqualTo("via the cluster IP");
    // One loop per proxied service port, as upstream: the portal listener is not counted.
    assertThat(proxier.numProxyLoops()).isEqualTo(1);
  }

  @Test
  void nodePortIsOpenedOnTheListenAddressAndClosedWithTheService() throws Exception {
    EchoServer a = backend("a");
    int nodePort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      nodePort = probe.getLocalPort();
    }
    Service svc =
        new ServiceBuilder(service("default", "web", "10.96.0.10", tcp("http", 80)))
            .editSpec()
            .withType("NodePort")
            .editFirstPort()
            .withNodePort(nodePort)
            .endPort()
            .endSpec()
            .build();
    proxier.onServiceAdd(svc);
    proxier.onEndpointsAdd(endpoints(at(a)));
    InetSocketAddress address = proxier.nodePortAddress(WEB).orElseThrow();
    assertThat(address.getPort()).isEqualTo(nodePort);
    assertThat(exchange(address, "via the node port")).isEqualTo("via the node port");
    proxier.onServiceDelete(svc);
    assertThatThrownBy(() -> exchange(address, "gone")).isInstanceOf(ConnectException.class);
  }

  @Test
  void unchangedConfigKeepsTheListenerAndAChangeReopensIt() throws Exception {
    Service v1 = service("default", "web", "10.96.0.10", tcp("http", 80));
    proxier.onServiceAdd(v1);
    InetSocketAddress first = proxyFor(WEB);
    // A new label is not part of sameConfig: nothing restarts.
    Service v2 =
        new ServiceBuilder(v1).editMetadata().addToLabels("tier", "web").endMetadata().build();
    proxier.onServiceUpdate(v1, v2);
    assertThat(proxyFor(WEB)).isEqualTo(first);
    // A new port number is: the old listener closes, a new one opens.
    Service v3 = service("default", "web", "10.96.0.10", tcp("http", 8080));
    proxier.onServiceUpdate(v2, v3);
    assertThat(proxyFor(WEB)).isNotEqualTo(first);
    // A port renamed away is removed from the load balancer too.
    Service v4 = service("default", "web", "10.96.0.10", tcp("https", 443));
    proxier.onServiceUpdate(v3, v4);
    assertThat(proxier.proxyAddress(WEB)).isEmpty();
    assertThat(proxier.proxyAddress(new ServicePortName("default", "web", "https"))).isPresent();
    assertThat(lb.endpoints(WEB)).isNull();
  }

  @Test
  void headlessAndExternalNameServicesAreNotProxied() {
    proxier.onServiceAdd(service("default", "web", "None", tcp("http", 80)));
    Service external =
        new ServiceBuilder(service("default", "ext", "10.96.0.11", tcp("http", 80)))
            .editSpec()
            .withType("ExternalName")
            .endSpec()
            .build();
    proxier.onServiceAdd(external);
    assertThat(proxier.proxyAddress(WEB)).isEmpty();
    assertThat(proxier.numProxyLoops()).isZero();
  }

  @Test
  void badServicesAreRejectedNamingTheField() {
    assertThatThrownBy(
            () -> proxier.onServiceAdd(service("default", "web", "10.96.0.10", tcp("http", 0))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Service default/web: spec.ports[0].port 0 is out of range 1-65535");
    Service sticky =
        new ServiceBuilder(service("default", "web", "10.96.0.10", tcp("http", 80)))
            .editSpec()
            .withSessionAffinity("Cookie")
            .endSpec()
            .build();
    assertThatThrownBy(() -> proxier.onServiceAdd(sticky))
        .hasMessage(
            "Service default/web: spec.sessionAffinity \"Cookie\" is not one of None, ClientIP");
    assertThatThrownBy(
            () ->
                proxier.onServiceAdd(
                    clientIp(service("default", "web", "10.96.0.10", tcp("http", 80)), 86401)))
        .hasMessage(
            "Service default/web: spec.sessionAffinityConfig.clientIP.timeoutSeconds 86401 must be"
                + " in 0-86400 (0: the default, 10800)");
    assertThat(proxier.proxyAddress(WEB)).isEmpty();
  }

  /**
   * The first of {@code n} consecutive ports that are free on loopback for TCP and UDP right now.
   * Another process could take one before the proxier binds it; the tests that use this hold what
   * they need themselves or tolerate nothing else, so such a race would show as a failure.
   */
  static int freePorts(int n) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base;
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        base = probe.getLocalPort();
      }
      if (base + n - 1 > 65535) {
        continue;
      }
      List<AutoCloseable> held = new ArrayList<>();
      boolean free = true;
      try {
        for (int p = base; p < base + n && free; p++) {
          try {
            held.add(new ServerSocket(p, 1, InetAddress.getLoopbackAddress()));
            held.add(new DatagramSocket(p, InetAddress.getLoopbackAddress()));
          } catch (IOException e) {
            free = false;
          }
        }
      } finally {
        for (AutoCloseable c : held) {
          try {
            c.close();
          } catch (Exception e) {
            throw new IOException(e);
          }
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IOException("no " + n + " consecutive free ports on loopback");
  }

  /** A proxier over {@code range}, replacing the one {@link #start()} made. */
  void restartWith(Proxier.Config config, Random random) {
    proxier.close();
    proxier = new Proxier(lb, clock, config, random);
  }

  /** Always the lowest free port: makes the allocator's "random" probe start at the base. */
  static Random probeAtBase() {
    return new Random(0) {
      private static final long serialVersionUID = 1L;

      @Override
      public int nextInt(int bound) {
        return 0;
      }
    };
  }

  @Test
  void portRangeBoundsTheNumberOfProxiedPorts() throws Exception {
    int base = freePorts(2);
    restartWith(Proxier.Config.defaults().withPortRange(new PortRange(base, 2)), new Random(3));
    List<Service> services = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Service s = service("default", "svc" + i, "10.96.0." + (20 + i), tcp("http", 80));
      services.add(s);
      proxier.onServiceAdd(s);
    }
    List<Integer> ports = new ArrayList<>();
    for (Service s : services.subList(0, 2)) {
      ports.add(proxyFor(name(s)).getPort());
    }
    assertThat(ports).containsExactlyInAnyOrder(base, base + 1);
    assertThat(proxier.proxyAddress(name(services.get(2)))).isEmpty();
    assertThat(proxier.proxyPortsInUse()).isEqualTo(2);
    proxier.onServiceDelete(services.get(0));
    assertThat(proxier.proxyPortsInUse()).isEqualTo(1);
    Service again = service("default", "late", "10.96.0.30", tcp("http", 80));
    proxier.onServiceAdd(again);
    assertThat(proxyFor(name(again)).getPort()).isEqualTo(ports.get(0));
  }

  /** Listeners on loopback standing in for another process that holds these ports. */
  static List<ServerSocket> holdTcp(int... ports) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    for (int p : ports) {
      held.add(new ServerSocket(p, 1, InetAddress.getLoopbackAddress()));
    }
    return held;
  }

  static void closeAll(List<ServerSocket> sockets) throws IOException {
    for (ServerSocket s : sockets) {
      s.close();
    }
  }

  @Test
  void aProxyPortHeldByAnotherProcessIsSkippedAndReturnedToThePool() throws Exception {
    int base = freePorts(2);
    restartWith(Proxier.Config.defaults().withPortRange(new PortRange(base, 2)), probeAtBase());
    Service first = service("default", "svc0", "10.96.0.20", tcp("http", 80));
    List<ServerSocket> squatters = holdTcp(base);
    try {
      proxier.onServiceAdd(first);
      // The allocator offered base first; the bind failed, so the next port was tried.
      assertThat(proxyFor(name(first)).getPort()).isEqualTo(base + 1);
      assertThat(proxier.proxyPortsInUse()).isEqualTo(1);
    } finally {
      closeAll(squatters);
    }
    Service second = service("default", "svc1", "10.96.0.21", tcp("http", 80));
    proxier.onServiceAdd(second);
    assertThat(proxyFor(name(second)).getPort()).isEqualTo(base);
  }

  @Test
  void everyProxyPortHeldLeavesTheServiceUnproxiedAndHoldsNoPort() throws Exception {
    int base = freePorts(3);
    restartWith(Proxier.Config.defaults().withPortRange(new PortRange(base, 3)), probeAtBase());
    Service svc = service("default", "svc0", "10.96.0.20", tcp("http", 80));
    List<ServerSocket> squatters = holdTcp(base, base + 1, base + 2);
    try {
      proxier.onServiceAdd(svc);
      assertThat(proxier.proxyAddress(name(svc))).isEmpty();
      assertThat(proxier.proxyPortsInUse()).isZero();
      assertThat(lb.endpoints(name(svc))).as("no load-balancer state either").isNull();
    } finally {
      closeAll(squatters);
    }
    Service other = service("default", "svc1", "10.96.0.21", tcp("http", 80));
    proxier.onServiceAdd(other);
    assertThat(proxyFor(name(other)).getPort()).isEqualTo(base);
  }

  static ServicePortName name(Service s) {
    return new ServicePortName("default", s.getMetadata().getName(), "http");
  }

  /** One UDP round trip client → proxy → backend → proxy → client; returns the backend's view. */
  static DatagramPacket udpRoundTrip(
      DatagramSocket client, DatagramSocket backend, InetSocketAddress proxy, String query)
      throws IOException {
    byte[] q = query.getBytes(StandardCharsets.UTF_8);
    client.send(new DatagramPacket(q, q.length, proxy));
    DatagramPacket got = new DatagramPacket(new byte[4096], 4096);
    backend.receive(got);
    assertThat(new String(got.getData(), 0, got.getLength(), StandardCharsets.UTF_8))
        .isEqualTo(query);
    byte[] answer = ("answer to " + query).getBytes(StandardCharsets.UTF_8);
    backend.send(new DatagramPacket(answer, answer.length, got.getSocketAddress()));
    DatagramPacket reply = new DatagramPacket(new byte[4096], 4096);
    client.receive(reply);
    assertThat(new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8))
        .isEqualTo("answer to " + query);
    assertThat(reply.getSocketAddress())
        .as("replies come from the service's socket")
        .isEqualTo(proxy);
    return got;
  }

  @Test
  void udpClientKeepsOneSessionWhileItTalks() throws Exception {
    try (UdpService udp = udpService(LONG_UDP_IDLE)) {
      Set<java.net.SocketAddress> sources = new java.util.HashSet<>();
      for (int i = 0; i < 3; i++) {
        sources.add(
            udpRoundTrip(udp.client(), udp.backend(), udp.proxy(), "query " + i)
                .getSocketAddress());
      }
      assertThat(sources).as("one backend socket for the whole session").hasSize(1);
      assertThat(proxier.openConnections()).isEqualTo(1);
    }
  }

  @Test
  void idleUdpSessionEnds() throws Exception {
    try (UdpService udp = udpService(Duration.ofMillis(50))) {
      // One way only: a reply could arrive after the 50 ms session ended, on a slow machine.
      udpSend(udp.client(), udp.proxy(), "first");
      assertThat(udpReceive(udp.backend())).isEqualTo("first");
      // Idle from now on: the session ends by itself (the idle timeout is real time).
      assertThat(proxier.awaitNoConnections(Duration.ofSeconds(10))).isTrue();
      // The next datagram from the same client starts a new session.
      udpSend(udp.client(), udp.proxy(), "after the session ended");
      assertThat(udpReceive(udp.backend())).isEqualTo("after the session ended");
      assertThat(proxier.awaitNoConnections(Duration.ofSeconds(10))).isTrue();
    }
  }

  static void udpSend(DatagramSocket from, InetSocketAddress to, String text) throws IOException {
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    from.send(new DatagramPacket(data, data.length, to));
  }

  static String udpReceive(DatagramSocket socket) throws IOException {
    DatagramPacket got = new DatagramPacket(new byte[4096], 4096);
    socket.receive(got);
    return new String(got.getData(), 0, got.getLength(), StandardCharsets.UTF_8);
  }

  /** An idle timeout far longer than any test, so no UDP session ends between its packets. */
  static final Duration LONG_UDP_IDLE = Duration.ofSeconds(60);

  /**
   * The UDP service {@code default/web:dns}, its one loopback backend, a client, the proxy port.
   */
  record UdpService(
      Service service, DatagramSocket backend, DatagramSocket client, InetSocketAddress proxy)
      implements AutoCloseable {
    @Override
    public void close() {
      backend.close();
      client.close();
    }
  }

  /**
   * Restarts the proxier with {@code idleTimeout} for UDP sessions, then adds the UDP service
   * {@code default/web:dns} with one backend socket; both sockets time out after {@link
   * #IO_TIMEOUT_MS}.
   */
  UdpService udpService(Duration idleTimeout) throws IOException {
    restartWith(Proxier.Config.defaults().withUdpIdleTimeout(idleTimeout), new Random(5));
    DatagramSocket backend = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    backend.setSoTimeout(IO_TIMEOUT_MS);
    client.setSoTimeout(IO_TIMEOUT_MS);
    Service svc = service("default", "web", "10.96.0.10", udp("dns", 53));
    proxier.onServiceAdd(svc);
    proxier.onEndpointsAdd(
        Api.endpoints("default", "web", subset("dns", backend.getLocalPort(), "127.0.0.1")));
    return new UdpService(
        svc, backend, client, proxyFor(new ServicePortName("default", "web", "dns")));
  }

  @Test
  void eachUdpClientKeepsItsOwnBackendForItsSession() throws Exception {
    ServicePortName dns = new ServicePortName("default", "web", "dns");
    try (DatagramChannel b1 = udpBackend();
        DatagramChannel b2 = udpBackend();
        Selector backends = Selector.open();
        DatagramSocket c1 = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        DatagramSocket c2 = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      b1.register(backends, SelectionKey.OP_READ);
      b2.register(backends, SelectionKey.OP_READ);
      // An idle timeout far longer than the test, so no session can end between packets.
      restartWith(Proxier.Config.defaults().withUdpIdleTimeout(LONG_UDP_IDLE), new Random(5));
      proxier.onServiceAdd(service("default", "web", "10.96.0.10", udp("dns", 53)));
      proxier.onEndpointsAdd(
          Api.endpoints(
              "default",
              "web",
              subset("dns", port(b1), "127.0.0.1"),
              subset("dns", port(b2), "127.0.0.1")));
      InetSocketAddress proxy = proxyFor(dns);
      // Without affinity, the two clients' first packets take consecutive round-robin picks;
      // later packets of a client reuse its session instead of asking the balancer again.
      List<Integer> firstBackends = new ArrayList<>();
      for (DatagramSocket client : List.of(c1, c2, c1, c2, c1)) {
        byte[] q = "q".getBytes(StandardCharsets.UTF_8);
        client.send(new DatagramPacket(q, q.length, proxy));
        int got = receivedBy(backends);
        if (firstBackends.size() < 2) {
          firstBackends.add(got);
        } else {
          int expected = client == c1 ? firstBackends.get(0) : firstBackends.get(1);
          assertThat(got).isEqualTo(expected);
        }
      }
      assertThat(firstBackends).containsExactlyInAnyOrder(port(b1), port(b2));
      assertThat(proxier.openConnections()).isEqualTo(2);
      proxier.close(); // ends both sessions; stop() checks their threads and sockets are gone
      assertThat(proxier.openConnections()).isZero();
    }
  }

  static DatagramChannel udpBackend() throws IOException {
    DatagramChannel ch = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    ch.configureBlocking(false);
    return ch;
  }

  static int port(DatagramChannel ch) throws IOException {
    return ((InetSocketAddress) ch.getLocalAddress()).getPort();
  }

  /**
   * The port of the backend that receives the next datagram: waits (boundedly) on both at once,
   * then checks that exactly one datagram arrived, at exactly one backend.
   */
  private static int receivedBy(Selector backends) throws IOException {
    assertThat(backends.select(IO_TIMEOUT_MS)).as("a datagram within the timeout").isEqualTo(1);
    SelectionKey key = backends.selectedKeys().iterator().next();
    backends.selectedKeys().clear();
    DatagramChannel ch = (DatagramChannel) key.channel();
    assertThat(ch.receive(ByteBuffer.allocate(64))).isNotNull();
    assertThat(ch.receive(ByteBuffer.allocate(64))).as("one datagram, not two").isNull();
    return port(ch);
  }

  @Test
  void closeStopsListenersLoopsAndOpenConnections() throws Exception {
    EchoServer a = backend("a");
    proxier.onServiceAdd(service("default", "web", "10.96.0.10", tcp("http", 80)));
    proxier.onEndpointsAdd(endpoints(at(a)));
    try (Socket open = new Socket()) {
      open.connect(proxyFor(WEB), IO_TIMEOUT_MS);
      open.setSoTimeout(IO_TIMEOUT_MS);
      open.getOutputStream().write(1);
      assertThat(open.getInputStream().read()).isEqualTo(1);
      assertThat(proxier.openConnections()).isEqualTo(1);
      proxier.close();
      assertThat(open.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(proxier.openConnections()).isZero();
    assertThatThrownBy(() -> proxier.onServiceAdd(service("default", "x", "10.0.0.1", tcp("a", 1))))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void staleStickySessionsAreSweptEverySyncPeriod() throws Exception {
    EchoServer a = backend("a");
    proxier.onServiceAdd(clientIp(service("default", "web", "10.96.0.10", tcp("http", 80)), 10));
    proxier.onEndpointsAdd(endpoints(at(a)));
    exchange(proxyFor(WEB), "x");
    assertThat(lb.stickyClients(WEB)).hasSize(1);
    clock.step(Duration.ofSeconds(29));
    assertThat(lb.stickyClients(WEB)).hasSize(1); // expired, but the sweep has not run yet
    clock.step(Duration.ofSeconds(1));
    assertThat(lb.stickyClients(WEB)).isEmpty();
  }

  // ---- affinity TTL: fixed when the load balancer's state is created ----

  @Test
  void endpointsArrivingBeforeTheServiceFixTheDefaultTtl() throws Exception {
    EchoServer a = backend("a");
    EchoServer b = backend("b");
    // Endpoints first, as at almost every kube-proxy start: the load balancer creates the state
    // itself, with no affinity type and the default TTL of 10800 s.
    proxier.onEndpointsAdd(endpoints(at(a), at(b)));
    assertThat(lb.ttlSeconds(WEB)).isEqualTo(10800);
    // The Service asks for ClientIP with 10 s: the type is taken, the TTL is not.
    proxier.onServiceAdd(clientIp(service("default", "web", "10.96.0.10", tcp("http", 80)), 10));
    assertThat(lb.affinityType(WEB)).isEqualTo(SessionAffinity.CLIENT_IP);
    assertThat(lb.ttlSeconds(WEB)).isEqualTo(10800);
    exchange(proxyFor(WEB), "x");
    clock.step(Duration.ofSeconds(3600));
    exchange(proxyFor(WEB), "x");
    assertThat(List.of(a.accepted(), b.accepted())).containsExactlyInAnyOrder(2, 0);
  }

  @Test
  void aNewTimeoutTakesEffectOnlyOnceThePortHasLeftTheService() {
    Service v1 = clientIp(service("default", "web", "10.96.0.10", tcp("http", 80)), 10);
    proxier.onServiceAdd(v1);
    assertThat(lb.ttlSeconds(WEB)).isEqualTo(10);
    // Only the timeout changes: sameConfig holds, nothing restarts, the TTL stays.
    Service v2 = clientIp(v1, 60);
    proxier.onServiceUpdate(v1, v2);
    assertThat(lb.ttlSeconds(WEB)).isEqualTo(10);
    // A type change restarts the listener, but the load balancer's state survives it.
    Service v3 = new ServiceBuilder(v2).editSpec().withSessionAffinity("None").endSpec().build();
    proxier.onServiceUpdate(v2, v3);
    proxier.onServiceUpdate(v3, v2);
    assertThat(lb.affinityType(WEB)).isEqualTo(SessionAffinity.CLIENT_IP);
    assertThat(lb.ttlSeconds(WEB)).isEqualTo(10);
    // The port leaves the Service (deleteService), then comes back: now the state is new.
    Service renamed = clientIp(service("default", "web", "10.96.0.10", tcp("other", 80)), 60);
    proxier.onServiceUpdate(v2, renamed);
    assertThat(lb.ttlSeconds(WEB)).isEqualTo(-1);
    proxier.onServiceUpdate(renamed, v2);
    assertThat(lb.ttlSeconds(WEB)).isEqualTo(60);
  }

  @Test
  void emptySessionAffinityIsPassedOnVerbatim() {
    Service sticky = clientIp(service("default", "web", "10.96.0.10", tcp("http", 80)), 10);
    proxier.onServiceAdd(sticky);
    ServiceInfo before = proxier.serviceInfo(WEB);
    // "" is not "None" to sameConfig, so the listener restarts; and "" tells the load balancer
    // to keep its type, so the port stays sticky. The API server defaults "" to None, which is
    // why a real cluster never sees this.
    Service empty = new ServiceBuilder(sticky).editSpec().withSessionAffinity("").endSpec().build();
    proxier.onServiceUpdate(sticky, empty);
    assertThat(proxier.serviceInfo(WEB)).isNotSameAs(before);
    assertThat(lb.affinityType(WEB)).isEqualTo(SessionAffinity.CLIENT_IP);
    Service none =
        new ServiceBuilder(sticky).editSpec().withSessionAffinity("None").endSpec().build();
    proxier.onServiceUpdate(empty, none);
    assertThat(lb.affinityType(WEB)).isEqualTo(SessionAffinity.NONE);
  }

  // ---- sameConfig ----

  static Service withLabel(Service s, String value) {
    return new ServiceBuilder(s).editMetadata().addToLabels("rev", value).endMetadata().build();
  }

  @Test
  void externalIpsAreComparedInOrder() {
    Service v1 =
        new ServiceBuilder(service("default", "web", "10.96.0.10", tcp("http", 80)))
            .editSpec()
            .withExternalIPs("192.0.2.1", "192.0.2.2")
            .endSpec()
            .build();
    proxier.onServiceAdd(v1);
    ServiceInfo first = proxier.serviceInfo(WEB);
    Service v2 = withLabel(v1, "2");
    proxier.onServiceUpdate(v1, v2);
    assertThat(proxier.serviceInfo(WEB)).as("same external IPs: kept").isSameAs(first);
    Service v3 =
        new ServiceBuilder(v2)
            .editSpec()
            .withExternalIPs("192.0.2.2", "192.0.2.1")
            .endSpec()
            .build();
    proxier.onServiceUpdate(v2, v3);
    ServiceInfo reordered = proxier.serviceInfo(WEB);
    assertThat(reordered).as("same set, other order: restarted").isNotSameAs(first);
    Service v4 = new ServiceBuilder(v3).editSpec().withExternalIPs().endSpec().build();
    proxier.onServiceUpdate(v3, v4);
    assertThat(proxier.serviceInfo(WEB)).as("removed: restarted").isNotSameAs(reordered);
  }

  static Service withIngress(Service s, String ip, String hostname) {
    return new ServiceBuilder(s)
        .withNewStatus()
        .withNewLoadBalancer()
        .addNewIngress()
        .withIp(ip)
        .withHostname(hostname)
        .endIngress()
        .endLoadBalancer()
        .endStatus()
        .build();
  }

  @Test
  void loadBalancerIngressIsPartOfTheConfig() {
    Service v1 = service("default", "web", "10.96.0.10", tcp("http", 80));
    proxier.onServiceAdd(v1);
    ServiceInfo none = proxier.serviceInfo(WEB);
    Service v2 = withIngress(v1, "198.51.100.7", null);
    proxier.onServiceUpdate(v1, v2);
    ServiceInfo withIp = proxier.serviceInfo(WEB);
    assertThat(withIp).as("ingress added").isNotSameAs(none);
    Service v3 = withLabel(v2, "3");
    proxier.onServiceUpdate(v2, v3);
    assertThat(proxier.serviceInfo(WEB)).as("same ingress").isSameAs(withIp);
    Service v4 = withIngress(v3, "198.51.100.7", "lb.example.com");
    proxier.onServiceUpdate(v3, v4);
    ServiceInfo withHost = proxier.serviceInfo(WEB);
    assertThat(withHost).as("host name added").isNotSameAs(withIp);
    Service v5 = withIngress(v4, "198.51.100.8", "lb.example.com");
    proxier.onServiceUpdate(v4, v5);
    assertThat(proxier.serviceInfo(WEB)).as("IP changed").isNotSameAs(withHost);
  }

  // ---- protocols ----

  @Test
  void sctpAndUnknownProtocolsAreNotProxiedAndTakeNoPort() throws Exception {
    int base = freePorts(2);
    restartWith(Proxier.Config.defaults().withPortRange(new PortRange(base, 2)), new Random(5));
    ServicePort sctp =
        new ServicePortBuilder().withName("sctp").withPort(9).withProtocol("SCTP").build();
    ServicePort quic =
        new ServicePortBuilder().withName("quic").withPort(443).withProtocol("QUIC").build();
    ServicePort none = new ServicePortBuilder().withName("none").withPort(81).build();
    ServicePort lower =
        new ServicePortBuilder().withName("http").withPort(80).withProtocol("tcp").build();
    proxier.onServiceAdd(service("default", "web", "10.96.0.10", sctp, quic, none, lower));
    for (String port : List.of("sctp", "quic", "none")) {
      ServicePortName name = new ServicePortName("default", "web", port);
      assertThat(proxier.proxyAddress(name)).as(port).isEmpty();
      assertThat(lb.endpoints(name)).as(port + ": no load-balancer state").isNull();
    }
    // Protocols match in any case, as upstream's newProxySocket upper-cases them.
    assertThat(proxier.proxyAddress(WEB)).isPresent();
    assertThat(proxier.proxyPortsInUse()).isEqualTo(1);
    assertThat(Proxier.unsupportedProtocol("SCTP"))
        .isEqualTo("SCTP is not supported for user space proxy");
    assertThat(Proxier.unsupportedProtocol("QUIC")).isEqualTo("unknown protocol \"QUIC\"");
    assertThat(Proxier.unsupportedProtocol("")).isEqualTo("unknown protocol \"\"");
    assertThat(Proxier.unsupportedProtocol("udp")).isNull();
  }

  // ---- portals ----

  @Test
  void aPortalThatCannotOpenLeavesTheNodePortClosedUntilTheNextSync() throws Exception {
    EchoServer a = backend("a");
    InetAddress clusterIp = InetAddress.getByName("127.0.93.8");
    int nodePort = freePorts(1);
    ServerSocket squatter = new ServerSocket(0, 1, clusterIp);
    closeAfter.add(squatter); // closed in the test; closing again is harmless
    int servicePort = squatter.getLocalPort();
    Service svc =
        new ServiceBuilder(service("default", "web", "127.0.93.8", tcp("http", servicePort)))
            .editSpec()
            .withType("NodePort")
            .editFirstPort()
            .withNodePort(nodePort)
            .endPort()
            .endSpec()
            .build();
    proxier.onServiceAdd(svc);
    proxier.onEndpointsAdd(endpoints(at(a)));
    // As upstream's openPortal: the first failure ends it, so the NodePort is not opened
    // either; the proxy port itself works.
    assertThat(proxier.portalAddress(WEB)).isEmpty();
    assertThat(proxier.nodePortAddress(WEB)).isEmpty();
    assertThat(exchange(proxyFor(WEB), "direct")).isEqualTo("direct");
    clock.step(Duration.ofSeconds(30));
    assertThat(proxier.portalAddress(WEB)).as("still held by another socket").isEmpty();
    squatter.close();
    clock.step(Duration.ofSeconds(30)); // ensurePortals on the next sync
    assertThat(proxier.portalAddress(WEB)).contains(new InetSocketAddress(clusterIp, servicePort));
    assertThat(exchange(proxier.portalAddress(WEB).orElseThrow(), "portal")).isEqualTo("portal");
    assertThat(exchange(proxier.nodePortAddress(WEB).orElseThrow(), "node")).isEqualTo("node");
    assertThat(proxier.numProxyLoops()).isEqualTo(1);
  }

  @Test
  void aNodePortThatCannotOpenIsOpenedOnALaterSync() throws Exception {
    EchoServer a = backend("a");
    int servicePort = freePorts(1);
    ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    closeAfter.add(squatter);
    int nodePort = squatter.getLocalPort();
    Service svc =
        new ServiceBuilder(service("default", "web", "127.0.93.10", tcp("http", servicePort)))
            .editSpec()
            .withType("NodePort")
            .editFirstPort()
            .withNodePort(nodePort)
            .endPort()
            .endSpec()
            .build();
    proxier.onServiceAdd(svc);
    proxier.onEndpointsAdd(endpoints(at(a)));
    InetSocketAddress portal = proxier.portalAddress(WEB).orElseThrow();
    assertThat(proxier.nodePortAddress(WEB)).isEmpty();
    squatter.close();
    // ensurePortals keeps the open portal and opens only what is missing.
    clock.step(Duration.ofSeconds(30));
    assertThat(proxier.portalAddress(WEB)).contains(portal);
    assertThat(exchange(proxier.nodePortAddress(WEB).orElseThrow(), "node")).isEqualTo("node");
    assertThat(exchange(portal, "portal")).isEqualTo("portal");
  }

  @Test
  void proxyThreadsAreNamedForTheirServicePort() throws Exception {
    int servicePort = freePorts(1);
    int nodePort = freePorts(1);
    Service svc =
        new ServiceBuilder(
                service("default", "web", "127.0.93.11", tcp("http", servicePort), udp("dns", 53)))
            .editSpec()
            .withType("NodePort")
            .editFirstPort()
            .withNodePort(nodePort)
            .endPort()
            .endSpec()
            .build();
    proxier.onServiceAdd(svc);
    Set<String> names = new TreeSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      names.add(t.getName());
    }
    assertThat(names)
        .contains(
            "proxy-accept-default/web:http",
            "proxy-accept-default/web:http-portal",
            "proxy-accept-default/web:http-nodeport",
            "proxy-udp-default/web:dns");
  }

  @Test
  void aServicePortTriesAtMostEightProxyPorts() throws Exception {
    int base = freePorts(Proxier.BIND_ATTEMPTS + 1);
    restartWith(
        Proxier.Config.defaults().withPortRange(new PortRange(base, Proxier.BIND_ATTEMPTS + 1)),
        probeAtBase());
    int[] held = new int[Proxier.BIND_ATTEMPTS];
    for (int i = 0; i < held.length; i++) {
      held[i] = base + i;
    }
    List<ServerSocket> squatters = holdTcp(held);
    try {
      Service svc = service("default", "svc0", "10.96.0.20", tcp("http", 80));
      proxier.onServiceAdd(svc);
      // Eight ports were tried and found taken; the ninth, free, was not tried.
      assertThat(proxier.proxyAddress(name(svc))).isEmpty();
      assertThat(proxier.proxyPortsInUse()).isZero();
    } finally {
      closeAll(squatters);
    }
  }

  @Test
  void awaitNoConnectionsGivesUpWhileAConnectionStaysOpen() throws Exception {
    EchoServer a = backend("a");
    proxier.onServiceAdd(service("default", "web", "10.96.0.10", tcp("http", 80)));
    proxier.onEndpointsAdd(endpoints(at(a)));
    try (Socket open = new Socket()) {
      open.connect(proxyFor(WEB), IO_TIMEOUT_MS);
      open.setSoTimeout(IO_TIMEOUT_MS);
      open.getOutputStream().write(7);
      assertThat(open.getInputStream().read()).isEqualTo(7);
      assertThat(proxier.awaitNoConnections(Duration.ofMillis(50))).isFalse();
      assertThat(proxier.openConnections()).isEqualTo(1);
    }
    assertThat(proxier.awaitNoConnections(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void aBackendResetClosesTheClientConnection() throws Exception {
    ServerSocket backend = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    closeAfter.add(backend);
    backend.setSoTimeout(IO_TIMEOUT_MS);
    proxier.onServiceAdd(service("default", "web", "10.96.0.10", tcp("http", 80)));
    proxier.onEndpointsAdd(endpoints(subset("http", backend.getLocalPort(), "127.0.0.1")));
    try (Socket client = new Socket()) {
      client.connect(proxyFor(WEB), IO_TIMEOUT_MS);
      client.setSoTimeout(IO_TIMEOUT_MS);
      try (Socket accepted = backend.accept()) {
        // A byte through the proxy first: its dial has returned and both copies run. A reset
        // that arrives while the dial is still finishing fails the dial instead (in Go too),
        // and the retry would then wait in the backend's accept queue.
        client.getOutputStream().write(7);
        accepted.setSoTimeout(IO_TIMEOUT_MS);
        assertThat(accepted.getInputStream().read()).isEqualTo(7);
        accepted.setSoLinger(true, 0); // close with a reset
      }
      // The copy from the backend fails; as upstream, both sockets are closed, so the client
      // sees its connection end (a reset or an end-of-stream) instead of waiting forever.
      int got;
      try {
        got = client.getInputStream().read();
      } catch (java.net.SocketException reset) {
        got = -1;
      }
      assertThat(got).isEqualTo(-1);
    }
    assertThat(proxier.awaitNoConnections(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void aUdpPacketWithoutEndpointsIsDroppedAndTheLoopGoesOn() throws Exception {
    ServicePortName dns = new ServicePortName("default", "web", "dns");
    restartWith(Proxier.Config.defaults().withUdpIdleTimeout(LONG_UDP_IDLE), new Random(5));
    try (DatagramSocket backend = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      backend.setSoTimeout(IO_TIMEOUT_MS);
      proxier.onServiceAdd(service("default", "web", "10.96.0.10", udp("dns", 53)));
      InetSocketAddress proxy = proxyFor(dns);
      udpSend(client, proxy, "before endpoints");
      proxier.onEndpointsAdd(
          Api.endpoints("default", "web", subset("dns", backend.getLocalPort(), "127.0.0.1")));
      udpSend(client, proxy, "after");
      // The first datagram is dropped if the loop read it before the endpoints arrived, and
      // forwarded otherwise; either way the loop keeps reading and the second one arrives.
      String got = udpReceive(backend);
      if (!got.equals("after")) {
        assertThat(got).isEqualTo("before endpoints");
        got = udpReceive(backend);
      }
      assertThat(got).isEqualTo("after");
    }
  }

  @Test
  void udpRepliesArriveWholeWhateverTheirLength() throws Exception {
    try (UdpService udp = udpService(LONG_UDP_IDLE)) {
      // A short reply, then longer ones on the same session, up to the 4 KiB upstream reads.
      for (int length : new int[] {1, 100, UdpProxySocket.BUFFER_SIZE}) {
        udpSend(udp.client(), udp.proxy(), "q");
        DatagramPacket query = new DatagramPacket(new byte[64], 64);
        udp.backend().receive(query);
        byte[] answer = new byte[length];
        new Random(length).nextBytes(answer);
        udp.backend().send(new DatagramPacket(answer, length, query.getSocketAddress()));
        DatagramPacket reply = new DatagramPacket(new byte[8192], 8192);
        udp.client().receive(reply);
        assertThat(java.util.Arrays.copyOf(reply.getData(), reply.getLength()))
            .as("a reply of %d bytes", length)
            .isEqualTo(answer);
      }
    }
  }

  @Test
  void removingAUdpServiceEndsItsSessions() throws Exception {
    try (UdpService udp = udpService(LONG_UDP_IDLE)) {
      udpRoundTrip(udp.client(), udp.backend(), udp.proxy(), "query");
      assertThat(proxier.openConnections()).isEqualTo(1);
      // Replies go out through the service's socket, so a session cannot outlive it.
      proxier.onServiceDelete(udp.service());
      assertThat(proxier.openConnections()).isZero();
    }
  }
}
