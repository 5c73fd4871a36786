package io.kubelab.kubelet.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.kubelet.container.ContainerId;
import io.kubelab.kubelet.container.ContainerRuntimeException;
import io.kubelab.kubelet.container.ExecResult;
import io.kubelab.kubelet.container.FakeRuntime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** HTTP, TCP and exec probers against real loopback servers and the fake runtime. */
@Timeout(60)
class LoopbackProbersTest {

  private HttpServer server;
  private ExecutorService serverThreads;
  private int port;
  private final CountDownLatch releaseSlow = new CountDownLatch(1);

  /** Every request the server saw: path (with query) and headers. */
  private final List<Map.Entry<String, Headers>> seen = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    serverThreads = Executors.newFixedThreadPool(4, r -> new Thread(r, "probe-test-http-server"));
    server.setExecutor(serverThreads);
    server.createContext("/ok", ex -> reply(ex, 200, "fine"));
    server.createContext("/boom", ex -> reply(ex, 500, "broken"));
    server.createContext("/moved", ex -> redirect(ex, 302, "/ok"));
    server.createContext("/relative", ex -> redirect(ex, 302, "ok"));
    server.createContext("/absolute", ex -> redirect(ex, 302, "http://127.0.0.1:" + port + "/ok"));
    // "localhost" is another host name than the probed 127.0.0.1.
    server.createContext(
        "/elsewhere", ex -> redirect(ex, 302, "http://localhost:" + port + "/ok", "going away"));
    server.createContext("/no-location", ex -> reply(ex, 302, "where?"));
    server.createContext(
        "/redirect/",
        ex -> {
          String code = ex.getRequestURI().getPath().substring("/redirect/".length());
          redirect(ex, Integer.parseInt(code), "/ok", "body " + code);
        });
    server.createContext("/bad-location", ex -> redirect(ex, 302, "/%zz"));
    server.createContext(
        "/no-content",
        ex -> {
          seen.add(Map.entry(ex.getRequestURI().toString(), ex.getRequestHeaders()));
          ex.sendResponseHeaders(204, -1);
          ex.close();
        });
    server.createContext("/to-localhost", ex -> redirect(ex, 302, "//localhost:" + port + "/ok"));
    server.createContext("/no-host", ex -> redirect(ex, 302, "http:///ok"));
    server.createContext("/ftp", ex -> redirect(ex, 302, "ftp://127.0.0.1:" + port + "/x"));
    server.createContext(
        "/absolute-then-relative", ex -> redirect(ex, 302, "http://127.0.0.1:" + port + "/moved"));
    server.createContext(
        "/scheme-relative", ex -> redirect(ex, 302, "//127.0.0.1:" + port + "/ok"));
    server.createContext("/no-location-307", ex -> reply(ex, 307, "stay"));
    server.createContext(
        "/chain/",
        ex -> {
          int n = Integer.parseInt(ex.getRequestURI().getPath().substring("/chain/".length()));
          if (n == 0) {
            reply(ex, 200, "end of chain");
          } else {
            redirect(ex, 302, "/chain/" + (n - 1));
          }
        });
    server.createContext(
        "/gzip",
        ex -> {
          ByteArrayOutputStream b = new ByteArrayOutputStream();
          try (GZIPOutputStream z = new GZIPOutputStream(b)) {
            z.write("zipped".getBytes(StandardCharsets.UTF_8));
          }
          ex.getResponseHeaders().add("Content-Encoding", "gzip");
          ex.sendResponseHeaders(200, b.size());
          try (OutputStream out = ex.getResponseBody()) {
            out.write(b.toByteArray());
          }
        });
    server.createContext("/big", ex -> reply(ex, 200, "y".repeat(20_000)));
    server.createContext(
        "/code/",
        ex -> {
          int code = Integer.parseInt(ex.getRequestURI().getPath().substring("/code/".length()));
          reply(ex, code, "code " + code);
        });
    server.createContext(
        "/cut",
        ex -> {
          ex.sendResponseHeaders(200, 100); // promises 100 bytes, sends 4 and hangs up
          ex.getResponseBody().write("half".getBytes(StandardCharsets.UTF_8));
          ex.getResponseBody().flush();
          ex.close();
        });
    server.createContext(
        "/slow",
        ex -> {
          try {
            releaseSlow.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          reply(ex, 200, "late");
        });
    server.start();
    port = server.getAddress().getPort();
  }

