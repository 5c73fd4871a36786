package io.kubelab.scheduler.extender;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelab.scheduler.extender.LoopbackPeer.Conn;
import io.kubelab.scheduler.extender.LoopbackPeer.Request;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client's connections seen from the extender's end of each socket: which ones the client
 * reuses, which it closes (the peer reads the end of the stream), and what the deadline of each
 * call closes. The extender here is a {@link LoopbackPeer} that answers byte by byte as each test
 * says; each call runs on a caller thread while the test plays the extender.
 */
@Timeout(60)
class ExtenderClientConnectionsTest {

  private static final byte[] BODY = "{}".getBytes(StandardCharsets.UTF_8);

  private final ExecutorService callers = Executors.newSingleThreadExecutor();

  @AfterEach
  void stopCallers() throws InterruptedException {
    callers.shutdownNow();
    assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  private static ExtenderTransport client(LoopbackPeer peer, long timeoutMillis, String name) {
    return new ExtenderTransport(
        URI.create("http://127.0.0.1:" + peer.port()),
        null,
        TimeUnit.MILLISECONDS.toNanos(timeoutMillis),
        name);
  }

  private static URI filter(LoopbackPeer peer) {
    return URI.create("http://127.0.0.1:" + peer.port() + "/filter");
  }

  private Future<ExtenderTransport.Answer> call(ExtenderTransport t, URI uri) {
    return callers.submit(() -> t.post(uri, BODY));
  }

  private static ExtenderTransport.Answer answer(Future<ExtenderTransport.Answer> f)
      throws Exception {
    return f.get(LoopbackPeer.WAIT_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** The exception a call ended with; fails when the call answers or outlasts the bound. */
  private static Throwable failure(Future<ExtenderTransport.Answer> f) throws Exception {
    try {
      f.get(LoopbackPeer.WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("the call answered");
  }

  @Test
  void closingTheClientClosesItsIdleConnectionAndJoinsItsAlarmThread() throws Exception {
    try (LoopbackPeer peer = new LoopbackPeer()) {
      ExtenderTransport t = client(peer, 5_000, "extender-client-idle-");
      Future<ExtenderTransport.Answer> f = call(t, filter(peer));
      try (Conn c = peer.accept()) {
        c.read();
        c.ok("{}");
        assertThat(answer(f).status()).isEqualTo(200);
        Thread alarm =
            Thread.getAllStackTraces().keySet().stream()
                .filter(th -> th.getName().equals("extender-client-idle-1"))
                .findFirst()
                .orElseThrow();
        assertThat(alarm.isDaemon()).as("a forgotten client does not keep the JVM alive").isTrue();
        t.close();
        assertThat(ExtenderServerTest.threads("extender-client-idle-")).isEmpty();
        assertThat(c.clientClosed()).as("the idle connection ends with the client").isTrue();
      }
    }
  }

  @Test
  void anAnswerWithConnectionCloseEndsItsConnection() throws Exception {
    try (LoopbackPeer peer = new LoopbackPeer();
        ExtenderTransport t = client(peer, 5_000, "extender-client-close-")) {
      Future<ExtenderTransport.Answer> f = call(t, filter(peer));
      try (Conn first = peer.accept()) {
        first.read();
        // The extender says it will close, and leaves the closing to the client.
        first.write(
            "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\n"
                + "Content-Length: 2\r\n\r\n{}");
        assertThat(new String(answer(f).body(), StandardCharsets.UTF_8)).isEqualTo("{}");
        assertThat(first.clientClosed()).isTrue();
      }
      Future<ExtenderTransport.Answer> g = call(t, filter(peer));
      try (Conn second = peer.accept()) {
        second.read();
        second.ok("{}");
        assertThat(answer(g).status()).isEqualTo(200);
      }
    }
  }

  @Test
  void anAnswerThatIsNotHttpFailsTheCallAndEndsItsConnection() throws Exception {
    try (LoopbackPeer peer = new LoopbackPeer();
        ExtenderTransport t = client(peer, 5_000, "extender-client-garbage-")) {
      Future<ExtenderTransport.Answer> f = call(t, filter(peer));
      try (Conn c = peer.accept()) {
        c.read();
        c.write("HTTP/1.1 abc OK\r\nContent-Length: 0\r\n\r\n");
        assertThat(failure(f))
            .isInstanceOf(ExtenderException.class)
            .hasMessageStartingWith("Post " + filter(peer) + ": ParseException: ")
            .hasMessageContaining("HTTP/1.1 abc OK");
        assertThat(c.clientClosed()).isTrue();
      }
    }
  }

  @Test
  void bytesArrivingOnAnIdleConnectionRetireIt() throws Exception {
    try (LoopbackPeer peer = new LoopbackPeer();
        ExtenderTransport t = client(peer, 5_000, "extender-client-unsolicited-")) {
      Future<ExtenderTransport.Answer> f = call(t, filter(peer));
      try (Conn first = peer.accept()) {
        first.read();
        first.ok("{}");
        assertThat(answer(f).status()).isEqualTo(200);
        // An answer nobody asked for: the connection is out of step and must not carry the next
        // call (Go's transport logs "Unsolicited response received on idle HTTP channel").
        first.write("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n\"stale\"");
        Future<ExtenderTransport.Answer> g = call(t, filter(peer));
        try (Conn second = peer.accept()) {
          second.read();
          second.ok("\"fresh\"");
          assertThat(new String(answer(g).body(), StandardCharsets.UTF_8)).isEqualTo("\"fresh\"");
        }
        assertThat(first.clientClosed()).isTrue();
      }
    }
  }

  @Test
  void aCallOnAReusedConnectionIsStillBoundByItsDeadline() throws Exception {
    try (LoopbackPeer peer = new LoopbackPeer();
        ExtenderTransport t = client(peer, 500, "extender-client-reused-")) {
      Future<ExtenderTransport.Answer> f = call(t, filter(peer));
      try (Conn c = peer.accept()) {
        c.read();
        c.ok("{}");
        assertThat(answer(f).status()).isEqualTo(200);
        Future<ExtenderTransport.Answer> g = call(t, filter(peer));
        c.read();
        // No answer: the second call's deadline closes the connection it reused.
        assertThat(failure(g))
            .hasMessage(
                "Post "
                    + filter(peer)
                    + ": net/http: request canceled (Client.Timeout exceeded while awaiting"
                    + " headers)");
        assertThat(c.clientClosed()).isTrue();
      }
    }
  }

  @Test
  void aFinishedCallsDeadlineDoesNotEndTheNextCallOnItsConnection() throws Exception {
    // Deadline 2 s. The first call ends at once (its deadline would be at 2 s); the second starts
    // at 1 s on the same connection and is answered at 2.5 s: after the first call's deadline,
    // before its own (3 s). Half a second of margin on each side.
    try (LoopbackPeer peer = new LoopbackPeer();
        ExtenderTransport t = client(peer, 2_000, "extender-client-inTime-")) {
      long start = System.nanoTime();
      Future<ExtenderTransport.Answer> f = call(t, filter(peer));
      try (Conn c = peer.accept()) {
        c.read();
        c.ok("{}");
        assertThat(answer(f).status()).isEqualTo(200);
        pauseUntil(start, 1_000);
        Future<ExtenderTransport.Answer> g = call(t, filter(peer));
        c.read();
        pauseUntil(start, 2_500);
        c.ok("\"in time\"");
        assertThat(new String(answer(g).body(), StandardCharsets.UTF_8)).isEqualTo("\"in time\"");
      }
    }
  }

  /** Waits until {@code millis} after {@code start}: the alarm thread runs on real time. */
  private static void pauseUntil(long start, long millis) throws InterruptedException {
    long left = start + TimeUnit.MILLISECONDS.toNanos(millis) - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  @Test
  void aCallThatEndsAfterTheClientClosedClosesItsConnection() throws Exception {
    try (LoopbackPeer peer = new LoopbackPeer()) {
      ExtenderTransport t = client(peer, 5_000, "extender-client-late-");
      Future<ExtenderTransport.Answer> f = call(t, filter(peer));
      try (Conn c = peer.accept()) {
        c.read();
        t.close();
        c.ok("{}");
        assertThat(answer(f).status()).isEqualTo(200);
        assertThat(c.clientClosed()).as("no idle connection outlives the client").isTrue();
      }
    }
  }

  @Test
  void theRequestTargetKeepsTheUrlsQuery() throws Exception {
    // Upstream appends "/" + verb to urlPrefix as a string: a query in urlPrefix stays a query.
    try (LoopbackPeer peer = new LoopbackPeer();
        ExtenderTransport t = client(peer, 5_000, "extender-client-query-")) {
      Future<ExtenderTransport.Answer> f =
          call(t, URI.create("http://127.0.0.1:" + peer.port() + "/ext?tenant=a/filter"));
      try (Conn c = peer.accept()) {
        Request r = c.read();
        c.ok("{}");
        assertThat(answer(f).status()).isEqualTo(200);
        assertThat(r.line()).isEqualTo("POST /ext?tenant=a/filter HTTP/1.1");
        assertThat(r.headers()).containsEntry("host", "127.0.0.1:" + peer.port());
        assertThat(r.body()).isEqualTo("{}");
      }
    }
  }

  @Test
  void anAnswerWithoutABodyIsItsStatusAndNoBytes() throws Exception {
    try (LoopbackPeer peer = new LoopbackPeer();
        ExtenderTransport t = client(peer, 5_000, "extender-client-204-")) {
      Future<ExtenderTransport.Answer> f = call(t, filter(peer));
      try (Conn c = peer.accept()) {
        c.read();
        c.write("HTTP/1.1 204 No Content\r\n\r\n");
        ExtenderTransport.Answer a = answer(f);
        assertThat(a.status()).isEqualTo(204);
        assertThat(a.body()).isEmpty();
      }
    }
  }

  @Test
  void anIpv6ExtenderGetsItsBracketedHostHeader() throws Exception {
    try (LoopbackPeer peer =
            new LoopbackPeer(LoopbackPeer.plainListener(InetAddress.getByName("::1")));
        ExtenderTransport t =
            new ExtenderTransport(
                URI.create("http://[::1]:" + peer.port()),
                null,
                TimeUnit.SECONDS.toNanos(5),
                "extender-client-ipv6-")) {
      Future<ExtenderTransport.Answer> f =
          call(t, URI.create("http://[::1]:" + peer.port() + "/filter"));
      try (Conn c = peer.accept()) {
        Request r = c.read();
        c.ok("{}");
        assertThat(answer(f).status()).isEqualTo(200);
        assertThat(r.headers()).containsEntry("host", "[::1]:" + peer.port());
      }
    }
  }

  @Test
  void theTlsConfigsServerNameIsSentInTheHandshake() throws Exception {
    // The URL names an IP address; serverName asks for the certificate's DNS name, and the server
    // sees it as the handshake's SNI, as Go's tls.Config.ServerName sends it.
    SSLServerSocket listener =
        (SSLServerSocket)
            ExtenderTls.serverContext(
                    HttpsExtenderTest.pem("server.crt"), HttpsExtenderTest.pem("server.key"), null)
                .getServerSocketFactory()
                .createServerSocket(0, 4, InetAddress.getLoopbackAddress());
    try (LoopbackPeer peer = new LoopbackPeer(listener)) {
      ExtenderTransport t =
          new ExtenderTransport(
              URI.create("https://127.0.0.1:" + peer.port()),
              ExtenderTls.forExtender(
                  Configs.extender(
                      "\"urlPrefix\":\"https://127.0.0.1:"
                          + peer.port()
                          + "\",\"tlsConfig\":{\"caData\":"
                          + HttpsExtenderTest.b64("ca.crt")
                          + ",\"serverName\":\"extender.kubelab.test\"}")),
              TimeUnit.SECONDS.toNanos(5),
              "extender-client-sni-");
      Future<ExtenderTransport.Answer> f =
          call(t, URI.create("https://127.0.0.1:" + peer.port() + "/filter"));
      try (Conn c = peer.accept()) {
        SSLSocket s = (SSLSocket) c.socket;
        s.startHandshake();
        ExtendedSSLSession session = (ExtendedSSLSession) s.getSession();
        assertThat(session.getRequestedServerNames())
            .isEqualTo(List.of(new SNIHostName("extender.kubelab.test")));
        assertThat(session.getProtocol()).isIn("TLSv1.3", "TLSv1.2");
        c.read();
        c.ok("{}");
        assertThat(answer(f).status()).isEqualTo(200);
        // The client closes first: a TLS socket closed first waits for the other's close_notify.
        t.close();
        assertThat(c.clientClosed()).isTrue();
      } finally {
        t.close();
      }
    }
  }

  /**
   * A loopback address of this JVM's own (127.80.x.y from its process id): test JVMs running at the
   * same time each get their own well-known ports.
   */
  private static String ownLoopbackAddress() {
    long pid = ProcessHandle.current().pid();
    return "127.80." + ((pid >> 8) & 0xff) + "." + (pid & 0xff);
  }

  /** A peer on a well-known port; the test is skipped when that port cannot be bound here. */
  private static LoopbackPeer onPort(String address, int port) {
    java.net.ServerSocket listener;
    try {
      listener = new java.net.ServerSocket(port, 4, InetAddress.getByName(address));
    } catch (java.io.IOException e) {
      org.junit.jupiter.api.Assumptions.abort(address + ":" + port + " cannot be bound: " + e);
      throw new AssertionError(e);
    }
    return new LoopbackPeer(listener);
  }

  @Test
  void aUrlWithoutAPortMeansPort80ForHttp() throws Exception {
    String host = ownLoopbackAddress();
    try (LoopbackPeer peer = onPort(host, 80);
        ExtenderTransport t =
            new ExtenderTransport(
                URI.create("http://" + host),
                null,
                TimeUnit.SECONDS.toNanos(5),
                "extender-client-port80-")) {
      Future<ExtenderTransport.Answer> f = call(t, URI.create("http://" + host + "/filter"));
      try (Conn c = peer.accept()) {
        assertThat(c.read().headers()).containsEntry("host", host);
        c.ok("{}");
        assertThat(answer(f).status()).isEqualTo(200);
      }
    }
  }

  @Test
  void aUrlWithoutAPortMeansPort443ForHttps() throws Exception {
    String host = ownLoopbackAddress();
    try (LoopbackPeer peer = onPort(host, 443);
        ExtenderTransport t =
            new ExtenderTransport(
                URI.create("https://" + host),
                null,
                TimeUnit.SECONDS.toNanos(5),
                "extender-client-port443-")) {
      Future<ExtenderTransport.Answer> f = call(t, URI.create("https://" + host + "/filter"));
      // The handshake reaches port 443; a plain peer then ends it.
      try (Conn c = peer.accept()) {
        assertThat(c.socket.getLocalPort()).isEqualTo(443);
      }
      assertThat(failure(f)).isInstanceOf(ExtenderException.class);
    }
  }

  @Test
  void aDeadlineThatPassesBeforeTheConnectionIsMadeStillEndsTheCall() throws Exception {
    // A listener that never accepts and a deadline of a microsecond: whether the alarm rings before
    // the socket exists or after, the call ends as timed out instead of waiting for an answer.
    try (java.net.ServerSocket deaf =
            new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ExtenderTransport t =
            new ExtenderTransport(
                URI.create("http://127.0.0.1:" + deaf.getLocalPort()),
                null,
                TimeUnit.MICROSECONDS.toNanos(1),
                "extender-client-passed-")) {
      URI uri = URI.create("http://127.0.0.1:" + deaf.getLocalPort() + "/filter");
      for (int i = 0; i < 20; i++) {
        assertThat(failure(call(t, uri)))
            .hasMessage(
                "Post "
                    + uri
                    + ": net/http: request canceled (Client.Timeout exceeded while awaiting"
                    + " headers)");
      }
    }
  }
}
