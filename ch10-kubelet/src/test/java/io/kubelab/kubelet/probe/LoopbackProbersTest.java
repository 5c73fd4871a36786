package io.kubelab.kubelet.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.kubelet.container.ContainerId;
import io.kubelab.kubelet.container.ContainerRuntimeException;
import io.kubelab.kubelet.container.ExecResult;
import io.kubelab.kubelet.container.FakeRuntime;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP, TCP and exec probers against real loopback servers and the fake runtime. */
class LoopbackProbersTest {

  private HttpServer server;
  private ExecutorService serverThreads;
  private String base;
  private final CountDownLatch releaseSlow = new CountDownLatch(1);
  private final AtomicReference<com.sun.net.httpserver.Headers> lastHeaders =
      new AtomicReference<>();

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    serverThreads = Executors.newFixedThreadPool(4, r -> new Thread(r, "probe-test-http-server"));
    server.setExecutor(serverThreads);
    server.createContext("/ok", ex -> reply(ex, 200, "fine"));
    server.createContext("/boom", ex -> reply(ex, 500, "broken"));
    server.createContext(
        "/moved",
        ex -> {
          ex.getResponseHeaders().add("Location", "/ok");
          reply(ex, 302, "");
        });
    server.createContext(
        "/elsewhere",
        ex -> {
          int port = server.getAddress().getPort();
          // "localhost" is another host name than the probed 127.0.0.1.
          ex.getResponseHeaders().add("Location", "http://localhost:" + port + "/ok");
          reply(ex, 302, "going away");
        });
    server.createContext(
        "/loop",
        ex -> {
          ex.getResponseHeaders().add("Location", "/loop");
          reply(ex, 302, "");
        });
    server.createContext(
        "/headers",
        ex -> {
          lastHeaders.set(ex.getRequestHeaders());
          reply(ex, 200, "");
        });
    server.createContext(
        "/slow",
        ex -> {
          try {
            releaseSlow.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          reply(ex, 200, "late");
        });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stopServer() {
    releaseSlow.countDown();
    server.stop(0);
    serverThreads.shutdownNow();
  }

  private static void reply(HttpExchange ex, int code, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(code, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    }
    ex.close();
  }

  private ProbeOutcome get(String path) {
    return new HttpProber(false).probe(URI.create(base + path), Map.of(), Duration.ofSeconds(2));
  }

  @Test
  void http200IsSuccessWithTheBodyAsOutput() {
    assertThat(get("/ok")).isEqualTo(ProbeOutcome.of(ProbeResult.SUCCESS, "fine"));
  }

  @Test
  void http500IsFailure() {
    assertThat(get("/boom"))
        .isEqualTo(ProbeOutcome.of(ProbeResult.FAILURE, "HTTP probe failed with statuscode: 500"));
  }

  @Test
  void redirectToAnotherPathOnTheSameHostIsFollowed() {
    assertThat(get("/moved")).isEqualTo(ProbeOutcome.of(ProbeResult.SUCCESS, "fine"));
  }

  @Test
  void redirectToAnotherHostIsNotFollowedAndIsAWarning() {
    assertThat(get("/elsewhere")).isEqualTo(ProbeOutcome.of(ProbeResult.WARNING, "going away"));
    ProbeOutcome followed =
        new HttpProber(true)
            .probe(URI.create(base + "/elsewhere"), Map.of(), Duration.ofSeconds(2));
    assertThat(followed).isEqualTo(ProbeOutcome.of(ProbeResult.SUCCESS, "fine"));
  }

  @Test
  void moreThanTenRedirectsFail() {
    ProbeOutcome o = get("/loop");
    assertThat(o.result()).isEqualTo(ProbeResult.FAILURE);
    assertThat(o.output()).endsWith("stopped after 10 redirects");
    assertThat(o.error()).isNull();
  }

  @Test
  void slowServerHitsTheTimeoutAndFails() {
    ProbeOutcome o =
        new HttpProber(false).probe(URI.create(base + "/slow"), Map.of(), Duration.ofMillis(300));
    assertThat(o.result()).isEqualTo(ProbeResult.FAILURE);
    assertThat(o.output()).contains("timed out");
    assertThat(o.error()).as("a timeout is a failure, not an error").isNull();
  }

  @Test
  void sendsKubeProbeUserAgentAndRepeatedHeaders() {
    new HttpProber(false)
        .probe(
            URI.create(base + "/headers"),
            Map.of("X-Custom", List.of("a", "b")),
            Duration.ofSeconds(2));
    assertThat(lastHeaders.get().getFirst("User-Agent")).isEqualTo("kube-probe/1.18");
    assertThat(lastHeaders.get().get("X-Custom")).containsExactly("a", "b");

    new HttpProber(false)
        .probe(
            URI.create(base + "/headers"),
            Map.of("User-Agent", List.of("mine")),
            Duration.ofSeconds(2));
    assertThat(lastHeaders.get().get("User-Agent")).containsExactly("mine");
  }

  @Test
  void connectionRefusedIsFailure() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    ProbeOutcome o =
        new HttpProber(false)
            .probe(
                URI.create("http://127.0.0.1:" + closedPort + "/"),
                Map.of(),
                Duration.ofSeconds(1));
    assertThat(o.result()).isEqualTo(ProbeResult.FAILURE);
    assertThat(o.error()).isNull();
  }