  @AfterEach
  void stopServer() throws InterruptedException {
    releaseSlow.countDown();
    server.stop(0);
    serverThreads.shutdownNow();
    assertThat(serverThreads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
  }

  private void reply(HttpExchange ex, int code, String body) throws IOException {
    seen.add(Map.entry(ex.getRequestURI().toString(), ex.getRequestHeaders()));
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(code, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    }
    ex.close();
  }

  private void redirect(HttpExchange ex, int code, String location) throws IOException {
    redirect(ex, code, location, "");
  }

  private void redirect(HttpExchange ex, int code, String location, String body)
      throws IOException {
    ex.getResponseHeaders().add("Location", location);
    reply(ex, code, body);
  }

  private ProbeUrl url(String path) {
    return ProbeUrl.format("http", "127.0.0.1", port, path);
  }

  private ProbeOutcome get(String path) {
    return get(path, Map.of());
  }

  private ProbeOutcome get(String path, Map<String, List<String>> headers) {
    return new HttpProber(false).probe(url(path), headers, Duration.ofSeconds(5));
  }

  private Headers lastHeaders() {
    return seen.get(seen.size() - 1).getValue();
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
  void twoHundredsSucceedThreeHundredsWarnAndFromFourHundredOnTheProbeFails() {
    // DoHTTPProbe: 200 <= code < 400 is healthy, and from 300 on (a redirect not followed) a
    // warning; 300 and 399 are no redirects Go's client follows.
    assertThat(get("/code/200")).isEqualTo(ProbeOutcome.of(ProbeResult.SUCCESS, "code 200"));
    assertThat(get("/code/299")).isEqualTo(ProbeOutcome.of(ProbeResult.SUCCESS, "code 299"));
    assertThat(get("/code/300")).isEqualTo(ProbeOutcome.of(ProbeResult.WARNING, "code 300"));
    assertThat(get("/code/399")).isEqualTo(ProbeOutcome.of(ProbeResult.WARNING, "code 399"));
    assertThat(get("/code/400"))
        .isEqualTo(ProbeOutcome.of(ProbeResult.FAILURE, "HTTP probe failed with statuscode: 400"));
    assertThat(get("/code/404"))
        .isEqualTo(ProbeOutcome.of(ProbeResult.FAILURE, "HTTP probe failed with statuscode: 404"));
  }

  @Test
  void redirectsToTheSameHostAreFollowedRelativeOrAbsolute() {
    assertThat(get("/moved")).isEqualTo(ProbeOutcome.of(ProbeResult.SUCCESS, "fine"));
    assertThat(get("/relative")).isEqualTo(ProbeOutcome.of(ProbeResult.SUCCESS, "fine"));
    assertThat(get("/absolute")).isEqualTo(ProbeOutcome.of(ProbeResult.SUCCESS, "fine"));
    assertThat(lastHeaders().getFirst("Referer"))
        .isEqualTo("http://127.0.0.1:" + port + "/absolute");
  }

  @Test
  void redirectToAnotherHostIsNotFollowedAndIsAWarning() {
    assertThat(get("/elsewhere")).isEqualTo(ProbeOutcome.of(ProbeResult.WARNING, "going away"));
    ProbeOutcome followed =
        new HttpProber(true).probe(url("/elsewhere"), Map.of(), Duration.ofSeconds(5));
    assertThat(followed).isEqualTo(ProbeOutcome.of(ProbeResult.SUCCESS, "fine"));
  }

  @Test
  void atMostTenRequestsAreSentSoTheTenthRedirectFails() {
    // Nine redirects and the final answer: ten requests, as Go allows.
    assertThat(get("/chain/9")).isEqualTo(ProbeOutcome.of(ProbeResult.SUCCESS, "end of chain"));
    seen.clear();
    ProbeOutcome o = get("/chain/10");
    assertThat(o)
        .isEqualTo(
            ProbeOutcome.of(ProbeResult.FAILURE, "Get /chain/0: stopped after 10 redirects"));
    assertThat(seen).as("requests sent").hasSize(10);
  }

  @Test
  void aRedirectWithoutLocationFailsExceptA307Or308() {
    assertThat(get("/no-location"))
        .isEqualTo(
            ProbeOutcome.of(
                ProbeResult.FAILURE,
                "Get http://127.0.0.1:"
                    + port
                    + "/no-location: 302 response missing Location header"));
    assertThat(get("/no-location-307")).isEqualTo(ProbeOutcome.of(ProbeResult.WARNING, "stay"));
  }

  @Test
  void theHostHeaderSetsTheRequestsHostAndSurvivesOnlyARelativeRedirect() {
    Map<String, List<String>> host = Map.of("Host", List.of("app.example.com"));
    assertThat(get("/ok", host).result()).isEqualTo(ProbeResult.SUCCESS);
    assertThat(lastHeaders().get("Host")).containsExactly("app.example.com");

    seen.clear();
    get("/moved", host);
    assertThat(seen)
        .extracting(e -> e.getValue().getFirst("Host"))
        .containsExactly("app.example.com", "app.example.com");

    seen.clear();
    get("/absolute", host);
    assertThat(seen)
        .extracting(e -> e.getValue().getFirst("Host"))
        .containsExactly("app.example.com", "127.0.0.1:" + port);
  }

  @Test
  void sendsKubeProbeUserAgentGzipConnectionCloseAndRepeatedHeaders() {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("X-Custom", List.of("a", "b"));
    get("/ok", headers);
    Headers h = lastHeaders();
    assertThat(h.getFirst("User-Agent")).isEqualTo("kube-probe/1.18");
    assertThat(h.get("X-Custom")).containsExactly("a", "b");
    assertThat(h.getFirst("Accept-Encoding")).isEqualTo("gzip");
    assertThat(h.getFirst("Connection")).isEqualTo("close");
    assertThat(h.getFirst("Host")).isEqualTo("127.0.0.1:" + port);

    get("/ok", Map.of("User-Agent", List.of("mine")));
    assertThat(lastHeaders().get("User-Agent")).containsExactly("mine");
  }

  @Test
  void aGzippedBodyIsDecompressedAndALongOneCutAtTenKibibytes() {
    assertThat(get("/gzip")).isEqualTo(ProbeOutcome.of(ProbeResult.SUCCESS, "zipped"));
    assertThat(get("/big").output()).hasSize(HttpProber.MAX_READ_LENGTH);
  }

  @Test
  void aBodyThatBreaksOffIsAnErrorNotAFailure() {
    ProbeOutcome o = get("/cut");
    assertThat(o.result()).isEqualTo(ProbeResult.UNKNOWN);
    assertThat(o.error()).isNotNull();
  }

  @Test
  void slowServerHitsTheTimeoutAndFails() {
    ProbeOutcome o = new HttpProber(false).probe(url("/slow"), Map.of(), Duration.ofMillis(300));
    assertThat(o.result()).isEqualTo(ProbeResult.FAILURE);
    assertThat(o.output()).startsWith("Get http://127.0.0.1:" + port + "/slow: ");
    assertThat(o.error()).as("a timeout is a failure, not an error").isNull();
  }

  @Test
  void connectionRefusedAndAMissingHostAreFailures() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    ProbeOutcome o =
        new HttpProber(false)
            .probe(
                ProbeUrl.format("http", "127.0.0.1", closedPort, "/"),
                Map.of(),
                Duration.ofSeconds(1));
    assertThat(o.result()).isEqualTo(ProbeResult.FAILURE);
    assertThat(o.output())
        .startsWith("Get http://127.0.0.1:" + closedPort + "/: ")
        .contains("Connection refused");
    assertThat(o.error()).isNull();

    ProbeOutcome opaque =
        new HttpProber(false)
            .probe(
                ProbeUrl.format("http", "127.0.0.1", port, "mailto:me"),
                Map.of(),
                Duration.ofSeconds(1));
    assertThat(opaque)
        .isEqualTo(
            ProbeOutcome.of(ProbeResult.FAILURE, "Get http:me: http: no Host in request URL"));
  }

  @Test
  void aPodWithoutAnIpIsProbedOnTheNodeItself() {
    // Go dials ":port", the local system.
    ProbeOutcome o =
        new HttpProber(false)
            .probe(ProbeUrl.format("http", "", port, "/ok"), Map.of(), Duration.ofSeconds(5));
    assertThat(o).isEqualTo(ProbeOutcome.of(ProbeResult.SUCCESS, "fine"));
    assertThat(lastHeaders().getFirst("Host")).isEqualTo(":" + port);
  }

  @Test
  void tcpConnectIsSuccessAndRefusalIsFailure() throws IOException {
    int p;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      p = s.getLocalPort();
      assertThat(new TcpProber().probe("127.0.0.1", p, Duration.ofSeconds(1)))
          .isEqualTo(ProbeOutcome.of(ProbeResult.SUCCESS, ""));
      assertThat(new TcpProber().probe("", p, Duration.ofSeconds(1)))
          .as("no pod IP: the local system")
          .isEqualTo(ProbeOutcome.of(ProbeResult.SUCCESS, ""));
    }
    ProbeOutcome o = new TcpProber().probe("127.0.0.1", p, Duration.ofSeconds(1));
    assertThat(o.result()).isEqualTo(ProbeResult.FAILURE);
    assertThat(o.output()).startsWith("dial tcp 127.0.0.1:" + p + ": ");
    assertThat(new TcpProber().probe("::1", p, Duration.ofSeconds(1)).output())
        .startsWith("dial tcp [::1]:" + p + ": ");
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
    // After an unclosed "$(" Go keeps scanning: the later "$$" is still an escaped '$'.
    assertThat(CommandExpansion.expand("$(FILE $$", env)).isEqualTo("$(FILE $");
  }

