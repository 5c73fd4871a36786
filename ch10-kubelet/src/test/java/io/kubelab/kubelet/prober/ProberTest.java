package io.kubelab.kubelet.prober;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.kubelet.container.ContainerId;
import io.kubelab.kubelet.container.ExecResult;
import io.kubelab.kubelet.container.FakeRuntime;
import io.kubelab.kubelet.prober.results.Result;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Prober}: which prober a probe spec reaches, and with what URL, port, host and headers
 * (upstream {@code runProbe}, {@code extractPort}, {@code findPortByName}, {@code formatURL},
 * {@code buildHeader}), against a real loopback HTTP server and socket.
 */
@Timeout(60)
class ProberTest {

  private HttpServer server;
  private ExecutorService serverThreads;
  private int port;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<Headers> headers = new CopyOnWriteArrayList<>();
  private final List<String> events = new ArrayList<>();
  private final FakeRuntime runtime = new FakeRuntime(new FakeClock());
  private final Prober prober =
      new Prober(runtime, (pod, c, type, reason, msg) -> events.add(reason + ": " + msg));

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    serverThreads = Executors.newFixedThreadPool(2, r -> new Thread(r, "prober-test-http"));
    server.setExecutor(serverThreads);
    server.createContext(
        "/",
        ex -> {
          requests.add(ex.getRequestURI().toString());
          headers.add(ex.getRequestHeaders());
          int code = ex.getRequestURI().getPath().equals("/moved") ? 301 : 200;
          if (code == 301) {
            ex.getResponseHeaders().add("Location", "http://localhost:" + port + "/");
          }
          byte[] body = "answer".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(code, body.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    port = server.getAddress().getPort();
  }

  @AfterEach
  void stopServer() throws InterruptedException {
    server.stop(0);
    serverThreads.shutdownNow();
    assertThat(serverThreads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
  }

  private static Pod pod(Container c) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("web-u1")
        .withNamespace("default")
        .withUid("u1")
        .endMetadata()
        .withNewSpec()
        .withContainers(c)
        .endSpec()
        .build();
  }

  private static Container container(String portName, int containerPort) {
    return new ContainerBuilder()
        .withName("app")
        .addNewPort()
        .withName(portName)
        .withContainerPort(containerPort)
        .endPort()
        .build();
  }

  private static final PodStatus WITH_IP =
      new PodStatusBuilder().withPhase("Running").withPodIP("127.0.0.1").build();

  private static Probe httpGet(String path, IntOrString port) {
    return new ProbeBuilder().withNewHttpGet().withPath(path).withPort(port).endHttpGet().build();
  }

  private Prober.Outcome probe(ProbeType type, Probe spec, Container c) {
    return prober.probe(type, spec, pod(c), WITH_IP, c, new ContainerId("fake", "x"));
  }

  @Test
  void httpGetReachesThePodIpOnANamedPortWithARelativePathAndItsHeaders() {
    Probe spec = httpGet("healthz?verbose=1", new IntOrString("http"));
    spec.getHttpGet()
        .getHttpHeaders()
        .add(new io.fabric8.kubernetes.api.model.HTTPHeader("X-A", "1"));
    spec.getHttpGet()
        .getHttpHeaders()
        .add(new io.fabric8.kubernetes.api.model.HTTPHeader("Host", "app.example.com"));
    assertThat(probe(ProbeType.READINESS, spec, container("http", port)))
        .isEqualTo(new Prober.Outcome(Result.SUCCESS, null));
    assertThat(requests).containsExactly("/healthz?verbose=1");
    assertThat(headers.get(0).getFirst("X-A")).isEqualTo("1");
    assertThat(headers.get(0).getFirst("Host")).isEqualTo("app.example.com");
    assertThat(events).isEmpty();
  }

  @Test
  void anUnsetPathAndSchemeMeanSlashOverHttp() {
    Probe spec =
        new ProbeBuilder().withNewHttpGet().withPort(new IntOrString(port)).endHttpGet().build();
    assertThat(probe(ProbeType.LIVENESS, spec, container("web", 1)).result())
        .isEqualTo(Result.SUCCESS);
    assertThat(requests).containsExactly("/");
    assertThat(headers.get(0).getFirst("Host")).isEqualTo("127.0.0.1:" + port);
  }

  @Test
  void anExplicitHostWinsOverThePodIp() throws IOException {
    Probe spec = httpGet("/", new IntOrString(port));
    spec.getHttpGet().setHost("localhost");
    PodStatus noIp = new PodStatusBuilder().withPhase("Running").build();
    Container c = container("web", 1);
    assertThat(
            prober
                .probe(ProbeType.READINESS, spec, pod(c), noIp, c, new ContainerId("fake", "x"))
                .result())
        .isEqualTo(Result.SUCCESS);
    assertThat(headers.get(0).getFirst("Host")).isEqualTo("localhost:" + port);
  }

  @Test
  void aRedirectToAnotherHostIsAWarningEvent() {
    Probe spec = httpGet("/moved", new IntOrString(port));
    assertThat(probe(ProbeType.READINESS, spec, container("web", 1)).result())
        .isEqualTo(Result.SUCCESS);
    assertThat(events).containsExactly("ProbeWarning: Readiness probe warning: answer");
  }

  @Test
  void aPortNameThatNoPortHasIsTriedAsANumberThenErrors() {
    Probe spec = httpGet("/", new IntOrString(String.valueOf(port)));
    assertThat(probe(ProbeType.READINESS, spec, container("web", 1)).result())
        .as("a number in a string")
        .isEqualTo(Result.SUCCESS);

    Prober.Outcome o =
        probe(ProbeType.LIVENESS, httpGet("/", new IntOrString("metrics")), container("web", 1));
    assertThat(o.result()).isEqualTo(Result.FAILURE);
    assertThat(o.error()).hasMessage("strconv.Atoi: parsing \"metrics\": invalid syntax");
    assertThat(events)
        .containsExactly(
            "Unhealthy: Liveness probe errored: strconv.Atoi: parsing \"metrics\": invalid syntax");
  }

  static Stream<Arguments> ports() {
    return Stream.of(
        Arguments.of(new IntOrString(1), "1"),
        Arguments.of(new IntOrString(65535), "65535"),
        Arguments.of(new IntOrString("http"), "8080"),
        Arguments.of(new IntOrString("443"), "443"),
        Arguments.of(new IntOrString(0), "invalid port number: 0"),
        Arguments.of(new IntOrString(65536), "invalid port number: 65536"),
        Arguments.of(new IntOrString(-1), "invalid port number: -1"),
        Arguments.of(new IntOrString("70000"), "invalid port number: 70000"),
        Arguments.of(new IntOrString("web"), "strconv.Atoi: parsing \"web\": invalid syntax"),
        Arguments.of(null, "intOrString had no kind: <nil>"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("ports")
  void extractPortAcceptsOneTo65535ByNumberOrName(IntOrString param, String expected) {
    Container c = container("http", 8080);
    String actual;
    try {
      actual = String.valueOf(Prober.extractPort(param, c));
    } catch (IllegalArgumentException e) {
      actual = e.getMessage();
    }
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void tcpSocketDialsThePodIpOnItsNamedPort() throws IOException {
    Probe spec =
        new ProbeBuilder()
            .withNewTcpSocket()
            .withPort(new IntOrString("db"))
            .endTcpSocket()
            .build();
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThat(probe(ProbeType.LIVENESS, spec, container("db", s.getLocalPort())))
          .isEqualTo(new Prober.Outcome(Result.SUCCESS, null));
      closed = s.getLocalPort();
    }
    Prober.Outcome o = probe(ProbeType.LIVENESS, spec, container("db", closed));
    assertThat(o).isEqualTo(new Prober.Outcome(Result.FAILURE, null));
    assertThat(events)
        .singleElement()
        .asString()
        .startsWith("Unhealthy: Liveness probe failed: dial tcp 127.0.0.1:" + closed + ": ");
  }

  @Test
  void execRunsTheExpandedCommandInTheContainer() {
    List<List<String>> ran = new ArrayList<>();
    runtime.addPod("u1", "web-u1", "default");
    ContainerId id = runtime.startContainer("u1", "app");
    runtime.onExec(
        (cid, cmd) -> {
          ran.add(cmd);
          return new ExecResult(1, "not yet");
        });
    Container c =
        new ContainerBuilder()
            .withName("app")
            .addNewEnv()
            .withName("F")
            .withValue("/ready")
            .endEnv()
            .build();
    Probe spec =
        new ProbeBuilder().withNewExec().withCommand("test", "-e", "$(F)").endExec().build();
    Prober.Outcome o = prober.probe(ProbeType.STARTUP, spec, pod(c), WITH_IP, c, id);
    assertThat(o).isEqualTo(new Prober.Outcome(Result.FAILURE, null));
    assertThat(ran).containsExactly(List.of("test", "-e", "/ready"));
    assertThat(events).containsExactly("Unhealthy: Startup probe failed: not yet");
  }

  @Test
  void aProbeWithoutHandlerErrorsAndNoProbeIsASuccess() {
    Prober.Outcome o = probe(ProbeType.READINESS, new ProbeBuilder().build(), container("web", 1));
    assertThat(o.error()).hasMessage("missing probe handler for web-u1_default(u1):app");
    assertThat(probe(ProbeType.READINESS, null, container("web", 1)))
        .isEqualTo(new Prober.Outcome(Result.SUCCESS, null));
  }

  @Test
  void headersAreGroupedUnderTheirNameAsWritten() {
    var built =
        Prober.buildHeader(
            List.of(
                new io.fabric8.kubernetes.api.model.HTTPHeader("X-A", "1"),
                new io.fabric8.kubernetes.api.model.HTTPHeader("x-a", "2"),
                new io.fabric8.kubernetes.api.model.HTTPHeader("X-A", "3")));
    assertThat(built)
        .containsExactly(
            java.util.Map.entry("X-A", List.of("1", "3")),
            java.util.Map.entry("x-a", List.of("2")));
  }
}
