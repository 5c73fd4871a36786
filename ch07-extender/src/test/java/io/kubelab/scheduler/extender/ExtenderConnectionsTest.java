package io.kubelab.scheduler.extender;

import static io.kubelab.scheduler.extender.HttpExtenderTest.NODES;
import static io.kubelab.scheduler.extender.HttpExtenderTest.POD;
import static io.kubelab.scheduler.extender.HttpExtenderTest.SNAPSHOT;
import static io.kubelab.scheduler.extender.HttpExtenderTest.prefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelab.scheduler.extender.v1.ExtenderFilterResult;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The connections under the calls: kept alive and reused, at most two idle, replaced when the
 * extender closed them, each served on its own thread, and the deadline kept on the way out too.
 */
@Timeout(60)
class ExtenderConnectionsTest {

  static ExtenderServer passAll(ExtenderServer.Builder b) {
    return b.filter("filter", a -> new ExtenderFilterResult(null, a.nodeNames(), null, ""))
        .bind(
            "bind",
            a -> {
              throw new IllegalStateException("no binding today");
            })
        .start();
  }

  static HttpExtender byName(ExtenderServer s) {
    return Configs.http(prefix(s) + ",\"filterVerb\":\"filter\",\"nodeCacheCapable\":true");
  }

  @Test
  void callsOneAfterAnotherShareOneKeptAliveConnection() {
    try (ExtenderServer s = passAll(ExtenderServer.builder());
        HttpExtender e = byName(s)) {
      for (int i = 0; i < 5; i++) {
        assertThat(e.filter(POD, NODES, SNAPSHOT).nodes()).hasSize(3);
      }
      assertThat(s.connectionsAccepted()).isEqualTo(1);
    }
  }

  @Test
  void aFailedAnswerKeepsTheConnectionForTheNextCall() {
    try (ExtenderServer s = passAll(ExtenderServer.builder());
        HttpExtender e =
            Configs.http(
                prefix(s)
                    + ",\"filterVerb\":\"filter\",\"bindVerb\":\"bind\",\"nodeCacheCapable\":true")) {
      io.fabric8.kubernetes.api.model.Binding binding =
          new io.fabric8.kubernetes.api.model.BindingBuilder()
              .withNewMetadata()
              .withName("web")
              .withNamespace("default")
              .withUid("uid-web")
              .endMetadata()
              .withNewTarget()
              .withName("n1")
              .endTarget()
              .build();
      assertThatThrownBy(() -> e.bind(binding))
          .hasMessage("Failed bind with extender at URL " + s.urlPrefix() + "/bind, code 500");
      assertThat(e.filter(POD, NODES, SNAPSHOT).nodes()).hasSize(3);
      assertThat(s.connectionsAccepted()).isEqualTo(1);
    }
  }