  @Test
  void goFollows301302303307And308ButNoOther3xx() {
    for (int code : new int[] {301, 302, 303, 307, 308}) {
      assertThat(get("/redirect/" + code))
          .as("%d", code)
          .isEqualTo(ProbeOutcome.of(ProbeResult.SUCCESS, "fine"));
    }
    for (int code : new int[] {300, 305, 306}) {
      assertThat(get("/redirect/" + code))
          .as("%d", code)
          .isEqualTo(ProbeOutcome.of(ProbeResult.WARNING, "body " + code));
    }
    // Without a Location, 301 and 303 fail as 302 does; 308 is the answer, as 307.
    for (int code : new int[] {301, 303}) {
      assertThat(get("/code/" + code))
          .isEqualTo(
              ProbeOutcome.of(
                  ProbeResult.FAILURE,
                  "Get http://127.0.0.1:"
                      + port
                      + "/code/"
                      + code
                      + ": "
                      + code
                      + " response missing Location header"));
    }
    assertThat(get("/code/308")).isEqualTo(ProbeOutcome.of(ProbeResult.WARNING, "code 308"));
  }

  @Test
  void aLocationThatCannotBeFollowedFailsTheProbe() {
    assertThat(get("/bad-location").result()).isEqualTo(ProbeResult.FAILURE);
    assertThat(get("/bad-location").output())
        .startsWith(
            "Get http://127.0.0.1:"
                + port
                + "/bad-location: failed to parse Location header \"/%zz\"");
    HttpProber following = new HttpProber(true);
    assertThat(following.probe(url("/no-host"), Map.of(), Duration.ofSeconds(5)))
        .isEqualTo(
            ProbeOutcome.of(ProbeResult.FAILURE, "Get http:///ok: http: no Host in request URL"));
    assertThat(get("/ftp"))
        .as("same host name, another scheme")
        .isEqualTo(
            ProbeOutcome.of(
                ProbeResult.FAILURE,
                "Get ftp://127.0.0.1:" + port + "/x: unsupported protocol scheme \"ftp\""));
  }

