package io.kubelab.cluster.client.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;
import io.fabric8.kubernetes.client.http.WebSocket;
import io.kubelab.cluster.apiserver.ApiServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * kubelab's fabric8 transport against kubelab's API server: chosen by fabric8, requests complete on
 * the caller's thread, streamed bodies are read as the consumer asks, and what it cannot do
 * (WebSocket) fails clearly. Every wait is bounded.
 */
@org.junit.jupiter.api.Timeout(60)
class BlockingHttpClientTest {

  private ApiServer server;
  private HttpClient http;

  @BeforeEach
  void start() {
    server = ApiServer.builder().build().start();
    // no retries: a failure must show at once, not after fabric8's back-off
    http =
        new BlockingHttpClientFactory()
            .newBuilder(new ConfigBuilder(Config.empty()).withRequestRetryBackoffLimit(0).build())
            .build();
  }

  @AfterEach
  void stop() {
    http.close();
    server.close();
  }

  private KubernetesClient client() {
    return new KubernetesClientBuilder()
        .withConfig(
            new ConfigBuilder(Config.empty())
                .withMasterUrl(server.url())
                .withNamespace("default")
                .withRequestRetryBackoffLimit(0)
                .build())
        .build();
  }

  private static Pod pod(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("c")
        .withImage("nginx")
        .endContainer()
        .endSpec()
        .build();
  }

  private String podJson(String name) {
    try (KubernetesClient client = client()) {
      return client.getKubernetesSerialization().asJson(pod(name));
    }
  }