  @Test
  void tcpConnectIsSuccessAndRefusalIsFailure() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
      assertThat(new TcpProber().probe("127.0.0.1", port, Duration.ofSeconds(1)))
          .isEqualTo(ProbeOutcome.of(ProbeResult.SUCCESS, ""));
    }
    ProbeOutcome o = new TcpProber().probe("127.0.0.1", port, Duration.ofSeconds(1));
    assertThat(o.result()).isEqualTo(ProbeResult.FAILURE);
    assertThat(o.output()).startsWith("dial tcp 127.0.0.1:" + port + ": ");
  }

  @Test
  void execExitCodeDecidesAndRuntimeErrorsAreErrors() {
    FakeRuntime rt = new FakeRuntime(new FakeClock());
    rt.addPod("u1", "web-1", "default");
    ContainerId id = rt.startContainer("u1", "app");
    ExecProber exec = new ExecProber(rt);

    rt.onExec((cid, cmd) -> new ExecResult(0, "ok " + String.join(" ", cmd)));
    assertThat(exec.probe(id, List.of("cat", "/tmp/healthy"), Duration.ofSeconds(1)))
        .isEqualTo(ProbeOutcome.of(ProbeResult.SUCCESS, "ok cat /tmp/healthy"));

    rt.onExec((cid, cmd) -> new ExecResult(1, "no such file"));
    assertThat(exec.probe(id, List.of("cat"), Duration.ofSeconds(1)))
        .isEqualTo(ProbeOutcome.of(ProbeResult.FAILURE, "no such file"));

    rt.onExec(
        (cid, cmd) -> {
          throw new ContainerRuntimeException("exec timed out");
        });
    ProbeOutcome o = exec.probe(id, List.of("cat"), Duration.ofSeconds(1));
    assertThat(o.result()).isEqualTo(ProbeResult.UNKNOWN);
    assertThat(o.error()).hasMessage("exec timed out");
  }

  @Test
  void execOutputIsCappedAtTenKibibytes() {
    FakeRuntime rt = new FakeRuntime(new FakeClock());
    rt.addPod("u1", "web-1", "default");
    ContainerId id = rt.startContainer("u1", "app");
    rt.onExec((cid, cmd) -> new ExecResult(1, "x".repeat(20_000)));
    assertThat(new ExecProber(rt).probe(id, List.of("x"), Duration.ofSeconds(1)).output())
        .hasSize(10 * 1024);
  }

  @Test
  void commandExpansionFollowsUpstreamRules() {
    Map<String, String> env = Map.of("FILE", "/tmp/ok", "EMPTY", "");
    assertThat(CommandExpansion.expand("cat $(FILE)", env)).isEqualTo("cat /tmp/ok");
    assertThat(CommandExpansion.expand("$(MISSING)", env)).isEqualTo("$(MISSING)");
    assertThat(CommandExpansion.expand("$$(FILE)", env)).isEqualTo("$(FILE)");
    assertThat(CommandExpansion.expand("a$b", env)).isEqualTo("a$b");
    assertThat(CommandExpansion.expand("x$(EMPTY)y", env)).isEqualTo("xy");
    assertThat(CommandExpansion.expand("$(FILE", env)).isEqualTo("$(FILE");
    assertThat(CommandExpansion.expand("end$", env)).isEqualTo("end$");
  }
}