  @Test
  void concurrentCallsOpenConnectionsAndAtMostTwoStayIdle() throws Exception {
    AtomicReference<CountDownLatch> gate = new AtomicReference<>();
    ExecutorService callers = Executors.newFixedThreadPool(3);
    try (ExtenderServer s =
            ExtenderServer.builder()
                .threads(3)
                .filter(
                    "filter",
                    a -> {
                      // Hold each call until three are inside: three connections at once.
                      CountDownLatch g = gate.get();
                      g.countDown();
                      assertThat(g.await(30, TimeUnit.SECONDS)).isTrue();
                      return new ExtenderFilterResult(null, a.nodeNames(), null, "");
                    })
                .start();
        HttpExtender e = byName(s)) {
      gate.set(new CountDownLatch(3));
      threeAtOnce(callers, e);
      assertThat(s.connectionsAccepted()).isEqualTo(3);
      // Two of the three stayed idle and the third was closed: three at once again need one
      // new connection.
      gate.set(new CountDownLatch(3));
      threeAtOnce(callers, e);
      assertThat(s.connectionsAccepted()).isEqualTo(4);
    } finally {
      callers.shutdownNow();
      assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static void threeAtOnce(ExecutorService callers, HttpExtender e) throws Exception {
    List<Future<?>> done = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      done.add(callers.submit(() -> e.filter(POD, NODES, SNAPSHOT)));
    }
    for (Future<?> f : done) {
      f.get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aConnectionTheExtenderClosedIsReplacedBeforeTheNextCall() {
    ExtenderServer first = passAll(ExtenderServer.builder());
    int port = first.port();
    try (HttpExtender e = byName(first)) {
      assertThat(e.filter(POD, NODES, SNAPSHOT).nodes()).hasSize(3);
      // The extender restarts on the same port: the kept-alive connection has ended.
      first.close();
      try (ExtenderServer second =
          passAll(
              ExtenderServer.builder()
                  .address(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)))) {
        assertThat(e.filter(POD, NODES, SNAPSHOT).nodes()).hasSize(3);
        assertThat(second.connectionsAccepted()).isEqualTo(1);
      }
    }
  }

  @Test
  void theDeadlineAlsoEndsARequestTheExtenderNeverReads() throws Exception {
    // A listener that never accepts: the kernel completes the connection, nobody reads, and a
    // large request fills the socket buffers and blocks its writer until the alarm closes it.
    try (ServerSocket deaf = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ExtenderTransport t =
            new ExtenderTransport(
                URI.create("http://127.0.0.1:" + deaf.getLocalPort()),
                null,
                TimeUnit.MILLISECONDS.toNanos(300),
                "extender-client-deaf-")) {
      URI uri = URI.create("http://127.0.0.1:" + deaf.getLocalPort() + "/filter");
      assertThatThrownBy(() -> t.post(uri, new byte[64 << 20]))
          .isInstanceOf(ExtenderException.class)
          .hasMessage(
              "Post "
                  + uri
                  + ": net/http: request canceled (Client.Timeout exceeded while awaiting headers)");
    }
  }

  @Test
  void aClosedClientRefusesCalls() {
    try (ExtenderServer s = passAll(ExtenderServer.builder())) {
      HttpExtender e = byName(s);
      e.close();
      assertThatThrownBy(() -> e.filter(POD, NODES, SNAPSHOT))
          .isInstanceOf(ExtenderException.class)
          .hasMessage("Post " + s.urlPrefix() + "/filter: the extender's client is closed");
    }
  }

  @Test
  void closingTheServerEndsItsKeptAliveConnectionsAndJoinsTheirThreads() {
    ExtenderServer s = passAll(ExtenderServer.builder());
    String serverThreads = "extender-server-" + s.port() + "-";
    try (HttpExtender e = byName(s)) {
      e.filter(POD, NODES, SNAPSHOT);
      assertThat(ExtenderServerTest.threads(serverThreads))
          .contains(serverThreads + "1", serverThreads + "accept");
      // The client still holds the idle connection; its server thread waits on it.
      s.close();
      assertThat(ExtenderServerTest.threads(serverThreads)).isEmpty();
      assertThatThrownBy(() -> e.filter(POD, NODES, SNAPSHOT))
          .hasMessageContaining("connect: connection refused");
    }
  }

  @Test
  void atMostThreadsHandlersRunAtOnce() throws Exception {
    assertThat(concurrentHandlers(1)).isEqualTo(1);
    assertThat(concurrentHandlers(2)).isEqualTo(2);
  }

  /**
   * Two calls at once on two connections: the first handler waits (at most a second) for the second
   * to start. How many ran at the same time.
   */
  private static int concurrentHandlers(int threads) throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    CountDownLatch second = new CountDownLatch(2);
    ExecutorService callers = Executors.newFixedThreadPool(2);
    try (ExtenderServer s =
            ExtenderServer.builder()
                .threads(threads)
                .filter(
                    "filter",
                    a -> {
                      most.accumulateAndGet(running.incrementAndGet(), Math::max);
                      second.countDown();
                      second.await(threads == 1 ? 1 : 30, TimeUnit.SECONDS);
                      running.decrementAndGet();
                      return new ExtenderFilterResult(null, a.nodeNames(), null, "");
                    })
                .start();
        HttpExtender e = byName(s)) {
      Future<?> a = callers.submit(() -> e.filter(POD, NODES, SNAPSHOT));
      Future<?> b = callers.submit(() -> e.filter(POD, NODES, SNAPSHOT));
      a.get(30, TimeUnit.SECONDS);
      b.get(30, TimeUnit.SECONDS);
      return most.get();
    } finally {
      callers.shutdownNow();
      assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void httpsConnectionsAreKeptAliveToo() {
    try (ExtenderServer s = HttpsExtenderTest.server(false);
        HttpExtender e = Configs.http(HttpsExtenderTest.config(s, ""))) {
      assertThat(HttpsExtenderTest.filtered(e)).containsExactly("n2");
      assertThat(HttpsExtenderTest.filtered(e)).containsExactly("n2");
      assertThat(s.connectionsAccepted()).isEqualTo(1);
    }
  }

  @Test
  void aCertificateForAnotherHostThanTheUrlsIsRefused() {
    // The certificate names 127.0.0.1, localhost and extender.kubelab.test; 127.0.0.2 is the
    // same loopback interface under another address. With the CA trusted, the name still counts.
    try (ExtenderServer s =
            ExtenderServer.builder()
                .address(new InetSocketAddress("127.0.0.2", 0))
                .tls(HttpsExtenderTest.pem("server.crt"), HttpsExtenderTest.pem("server.key"), null)
                .filter("filter", a -> new ExtenderFilterResult(null, List.of("n2"), null, ""))
                .start();
        HttpExtender e =
            Configs.http(
                HttpsExtenderTest.config(s, "\"caData\":" + HttpsExtenderTest.b64("ca.crt")))) {
      assertThatThrownBy(() -> HttpsExtenderTest.filtered(e))
          .isInstanceOf(ExtenderException.class)
          .hasMessageStartingWith("Post " + s.urlPrefix() + "/filter: SSLHandshakeException: ");
    }
  }

  @Test
  void anExtenderOnIpv6IsReachedThroughItsBracketedAddress() {
    try (ExtenderServer s =
            passAll(ExtenderServer.builder().address(new InetSocketAddress("::1", 0)));
        HttpExtender e = byName(s)) {
      assertThat(s.urlPrefix().getHost()).startsWith("[");
      assertThat(e.filter(POD, NODES, SNAPSHOT).nodes()).hasSize(3);
    }
  }

  @Test
  void aQueryAfterTheVerbIsNotPartOfItsPath() throws Exception {
    try (ExtenderServer s = passAll(ExtenderServer.builder())) {
      assertThat(
              ExtenderServerTest.send(
                      URI.create(s.urlPrefix() + "/filter?trace=1"), "POST", "{\"NodeNames\":[]}")
                  .statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void theServersThreadsAreDaemons() {
    try (ExtenderServer s = passAll(ExtenderServer.builder())) {
      Thread accept =
          Thread.getAllStackTraces().keySet().stream()
              .filter(t -> t.getName().equals("extender-server-" + s.port() + "-accept"))
              .findFirst()
              .orElseThrow();
      assertThat(accept.isDaemon()).as("a forgotten server does not keep the JVM alive").isTrue();
    }
  }
}