  @Test
  void aCustomHostIsKeptOnlyWhileEachLocationHasNoScheme() {
    Map<String, List<String>> host = Map.of("Host", List.of("app.example.com"));
    String own = "127.0.0.1:" + port;
    get("/scheme-relative", host);
    assertThat(seen)
        .as("//host/x has no scheme")
        .extracting(e -> e.getValue().getFirst("Host"))
        .containsExactly("app.example.com", "app.example.com");
    seen.clear();
    get("/absolute-then-relative", host);
    assertThat(seen)
        .as("once lost, the custom host does not come back")
        .extracting(e -> e.getValue().getFirst("Host"))
        .containsExactly("app.example.com", own, own);
    seen.clear();
    get("/ok", Map.of("Host", List.of("")));
    assertThat(lastHeaders().get("Host")).as("an empty Host header is none").containsExactly(own);
    get("/ok", Map.of("Host", List.of()));
    assertThat(lastHeaders().get("Host")).as("so is one without values").containsExactly(own);
    // A Host equal to the URL's own is no custom host: the next URL's host replaces it.
    seen.clear();
    new HttpProber(true)
        .probe(url("/to-localhost"), Map.of("Host", List.of(own)), Duration.ofSeconds(5));
    assertThat(seen)
        .extracting(e -> e.getValue().getFirst("Host"))
        .containsExactly(own, "localhost:" + port);
  }