  /** Sends a request with the test's client and waits for its answer as a string. */
  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return http.sendAsync(request, String.class).get(10, TimeUnit.SECONDS);
  }

  @Test
  void fabric8ChoosesThisTransportAndDerivedClientsShareItsPool() {
    try (KubernetesClient client = client()) {
      HttpClient base = client.getHttpClient();
      assertThat(base).isInstanceOf(BlockingHttpClient.class);
      HttpClient derived = base.newBuilder().build();
      assertThat(derived).isInstanceOf(BlockingHttpClient.class).isNotSameAs(base);
      assertThat(client.pods().resource(pod("a")).create().getMetadata().getUid()).isNotEmpty();
      base.close();
      assertThat(derived.isClosed()).as("a derived client shares the closed flag").isTrue();
    }
  }

  @Test
  void aRequestCompletesOnTheCallersThread() throws Exception {
    CompletableFuture<HttpResponse<String>> f =
        http.sendAsync(
            http.newHttpRequestBuilder().uri(server.url() + "/version").build(), String.class);
    assertThat(f).as("done when sendAsync returns: no other thread involved").isDone();
    HttpResponse<String> r = f.get();
    assertThat(r.code()).isEqualTo(200);
    assertThat(r.body()).contains("\"gitVersion\"");
    assertThat(r.header("content-type")).isEqualTo(r.header("Content-Type")).contains("json");
    assertThat(r.headers("X-Not-There")).isEmpty();
    assertThat(r.previousResponse()).isEmpty();
    HttpResponse<AsyncBody> raw =
        http.consumeBytes(
                http.newHttpRequestBuilder().uri(server.url() + "/version").build(),
                (buffers, body) -> {})
            .get();
    assertThat(raw.body())
        .as("read whole on this thread, no reader thread")
        .isInstanceOf(BlockingHttpClient.WholeBody.class);
  }

  @Test
  void aBodyIsSentWithTheContentTypeFabric8Names() throws Exception {
    String json = podJson("p");
    HttpResponse<String> created =
        send(
            http.newHttpRequestBuilder()
                .uri(server.url() + "/api/v1/namespaces/default/pods")
                .post("application/json", json)
                .build());
    assertThat(created.code()).isEqualTo(201);
    assertThat(server.object("/registry/pods/default/p")).isNotNull();

    HttpResponse<String> refused =
        send(
            http.newHttpRequestBuilder()
                .uri(server.url() + "/api/v1/namespaces/default/pods")
                .post("text/plain", json)
                .build());
    assertThat(refused.code()).as("the server saw text/plain, as sent").isEqualTo(415);
  }

  @Test
  void aStreamedBodyIsReadOnlyAsTheConsumerAsksForIt() throws Exception {
    BlockingQueue<String> pieces = new LinkedBlockingQueue<>();
    AsyncBody.Consumer<List<ByteBuffer>> consumer =
        (buffers, body) -> {
          StringBuilder sb = new StringBuilder();
          for (ByteBuffer b : buffers) {
            sb.append(StandardCharsets.UTF_8.decode(b));
          }
          pieces.add(sb.toString());
        };
    int watchers = server.storage().watcherCount(); // the server's own (its garbage collector)
    HttpRequest watch =
        http.newHttpRequestBuilder()
            .uri(server.url() + "/api/v1/namespaces/default/pods?watch=true")
            .forStreaming()
            .build();
    HttpResponse<AsyncBody> r = http.consumeBytes(watch, consumer).get(10, TimeUnit.SECONDS);
    assertThat(r.code()).isEqualTo(200);
    AsyncBody body = r.body();
    try (KubernetesClient client = client()) {
      client.pods().resource(pod("one")).create();
      client.pods().resource(pod("two")).create();
    }
    StringBuilder seen = new StringBuilder();
    Thread reader = null;
    while (!(seen.toString().contains("\"one\"") && seen.toString().contains("\"two\""))) {
      body.consume(); // one piece per request
      String piece = pieces.poll(10, TimeUnit.SECONDS);
      assertThat(piece).as("a piece within 10 s of asking").isNotNull();
      seen.append(piece);
      reader = reader == null ? ((BlockingHttpClient.StreamedBody) body).reader() : reader;
    }
    assertThat(((BlockingHttpClient.StreamedBody) body).reader())
        .as("one reader thread for the whole stream")
        .isSameAs(reader);
    assertThat(seen.indexOf("\"one\"")).isLessThan(seen.indexOf("\"two\""));
    assertThat(pieces).as("nothing delivered that was not asked for").isEmpty();
    assertThat(body.done()).isNotDone();

    body.cancel();
    assertThatThrownBy(() -> body.done().get(10, TimeUnit.SECONDS))
        .isInstanceOf(CancellationException.class);
    // The connection is closed: the server notices when it next writes to it (as upstream's does).
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    try (KubernetesClient client = client()) {
      for (int i = 0;
          server.storage().watcherCount() > watchers && System.nanoTime() < deadline;
          i++) {
        client.pods().resource(pod("after-" + i)).create();
      }
    }
    assertThat(server.storage().watcherCount())
        .as("the server saw the stream close")
        .isEqualTo(watchers);
  }

  @Test
  void cancelEndsAReadInProgressWithoutWaitingForData() throws Exception {
    List<String> pieces = new java.util.concurrent.CopyOnWriteArrayList<>();
    BlockingHttpClient.StreamedBody body = watchPods((buffers, b) -> pieces.add("piece"));
    body.consume(); // nothing is coming: the reader blocks in the socket's read
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!readingTheSocket(body.reader()) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(readingTheSocket(body.reader())).as("the reader is in a read").isTrue();

    body.cancel();
    body.reader().join(10_000);
    assertThat(body.reader().isAlive()).as("the read ends at once, with no data").isFalse();
    assertThat(pieces).isEmpty();
    assertThat(body.done()).isCancelled();
  }

  /**
   * A watch of the default namespace's pods over {@code http}, each piece handed to {@code
   * consumer}.
   */
  private BlockingHttpClient.StreamedBody watchPods(AsyncBody.Consumer<List<ByteBuffer>> consumer)
      throws Exception {
    HttpResponse<AsyncBody> r =
        http.consumeBytes(
                http.newHttpRequestBuilder()
                    .uri(server.url() + "/api/v1/namespaces/default/pods?watch=true")
                    .forStreaming()
                    .build(),
                consumer)
            .get(10, TimeUnit.SECONDS);
    assertThat(r.code()).isEqualTo(200);
    return (BlockingHttpClient.StreamedBody) r.body();
  }

  /** Whether thread {@code t} is inside class {@code className} (where a reader waits). */
  private static boolean inside(Thread t, String className) {
    return t != null
        && java.util.Arrays.stream(t.getStackTrace())
            .anyMatch(f -> f.getClassName().equals(className));
  }

  private static boolean readingTheSocket(Thread t) {
    return inside(t, "sun.nio.ch.NioSocketImpl");
  }

  @Test
  void bodiesOfBytesAndStreamsAreSentWhole() throws Exception {
    String json = podJson("bytes");
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> fromBytes =
        send(
            http.newHttpRequestBuilder()
                .uri(server.url() + "/api/v1/namespaces/default/pods")
                .post("application/json", bytes)
                .build());
    assertThat(fromBytes.code()).isEqualTo(201);
    byte[] streamed = json.replace("\"bytes\"", "\"stream\"").getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> fromStream =
        http.sendAsync(
                http.newHttpRequestBuilder()
                    .uri(server.url() + "/api/v1/namespaces/default/pods")
                    .post(
                        "application/json",
                        new java.io.ByteArrayInputStream(streamed),
                        streamed.length)
                    .build(),
                String.class)
            .get();
    assertThat(fromStream.code()).isEqualTo(201);
    assertThat(server.object("/registry/pods/default/bytes")).isNotNull();
    assertThat(server.object("/registry/pods/default/stream")).isNotNull();
  }

  @Test
  void itOutranksFabric8sOwnTransports() {
    assertThat(new BlockingHttpClientFactory().priority())
        .isGreaterThan(new io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory().priority());
  }

  /** A GET of {@code url} over {@code c}, its answer read as a string within 10 s. */
  private static HttpResponse<String> get(HttpClient c, String url) throws Exception {
    return c.sendAsync(c.newHttpRequestBuilder().uri(url).build(), String.class)
        .get(10, TimeUnit.SECONDS);
  }

  /** A tiny HTTP server of the JDK's, for what kubelab's API server never does. */
  private static com.sun.net.httpserver.HttpServer stub(
      List<String> seen, com.sun.net.httpserver.HttpHandler handler) throws IOException {
    com.sun.net.httpserver.HttpServer s =
        com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    s.createContext(
        "/",
        ex -> {
          seen.add(ex.getRequestMethod() + " " + ex.getRequestURI());
          handler.handle(ex);
        });
    s.start();
    return s;
  }

  private static void answer(com.sun.net.httpserver.HttpExchange ex, int code, String body)
      throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(code, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      ex.getResponseBody().write(b);
    }
    ex.close();
  }

  @Test
  void aRetryRunsOffFabric8sSharedSchedulerThread() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    com.sun.net.httpserver.HttpServer s =
        stub(
            new java.util.concurrent.CopyOnWriteArrayList<>(),
            ex -> {
              if (calls.incrementAndGet() == 1) {
                answer(ex, 503, "busy"); // fabric8 retries a 503 from its scheduler thread
              } else {
                try {
                  release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                answer(ex, 200, "ok");
              }
            });
    try (HttpClient retrying =
        new BlockingHttpClientFactory()
            .newBuilder(
                new ConfigBuilder(Config.empty())
                    .withRequestRetryBackoffLimit(3)
                    .withRequestRetryBackoffInterval(10)
                    .build())
            .build()) {
      CompletableFuture<HttpResponse<String>> f =
          retrying.sendAsync(
              retrying
                  .newHttpRequestBuilder()
                  .uri("http://127.0.0.1:" + s.getAddress().getPort() + "/x")
                  .build(),
              String.class);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (calls.get() < 2 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(calls).as("the retry reached the server").hasValue(2);
      // while the retry waits for its answer, fabric8's scheduler thread is free for its timers
      CompletableFuture<Void> timer =
          io.fabric8.kubernetes.client.utils.Utils.schedule(
              Runnable::run, () -> {}, 1, TimeUnit.MILLISECONDS);
      timer.get(10, TimeUnit.SECONDS);
      assertThat(f).isNotDone();
      release.countDown();
      assertThat(f.get(10, TimeUnit.SECONDS).body()).isEqualTo("ok");
    } finally {
      release.countDown();
      s.stop(0);
    }
  }

  @Test
  void aBodyOfUnknownLengthIsStreamedEvenWhenNotAskedTo() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    com.sun.net.httpserver.HttpServer s =
        stub(
            new java.util.concurrent.CopyOnWriteArrayList<>(),
            ex -> {
              ex.sendResponseHeaders(200, 0); // chunked: a followed log looks like this
              ex.getResponseBody().write("first".getBytes(StandardCharsets.UTF_8));
              ex.getResponseBody().flush();
              try {
                release.await(20, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              ex.getResponseBody().write("second".getBytes(StandardCharsets.UTF_8));
              ex.close();
            });
    BlockingQueue<String> pieces = new LinkedBlockingQueue<>();
    try {
      HttpResponse<AsyncBody> r =
          http.consumeBytes(
                  http.newHttpRequestBuilder()
                      .uri("http://127.0.0.1:" + s.getAddress().getPort() + "/log?follow=true")
                      .build(),
                  (buffers, body) ->
                      pieces.add(StandardCharsets.UTF_8.decode(buffers.get(0)).toString()))
              .get(10, TimeUnit.SECONDS);
      assertThat(r.body()).isInstanceOf(BlockingHttpClient.StreamedBody.class);
      r.body().consume();
      assertThat(pieces.poll(10, TimeUnit.SECONDS)).isEqualTo("first");
      release.countDown();
      r.body().consume();
      assertThat(pieces.poll(10, TimeUnit.SECONDS)).isEqualTo("second");
      r.body().consume(); // the end of the body
      r.body().done().get(10, TimeUnit.SECONDS);
      assertThat(r.body().done()).isCompletedWithValue(null);
    } finally {
      release.countDown();
      s.stop(0);
    }
  }

  @Test
  void aStreamIsReadOnePieceAtATime() throws Exception {
    byte[] chunk = new byte[8192];
    java.util.Arrays.fill(chunk, (byte) 'x');
    com.sun.net.httpserver.HttpServer s =
        stub(
            new java.util.concurrent.CopyOnWriteArrayList<>(),
            ex -> {
              ex.sendResponseHeaders(200, 0);
              for (int i = 0; i < 4; i++) {
                ex.getResponseBody().write(chunk);
                ex.getResponseBody().flush();
              }
              ex.close();
            });
    AtomicInteger pieces = new AtomicInteger();
    try {
      HttpResponse<AsyncBody> r =
          http.consumeBytes(
                  http.newHttpRequestBuilder()
                      .uri("http://127.0.0.1:" + s.getAddress().getPort() + "/stream")
                      .forStreaming()
                      .build(),
                  (buffers, body) -> pieces.incrementAndGet())
              .get(10, TimeUnit.SECONDS);
      BlockingHttpClient.StreamedBody body = (BlockingHttpClient.StreamedBody) r.body();
      body.consume();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!(pieces.get() == 1 && waitingForDemand(body.reader()))
          && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(waitingForDemand(body.reader())).as("the reader waits to be asked").isTrue();
      assertThat(pieces).as("one piece per consume(), though 32 KiB are there").hasValue(1);
      assertThat(body.reader().isDaemon()).as("a stream never keeps the JVM alive").isTrue();
      body.cancel();
      body.reader().join(10_000);
      assertThat(body.reader().isAlive())
          .as("cancel() wakes a reader that waits to be asked, and it ends")
          .isFalse();
    } finally {
      s.stop(0);
    }
  }

  private static boolean waitingForDemand(Thread t) {
    return inside(t, "java.util.concurrent.Semaphore");
  }

  @Test
  void derivedClientsReuseThePoolsConnections() throws Exception {
    List<Integer> ports = new java.util.concurrent.CopyOnWriteArrayList<>();
    com.sun.net.httpserver.HttpServer s =
        com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    s.createContext(
        "/",
        ex -> {
          ports.add(ex.getRemoteAddress().getPort());
          answer(ex, 200, "ok");
        });
    s.start();
    try {
      String url = "http://127.0.0.1:" + s.getAddress().getPort() + "/";
      HttpClient derived = http.newBuilder().build();
      assertThat(get(http, url).code()).isEqualTo(200);
      assertThat(get(derived, url).code()).isEqualTo(200);
      assertThat(ports).hasSize(2);
      assertThat(ports.get(1))
          .as("the derived client took the connection the first answer returned to the shared pool")
          .isEqualTo(ports.get(0));
    } finally {
      s.stop(0);
    }
  }

  @Test
  void closingTheClientEndsItsOpenStreams() throws Exception {
    BlockingHttpClient.StreamedBody body = watchPods((buffers, b) -> {});
    body.consume();
    http.close();
    assertThat(body.done()).isCancelled();
    body.reader().join(10_000);
    assertThat(body.reader().isAlive()).isFalse();
  }

  @Test
  void aRequestWithoutATimeoutTakesTheClientsRequestTimeout() {
    try (HttpClient timed =
            new BlockingHttpClientFactory()
                .newBuilder(new ConfigBuilder(Config.empty()).withRequestTimeout(4321).build())
                .build();
        HttpClient untimed =
            new BlockingHttpClientFactory()
                .newBuilder(new ConfigBuilder(Config.empty()).withRequestTimeout(0).build())
                .build()) {
      assertThat(((BlockingHttpClient) timed).defaultTimeout()).isEqualTo(Duration.ofMillis(4321));
      assertThat(((BlockingHttpClient) untimed).defaultTimeout()).isNull();
      StandardHttpRequest noTimeout =
          (StandardHttpRequest) timed.newHttpRequestBuilder().uri(server.url()).build();
      assertThat(noTimeout.getTimeout()).isNull();
      assertThat(
              BlockingHttpClient.toApache(noTimeout, Duration.ofMillis(4321))
                  .getConfig()
                  .getResponseTimeout())
          .isEqualTo(Timeout.ofMilliseconds(4321));
      assertThat(BlockingHttpClient.toApache(noTimeout, null).getConfig().getResponseTimeout())
          .isNull();
    }
  }

  @Test
  void redirectsAreFollowedOnlyWhenAsked() throws Exception {
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    com.sun.net.httpserver.HttpServer s =
        stub(
            seen,
            ex -> {
              if (ex.getRequestURI().getPath().equals("/a")) {
                ex.getResponseHeaders().add("Location", "/b");
                answer(ex, 302, "");
              } else {
                answer(ex, 200, "at b");
              }
            });
    String a = "http://127.0.0.1:" + s.getAddress().getPort() + "/a";
    try (HttpClient plain = new BlockingHttpClientFactory().newBuilder().build();
        HttpClient following =
            new BlockingHttpClientFactory().newBuilder().followAllRedirects().build()) {
      assertThat(get(plain, a).code()).isEqualTo(302);
      HttpResponse<String> r = get(following, a);
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("at b");
      assertThat(seen).containsExactly("GET /a", "GET /a", "GET /b");
    } finally {
      s.stop(0);
    }
  }

  @Test
  void anHttpProxyIsUsedAndOthersAreRefused() throws Exception {
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    com.sun.net.httpserver.HttpServer proxy =
        stub(
            seen,
            ex -> {
              seen.add(ex.getRequestHeaders().getFirst("Proxy-Authorization"));
              answer(ex, 200, "via proxy");
            });
    try (HttpClient viaProxy =
        new BlockingHttpClientFactory()
            .newBuilder()
            .proxyAddress(proxy.getAddress())
            .proxyType(HttpClient.ProxyType.HTTP)
            .proxyAuthorization("Basic a3ViZWxhYjpzZWNyZXQ=")
            .build()) {
      HttpResponse<String> r = get(viaProxy, "http://api.example.invalid/version");
      assertThat(r.body()).isEqualTo("via proxy");
      assertThat(seen)
          .containsExactly("GET http://api.example.invalid/version", "Basic a3ViZWxhYjpzZWNyZXQ=");
    } finally {
      proxy.stop(0);
    }
    assertThatThrownBy(
            () ->
                new BlockingHttpClientFactory()
                    .newBuilder()
                    .proxyAddress(new java.net.InetSocketAddress("127.0.0.1", 1080))
                    .proxyType(HttpClient.ProxyType.SOCKS5)
                    .build())
        .isInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class)
        .hasMessageContaining("HTTP proxies only, not SOCKS5");
  }

  @Test
  void aStreamTheServerEndsCompletesDone() throws Exception {
    AtomicInteger pieces = new AtomicInteger();
    HttpRequest watch =
        http.newHttpRequestBuilder()
            .uri(server.url() + "/api/v1/namespaces/default/pods?watch=true&timeoutSeconds=1")
            .forStreaming()
            .build();
    HttpResponse<AsyncBody> r =
        http.consumeBytes(
                watch,
                (buffers, body) -> {
                  pieces.incrementAndGet();
                  body.consume();
                })
            .get(10, TimeUnit.SECONDS);
    r.body().consume();
    r.body().done().get(10, TimeUnit.SECONDS); // the server's timeout ends the stream
    assertThat(r.body().done()).isCompletedWithValue(null);
  }

  @Test
  void fabric8WatchesOverHttpWhenTheWebSocketIsRefused() throws Exception {
    CompletableFuture<WebSocket> ws =
        http.newWebSocketBuilder()
            .uri(URI.create(server.url() + "/api/v1/pods?watch=true"))
            .buildAsync(new WebSocket.Listener() {});
    assertThatThrownBy(() -> ws.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("speaks no WebSocket");

    // fabric8 tries a WebSocket first (onlyHttpWatches is not set), then watches over HTTP
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    try (KubernetesClient client = client()) {
      Watch w =
          client
              .pods()
              .watch(
                  new Watcher<Pod>() {
                    @Override
                    public void eventReceived(Action action, Pod p) {
                      events.add(action + " " + p.getMetadata().getName());
                    }

                    @Override
                    public void onClose(WatcherException cause) {}
                  });
      try {
        client.pods().resource(pod("watched")).create();
        assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("ADDED watched");
      } finally {
        w.close();
      }
    }
  }

  @Test
  void aConnectionThatCannotBeMadeFailsTheFuture() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    CompletableFuture<HttpResponse<String>> f =
        http.sendAsync(
            http.newHttpRequestBuilder().uri("http://127.0.0.1:" + port + "/version").build(),
            String.class);
    assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IOException.class);
  }

  @Test
  void aWholeBodyIsDeliveredOnceEvenWhenTheConsumerAsksAgainAtOnce() {
    AtomicInteger calls = new AtomicInteger();
    AtomicReference<String> got = new AtomicReference<>();
    BlockingHttpClient.WholeBody body =
        new BlockingHttpClient.WholeBody(
            "hello".getBytes(StandardCharsets.UTF_8),
            (buffers, b) -> {
              calls.incrementAndGet();
              got.set(StandardCharsets.UTF_8.decode(buffers.get(0)).toString());
              b.consume(); // re-entrant, as fabric8's consumers do
            });
    body.consume();
    body.consume();
    assertThat(calls).hasValue(1);
    assertThat(got).hasValue("hello");
    assertThat(body.done()).isCompletedWithValue(null);

    BlockingHttpClient.WholeBody empty =
        new BlockingHttpClient.WholeBody(new byte[0], (buffers, b) -> calls.incrementAndGet());
    empty.consume();
    assertThat(calls).as("an empty body is done without a call").hasValue(1);
    assertThat(empty.done()).isCompletedWithValue(null);

    BlockingHttpClient.WholeBody failing =
        new BlockingHttpClient.WholeBody(
            new byte[] {1},
            (buffers, b) -> {
              throw new IllegalStateException("consumer failed");
            });
    failing.consume();
    assertThat(failing.done()).isCompletedExceptionally();
  }

  @Test
  void requestsBecomeApacheRequestsWithoutTheHeadersHttpWritesItself() throws Exception {
    StandardHttpRequest r =
        (StandardHttpRequest)
            http.newHttpRequestBuilder()
                .uri(server.url() + "/api/v1/pods")
                .header("Content-Length", "99")
                .header("Host", "elsewhere")
                .header("X-Kept", "yes")
                .patch("application/merge-patch+json", "{}")
                .timeout(7, TimeUnit.SECONDS)
                .build();
    HttpUriRequestBase a = BlockingHttpClient.toApache(r, null);
    assertThat(a.getMethod()).isEqualTo("PATCH");
    assertThat(a.getFirstHeader("X-Kept").getValue()).isEqualTo("yes");
    assertThat(a.getFirstHeader("Content-Type").getValue())
        .isEqualTo("application/merge-patch+json");
    assertThat(a.containsHeader("Content-Length")).isFalse();
    assertThat(a.containsHeader("Host")).isFalse();
    assertThat(a.getEntity().getContentLength()).isEqualTo(2);
    assertThat(a.getConfig().getResponseTimeout()).isEqualTo(Timeout.ofSeconds(7));

    StandardHttpRequest streaming =
        (StandardHttpRequest)
            http.newHttpRequestBuilder()
                .uri(server.url() + "/api/v1/pods?watch=true")
                .timeout(7, TimeUnit.SECONDS)
                .forStreaming()
                .build();
    assertThat(BlockingHttpClient.toApache(streaming, null).getConfig().getResponseTimeout())
        .as("a watch may be quiet for minutes")
        .isEqualTo(Timeout.DISABLED);
  }

  @Test
  void aBodyOfKnownLengthIsReadWholeAndAnAnswerWithoutOneIsEmpty() throws Exception {
    com.sun.net.httpserver.HttpServer s =
        stub(
            new java.util.concurrent.CopyOnWriteArrayList<>(),
            ex -> {
              switch (ex.getRequestURI().getPath()) {
                case "/known" -> answer(ex, 200, "abc");
                case "/empty" -> answer(ex, 200, ""); // Content-Length: 0
                default -> answer(ex, 204, ""); // no body at all
              }
            });
    String base = "http://127.0.0.1:" + s.getAddress().getPort();
    try {
      for (String path : List.of("/known", "/empty", "/none")) {
        StringBuilder got = new StringBuilder();
        HttpResponse<AsyncBody> r =
            http.consumeBytes(
                    http.newHttpRequestBuilder().uri(base + path).build(),
                    (buffers, body) -> got.append(StandardCharsets.UTF_8.decode(buffers.get(0))))
                .get(10, TimeUnit.SECONDS);
        assertThat(r.body())
            .as(path + ": read whole, no thread")
            .isInstanceOf(BlockingHttpClient.WholeBody.class);
        r.body().consume();
        assertThat(r.body().done()).as(path).isCompletedWithValue(null);
        assertThat(got.toString()).as(path).isEqualTo(path.equals("/known") ? "abc" : "");
      }
    } finally {
      s.stop(0);
    }
  }

  @Test
  void aStreamWhoseConsumerFailsEndsWithoutReadingTheRest() throws Exception {
    BlockingHttpClient.StreamedBody body =
        watchPods(
            (buffers, b) -> {
              throw new IllegalStateException("consumer failed");
            });
    body.consume();
    try (KubernetesClient client = client()) {
      client.pods().resource(pod("one")).create();
    }
    assertThatThrownBy(() -> body.done().get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(IllegalStateException.class);
    // The watch stays open on the server: closing the response would read it to its end.
    body.reader().join(10_000);
    assertThat(body.reader().isAlive()).as("the reader drops the connection and ends").isFalse();
  }

  @Test
  void theRequestsContentTypeWinsAndTimeoutsOfZeroMeanTheDefault() {
    StandardHttpRequest post =
        (StandardHttpRequest)
            http.newHttpRequestBuilder()
                .uri(server.url() + "/api/v1/pods")
                .header("Content-Type", "text/plain")
                .header("Content-Type", "text/x-second")
                .post("application/json", "{}")
                .build();
    HttpUriRequestBase a = BlockingHttpClient.toApache(post, null);
    assertThat(a.getHeaders("Content-Type"))
        .extracting(org.apache.hc.core5.http.Header::getValue)
        .containsExactly("application/json");

    StandardHttpRequest get =
        (StandardHttpRequest)
            http.newHttpRequestBuilder()
                .uri(server.url() + "/api/v1/pods")
                .header("Content-Type", "text/plain")
                .build();
    assertThat(BlockingHttpClient.toApache(get, null).getHeaders("Content-Type"))
        .as("a request without a body keeps the header it was given")
        .extracting(org.apache.hc.core5.http.Header::getValue)
        .containsExactly("text/plain");
    StandardHttpRequest bare =
        (StandardHttpRequest) http.newHttpRequestBuilder().uri(server.url() + "/api").build();
    HttpUriRequestBase b = BlockingHttpClient.toApache(bare, null);
    assertThat(b.containsHeader("Content-Type")).isFalse();
    assertThat(b.getEntity()).isNull();

    StandardHttpRequest zero =
        (StandardHttpRequest)
            http.newHttpRequestBuilder()
                .uri(server.url() + "/api")
                .timeout(0, TimeUnit.SECONDS)
                .build();
    assertThat(
            BlockingHttpClient.toApache(zero, Duration.ofMillis(4321))
                .getConfig()
                .getResponseTimeout())
        .as("a zero timeout is none: the client's applies")
        .isEqualTo(Timeout.ofMilliseconds(4321));
  }

  @Test
  void aProxyWithoutATypeIsAnHttpProxyAndADirectOneIsNone() throws Exception {
    List<String> atProxy = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<String> atServer = new java.util.concurrent.CopyOnWriteArrayList<>();
    com.sun.net.httpserver.HttpServer proxy = stub(atProxy, ex -> answer(ex, 200, "via proxy"));
    com.sun.net.httpserver.HttpServer direct = stub(atServer, ex -> answer(ex, 200, "direct"));
    String url = "http://127.0.0.1:" + direct.getAddress().getPort() + "/version";
    try (HttpClient untyped =
            new BlockingHttpClientFactory()
                .newBuilder()
                .proxyAddress(proxy.getAddress())
                .proxyType(null)
                .build();
        HttpClient none =
            new BlockingHttpClientFactory()
                .newBuilder()
                .proxyAddress(proxy.getAddress())
                .proxyType(HttpClient.ProxyType.DIRECT)
                .build()) {
      assertThat(get(untyped, url).body()).isEqualTo("via proxy");
      assertThat(get(none, url).body()).isEqualTo("direct");
      assertThat(atProxy).containsExactly("GET " + url);
      assertThat(atServer).containsExactly("GET /version");
    } finally {
      proxy.stop(0);
      direct.stop(0);
    }
  }

  @Test
  void aConnectTimeoutBoundsTheWaitForAServerThatDoesNotAnswer() throws Exception {
    // A listening socket whose accept queue is full: the kernel drops further connection
    // attempts, so a connect waits until its timeout (Apache's default is three minutes).
    try (java.net.ServerSocket full =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      List<java.net.Socket> queued = new java.util.ArrayList<>();
      boolean filled = false;
      try {
        for (int i = 0; i < 16 && !filled; i++) {
          java.net.Socket q = new java.net.Socket();
          try {
            q.connect(full.getLocalSocketAddress(), 200);
            queued.add(q);
          } catch (java.net.SocketTimeoutException e) {
            q.close();
            filled = true;
          } catch (java.net.ConnectException e) {
            q.close(); // a stack that refuses instead of dropping: nothing to test here
            break;
          }
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(
            filled, "this network stack does not drop connection attempts to a full queue");
        try (HttpClient c =
            new BlockingHttpClientFactory()
                .newBuilder(
                    new ConfigBuilder(Config.empty()).withRequestRetryBackoffLimit(0).build())
                .connectTimeout(300, TimeUnit.MILLISECONDS)
                .build()) {
          HttpRequest request =
              c.newHttpRequestBuilder()
                  .uri("http://127.0.0.1:" + full.getLocalPort() + "/version")
                  .build();
          // The exchange runs on its caller's thread: a thread of the test's own, so that the
          // wait below bounds it even if the connect were not.
          CompletableFuture<HttpResponse<String>> f = new CompletableFuture<>();
          Thread caller =
              new Thread(
                  () -> c.sendAsync(request, String.class).whenComplete((v, e) -> settle(f, v, e)),
                  "connect-timeout-caller");
          caller.setDaemon(true);
          long start = System.nanoTime();
          caller.start();
          assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
              .isInstanceOf(ExecutionException.class)
              .satisfies(
                  e ->
                      assertThat(
                              java.util.stream.Stream.iterate(
                                  e, java.util.Objects::nonNull, Throwable::getCause))
                          .as("the cause chain of %s", e)
                          .anyMatch(
                              org.apache.hc.client5.http.ConnectTimeoutException.class
                                  ::isInstance));
          assertThat(Duration.ofNanos(System.nanoTime() - start))
              .as("the connect timeout, not the request timeout (10 s), ended the wait")
              .isLessThan(Duration.ofSeconds(5));
        }
      } finally {
        for (java.net.Socket q : queued) {
          q.close();
        }
      }
    }
  }

  @Test
  void tlsUsesTheClientsTrustAndItsTlsVersions(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    javax.net.ssl.SSLContext serverTls = selfSignedTls(dir.resolve("server.p12"));
    com.sun.net.httpserver.HttpsServer s =
        com.sun.net.httpserver.HttpsServer.create(
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    s.setHttpsConfigurator(
        new com.sun.net.httpserver.HttpsConfigurator(serverTls) {
          @Override
          public void configure(com.sun.net.httpserver.HttpsParameters params) {
            javax.net.ssl.SSLParameters p = serverTls.getDefaultSSLParameters();
            p.setProtocols(new String[] {"TLSv1.3"});
            params.setSSLParameters(p);
          }
        });
    s.createContext("/", ex -> answer(ex, 200, "over tls"));
    s.start();
    String url = "https://127.0.0.1:" + s.getAddress().getPort() + "/version";
    javax.net.ssl.TrustManagerFactory trust =
        javax.net.ssl.TrustManagerFactory.getInstance(
            javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(dir.resolve("server.p12"))) {
      ks.load(in, "changeit".toCharArray());
    }
    trust.init(ks);
    Config noRetries = new ConfigBuilder(Config.empty()).withRequestRetryBackoffLimit(0).build();
    try (HttpClient trusting =
            new BlockingHttpClientFactory()
                .newBuilder(noRetries)
                .sslContext(null, trust.getTrustManagers())
                .tlsVersions(io.fabric8.kubernetes.client.http.TlsVersion.TLS_1_3)
                .build();
        HttpClient oldTls =
            new BlockingHttpClientFactory()
                .newBuilder(noRetries)
                .sslContext(null, trust.getTrustManagers())
                .tlsVersions(io.fabric8.kubernetes.client.http.TlsVersion.TLS_1_2)
                .build();
        HttpClient untrusting = new BlockingHttpClientFactory().newBuilder(noRetries).build()) {
      assertThat(get(trusting, url).body()).isEqualTo("over tls");
      assertThatThrownBy(() -> get(oldTls, url))
          .as("TLS 1.2 only, against a server of TLS 1.3 only")
          .hasCauseInstanceOf(javax.net.ssl.SSLException.class);
      assertThatThrownBy(() -> get(untrusting, url))
          .as("the JDK's default trust does not know a self-signed certificate")
          .hasCauseInstanceOf(javax.net.ssl.SSLException.class);
    } finally {
      s.stop(0);
    }
  }

  private static <T> void settle(CompletableFuture<T> f, T value, Throwable error) {
    if (error != null) {
      f.completeExceptionally(
          error instanceof java.util.concurrent.CompletionException && error.getCause() != null
              ? error.getCause()
              : error);
    } else {
      f.complete(value);
    }
  }

  /** A key store with a self-signed certificate for 127.0.0.1, made by the JDK's keytool. */
  private static javax.net.ssl.SSLContext selfSignedTls(java.nio.file.Path store) throws Exception {
    java.nio.file.Path keytool =
        java.nio.file.Path.of(System.getProperty("java.home"), "bin", "keytool");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        java.nio.file.Files.isExecutable(keytool), "no keytool in this Java runtime: " + keytool);
    java.nio.file.Path log = store.resolveSibling("keytool.log");
    Process p =
        new ProcessBuilder(
                keytool.toString(),
                "-genkeypair",
                "-alias",
                "kubelab",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "san=ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                "changeit")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    assertThat(p.isAlive()).as("keytool ends within 30 s").isFalse();
    assertThat(p.exitValue()).as("keytool: " + java.nio.file.Files.readString(log)).isZero();
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(store)) {
      ks.load(in, "changeit".toCharArray());
    }
    javax.net.ssl.KeyManagerFactory keys =
        javax.net.ssl.KeyManagerFactory.getInstance(
            javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
    keys.init(ks, "changeit".toCharArray());
    javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
    tls.init(keys.getKeyManagers(), null, null);
    return tls;
  }
}
