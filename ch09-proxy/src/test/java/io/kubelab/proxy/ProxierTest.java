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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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

/** End to end on loopback: real clients, the proxier, real echo backends. */
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
      assertThat(exchange(p.proxyAddress(WEB).orElseThrow(), "warm")).isEqualTo("warm");
    }
  }

  @BeforeEach
  void start() throws IOException {
    assertThat(ourThreads()).as("threads left over by an earlier test").isEmpty();
    socketsBefore = openSockets();
    proxier = new Proxier(lb, clock, Proxier.Config.defaults(), new Random(5));
  }

  @AfterEach
  void stop() throws Exception {
    proxier.close();
    for (AutoCloseable c : closeAfter) {
      c.close();
    }
    assertThat(proxier.numProxyLoops()).isZero();
    assertThat(proxier.workerThreads()).isZero();
    assertThat(ourThreads()).as("live proxy/echo threads after close").isEmpty();
    assertThat(openSockets()).as("open sockets after close").isEqualTo(socketsBefore);
  }

  // ---- helpers ----

  static Set<String> ourThreads() {
    Set<String> names = new TreeSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && (t.getName().startsWith("proxy-") || t.getName().startsWith("echo-"))) {
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
    assertThat(proxier.numProxyLoops()).isEqualTo(2);
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

  @Test
  void portRangeBoundsTheNumberOfProxiedPorts() throws Exception {
    proxier.close();
    int base;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      base = probe.getLocalPort(); // a port that was just free; the next may be taken, that's ok
    }
    proxier =
        new Proxier(
            lb,
            clock,
            Proxier.Config.defaults().withPortRange(new PortRange(base, 2)),
            new Random(3));
    List<Service> services = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Service s = service("default", "svc" + i, "10.96.0." + (20 + i), tcp("http", 80));
      services.add(s);
      proxier.onServiceAdd(s);
    }
    long proxied =
        services.stream()
            .filter(s -> proxier.proxyAddress(name(s)).isPresent())
            .peek(s -> assertThat(proxyFor(name(s)).getPort()).isBetween(base, base + 1))
            .count();
    assertThat(proxied).isLessThanOrEqualTo(2);
    Service victim =
        services.stream()
            .filter(s -> proxier.proxyAddress(name(s)).isPresent())
            .findFirst()
            .orElseThrow();
    int freed = proxyFor(name(victim)).getPort();
    proxier.onServiceDelete(victim);
    Service again = service("default", "late", "10.96.0.30", tcp("http", 80));
    proxier.onServiceAdd(again);
    assertThat(proxyFor(name(again)).getPort()).isBetween(base, base + 1);
    assertThat(Arrays.asList(freed, base, base + 1)).contains(proxyFor(name(again)).getPort());
  }

  static ServicePortName name(Service s) {
    return new ServicePortName("default", s.getMetadata().getName(), "http");
  }

  @Test
  void udpClientsGetSessionsThatExpireWhenIdle() throws Exception {
    ServicePortName dns = new ServicePortName("default", "web", "dns");
    try (DatagramSocket backend = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      backend.setSoTimeout(IO_TIMEOUT_MS);
      client.setSoTimeout(IO_TIMEOUT_MS);
      proxier.onServiceAdd(service("default", "web", "10.96.0.10", udp("dns", 53)));
      proxier.onEndpointsAdd(
          Api.endpoints("default", "web", subset("dns", backend.getLocalPort(), "127.0.0.1")));
      InetSocketAddress proxy = proxyFor(dns);
      for (int i = 0; i < 3; i++) {
        byte[] q = ("query " + i).getBytes(StandardCharsets.UTF_8);
        client.send(new DatagramPacket(q, q.length, proxy));
        DatagramPacket got = new DatagramPacket(new byte[4096], 4096);
        backend.receive(got);
        assertThat(new String(got.getData(), 0, got.getLength(), StandardCharsets.UTF_8))
            .isEqualTo("query " + i);
        byte[] answer = ("answer " + i).getBytes(StandardCharsets.UTF_8);
        backend.send(new DatagramPacket(answer, answer.length, got.getSocketAddress()));
        DatagramPacket reply = new DatagramPacket(new byte[4096], 4096);
        client.receive(reply);
        assertThat(new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8))
            .isEqualTo("answer " + i);
        assertThat(reply.getSocketAddress()).isEqualTo(proxy);
      }
      assertThat(proxier.openConnections()).isEqualTo(1); // one client, one session
      // udpIdleTimeout is 250 ms of real time: the session ends within two of those.
      assertThat(proxier.awaitNoConnections(Duration.ofSeconds(5))).isTrue();
    }
  }

  @Test
  void eachUdpClientKeepsItsOwnBackendForItsSession() throws Exception {
    ServicePortName dns = new ServicePortName("default", "web", "dns");
    try (DatagramSocket b1 = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        DatagramSocket b2 = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        DatagramSocket c1 = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        DatagramSocket c2 = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      for (DatagramSocket s : List.of(b1, b2, c1, c2)) {
        s.setSoTimeout(IO_TIMEOUT_MS);
      }
      // A long idle timeout: on a loaded machine a 250 ms session could end between packets.
      proxier.close();
      proxier =
          new Proxier(
              lb,
              clock,
              Proxier.Config.defaults().withUdpIdleTimeout(Duration.ofSeconds(30)),
              new Random(5));
      proxier.onServiceAdd(service("default", "web", "10.96.0.10", udp("dns", 53)));
      proxier.onEndpointsAdd(
          Api.endpoints(
              "default",
              "web",
              subset("dns", b1.getLocalPort(), "127.0.0.1"),
              subset("dns", b2.getLocalPort(), "127.0.0.1")));
      InetSocketAddress proxy = proxyFor(dns);
      // Without affinity, the two clients' first packets take consecutive round-robin picks;
      // later packets of a client reuse its session instead of asking the balancer again.
      List<Integer> firstBackends = new ArrayList<>();
      for (DatagramSocket client : List.of(c1, c2, c1, c2, c1)) {
        byte[] q = "q".getBytes(StandardCharsets.UTF_8);
        client.send(new DatagramPacket(q, q.length, proxy));
        int got = receivedBy(b1, b2);
        if (firstBackends.size() < 2) {
          firstBackends.add(got);
        } else {
          int expected = client == c1 ? firstBackends.get(0) : firstBackends.get(1);
          assertThat(got).isEqualTo(expected);
        }
      }
      assertThat(firstBackends).containsExactlyInAnyOrder(b1.getLocalPort(), b2.getLocalPort());
      assertThat(proxier.openConnections()).isEqualTo(2);
      proxier.close(); // ends both sessions; stop() checks their threads and sockets are gone
      assertThat(proxier.openConnections()).isZero();
    }
  }

  /** The port of whichever of two backends receives the next datagram. */
  private static int receivedBy(DatagramSocket b1, DatagramSocket b2) throws IOException {
    // A short timeout on the first: the datagram went to exactly one of them.
    b1.setSoTimeout(200);
    DatagramPacket p = new DatagramPacket(new byte[64], 64);
    try {
      b1.receive(p);
      return b1.getLocalPort();
    } catch (java.net.SocketTimeoutException e) {
      b2.receive(p);
      return b2.getLocalPort();
    } finally {
      b1.setSoTimeout(IO_TIMEOUT_MS);
    }
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
}