  @Test
  void aResponseWithoutBodyIsASuccessWithNoOutput() {
    assertThat(get("/no-content")).isEqualTo(ProbeOutcome.of(ProbeResult.SUCCESS, ""));
    // probe.Result's strings.
    assertThat(List.of(ProbeResult.values()))
        .extracting(ProbeResult::toString)
        .containsExactly("success", "warning", "failure", "unknown");
  }

  @Test
  void theRefererIsThePreviousUrlAndAbsentOnTheFirstRequest() {
    get("/ok");
    assertThat(lastHeaders().containsKey("Referer")).isFalse();
    get("/moved");
    assertThat(lastHeaders().get("Referer")).containsExactly("http://127.0.0.1:" + port + "/moved");
  }

  @Test
  void gzipIsAskedForAndUndoneOnlyWhenTheProbeSetsNeitherAcceptEncodingNorRange() {
    // Go's transport: requestedGzip only without Accept-Encoding and Range headers.
    ProbeOutcome own = get("/gzip", Map.of("Accept-Encoding", List.of("gzip")));
    assertThat(own.result()).isEqualTo(ProbeResult.SUCCESS);
    assertThat(own.output()).as("left compressed").startsWith("\u001f").isNotEqualTo("zipped");
    get("/ok", Map.of("Accept-Encoding", List.of("identity")));
    assertThat(lastHeaders().get("Accept-Encoding")).containsExactly("identity");
    get("/ok", Map.of("Range", List.of("bytes=0-")));
    assertThat(lastHeaders().containsKey("Accept-Encoding")).isFalse();
  }

  @Test
  void theCommandsArgumentsAreExpandedOneByOne() {
    Map<String, String> env = Map.of("FILE", "/tmp/ok");
    assertThat(CommandExpansion.expand(List.of("cat", "$(FILE)", ")$(FILE)"), env))
        .containsExactly("cat", "/tmp/ok", ")/tmp/ok");
  }
}
