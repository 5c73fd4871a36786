package io.kubelab.cluster.client.http;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.StandardHttpClient;
import io.fabric8.kubernetes.client.http.StandardHttpClientBuilder;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;
import io.fabric8.kubernetes.client.http.StandardWebSocketBuilder;
import io.fabric8.kubernetes.client.http.TlsVersion;
import io.fabric8.kubernetes.client.http.WebSocket;
import io.fabric8.kubernetes.client.http.WebSocketResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.EofSensorInputStream;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.LoggerFactory;

/**
 * One fabric8 {@code HttpClient} over Apache HttpClient 5's classic (blocking) API; see {@link
 * BlockingHttpClientFactory}. Clients derived with {@code newBuilder()} share the connection pool
 * and the closed flag, as fabric8's other transports do.
 *
 * <p>{@link #consumeBytesDirect} sends the request and reads the response on the calling thread. A
 * body of known size is read whole before the future completes (the connection goes back to the
 * pool at once), and handed to the consumer in one piece on the first {@code consume()}. A request
 * fabric8 marks for streaming (a watch), and any body of unknown length (a followed log, a chunked
 * answer), keeps its connection: a daemon thread reads the body and hands each piece over after the
 * consumer has asked for it, as fabric8's flow control expects.
 *
 * <p>One exception to "on the caller's thread": fabric8 runs its retries from one scheduler thread
 * shared by the whole JVM ({@code Utils.schedule}); a request made there runs on a thread of this
 * transport's instead, so that a retry waiting for a slow server does not hold up every other
 * fabric8 timer.
 */
public final class BlockingHttpClient
    extends StandardHttpClient<
        BlockingHttpClient, BlockingHttpClientFactory, BlockingHttpClient.Builder> {

  /** Headers the HTTP layer writes itself; a copy from fabric8 would be refused or doubled. */
  private static final Set<String> RESTRICTED =
      Set.of("content-length", "host", "connection", "transfer-encoding", "expect");

  private static final AtomicInteger STREAMS = new AtomicInteger();

  /** Runs requests made on fabric8's shared scheduler thread (its retries). */
  private static final java.util.concurrent.ExecutorService OFF_SCHEDULER =
      java.util.concurrent.Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "kubelab-http-retry-" + STREAMS.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  /** How many connections may be open to one server: one per watch, plus the requests in flight. */
  static final int MAX_CONNECTIONS = 1024;

  private final CloseableHttpClient http;

  /** The streams open on this client's pool (shared by derived clients), cancelled on close. */
  private final Set<StreamedBody> streams;

  private BlockingHttpClient(
      Builder builder, CloseableHttpClient http, Set<StreamedBody> streams, AtomicBoolean closed) {
    super(builder, closed);
    this.http = http;
    this.streams = streams;
  }

  @Override
  public CompletableFuture<WebSocketResponse> buildWebSocketDirect(
      StandardWebSocketBuilder builder, WebSocket.Listener listener) {
    // Not a KubernetesClientException: for a watch, fabric8 then falls back to plain HTTP.
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException(
            "kubelab's HTTP transport speaks no WebSocket ("
                + builder.asHttpRequest().uri()
                + "): exec, attach and port-forward are not available through it"));
  }

  @Override
  public CompletableFuture<HttpResponse<AsyncBody>> consumeBytesDirect(
      StandardHttpRequest request, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
    if (Thread.currentThread().getName().startsWith("CachedSingleThreadScheduler")) {
      return CompletableFuture.supplyAsync(() -> exchange(request, consumer), OFF_SCHEDULER)
          .thenCompose(f -> f);
    }
    return exchange(request, consumer);
  }

  /** One request and its response, on this thread. */
  private CompletableFuture<HttpResponse<AsyncBody>> exchange(
      StandardHttpRequest request, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
    HttpUriRequestBase req;
    try {
      req = toApache(request, defaultTimeout());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    ClassicHttpResponse response = null;
    try {
      response = http.executeOpen(null, req, null);
      int code = response.getCode();
      Map<String, List<String>> headers = headers(response);
      HttpEntity entity = response.getEntity();
      AsyncBody body;
      if (entity != null && (request.isForStreaming() || entity.getContentLength() < 0)) {
        body = new StreamedBody(response, entity.getContent(), consumer, streams);
        response = null; // the stream's thread closes it
      } else {
        byte[] bytes = entity == null ? new byte[0] : EntityUtils.toByteArray(entity);
        body = new WholeBody(bytes, consumer);
      }
      return CompletableFuture.completedFuture(new Response(code, headers, body, request));
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    } finally {
      closeQuietly(response);
    }
  }

  /** The client's request timeout, for requests that name none (fabric8's raw requests). */
  java.time.Duration defaultTimeout() {
    io.fabric8.kubernetes.client.RequestConfig rc =
        getTag(io.fabric8.kubernetes.client.RequestConfig.class);
    return rc == null || rc.getRequestTimeout() == null || rc.getRequestTimeout() <= 0
        ? null
        : java.time.Duration.ofMillis(rc.getRequestTimeout());
  }

  /**
   * fabric8's request as Apache's: method, URI, headers, body, and the timeouts ({@code
   * defaultTimeout} when the request names none; none for a stream).
   */
  static HttpUriRequestBase toApache(StandardHttpRequest r, java.time.Duration defaultTimeout) {
    HttpUriRequestBase req = new HttpUriRequestBase(r.method(), r.uri());
    r.headers()
        .forEach(
            (name, values) -> {
              String lower = name.toLowerCase(java.util.Locale.ROOT);
              if (!RESTRICTED.contains(lower)
                  && !(lower.equals("content-type") && r.getContentType() != null)) {
                values.forEach(v -> req.addHeader(name, v));
              }
            });
    if (r.getContentType() != null) {
      req.setHeader("Content-Type", r.getContentType());
    }
    StandardHttpRequest.BodyContent body = r.body();
    if (body instanceof StandardHttpRequest.StringBodyContent s) {
      req.setEntity(new ByteArrayEntity(s.getContent().getBytes(StandardCharsets.UTF_8), null));
    } else if (body instanceof StandardHttpRequest.ByteArrayBodyContent b) {
      req.setEntity(new ByteArrayEntity(b.getContent(), null));
    } else if (body instanceof StandardHttpRequest.InputStreamBodyContent in) {
      req.setEntity(new InputStreamEntity(in.getContent(), in.getLength(), null));
    } else if (body != null) {
      throw new IllegalArgumentException(
          "kubelab's HTTP transport: unknown request body " + body.getClass().getName());
    }
    RequestConfig.Builder config =
        RequestConfig.custom().setExpectContinueEnabled(r.isExpectContinue());
    java.time.Duration timeout =
        r.getTimeout() != null && !r.getTimeout().isZero() ? r.getTimeout() : defaultTimeout;
    if (r.isForStreaming()) {
      config.setResponseTimeout(Timeout.DISABLED); // a watch may be quiet for minutes
    } else if (timeout != null) {
      // a bound on each wait for the server (Apache's socket timeout), not on the whole exchange
      config.setResponseTimeout(Timeout.ofMilliseconds(timeout.toMillis()));
    }
    req.setConfig(config.build());
    return req;
  }

  private static Map<String, List<String>> headers(ClassicHttpResponse response) {
    Map<String, List<String>> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (Header h : response.getHeaders()) {
      out.computeIfAbsent(h.getName(), k -> new ArrayList<>(1)).add(h.getValue());
    }
    return out;
  }

  private static void closeQuietly(ClassicHttpResponse response) {
    if (response != null) {
      try {
        response.close();
      } catch (IOException e) {
        // the connection is discarded either way
      }
    }
  }

  @Override
  protected void doClose() {
    for (StreamedBody b : List.copyOf(streams)) {
      b.cancel(); // a reader waiting for demand would otherwise wait for ever
    }
    http.close(CloseMode.IMMEDIATE);
  }

  /** A response: its status, headers (looked up without regard to case) and body. */
  private record Response(
      int code, Map<String, List<String>> headers, AsyncBody body, HttpRequest request)
      implements HttpResponse<AsyncBody> {
    @Override
    public List<String> headers(String name) {
      return headers.getOrDefault(name, List.of());
    }

    @Override
    public Optional<HttpResponse<?>> previousResponse() {
      return Optional.empty();
    }
  }

  /** A body already read: one piece on the first {@code consume()}, then done. */
  static final class WholeBody implements AsyncBody {
    private final byte[] bytes;
    private final AsyncBody.Consumer<List<ByteBuffer>> consumer;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final AtomicBoolean delivered = new AtomicBoolean();

    WholeBody(byte[] bytes, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
      this.bytes = bytes;
      this.consumer = consumer;
    }

    @Override
    public void consume() {
      if (done.isDone()) {
        return;
      }
      if (bytes.length == 0) {
        done.complete(null);
        return;
      }
      if (!delivered.compareAndSet(false, true)) {
        return; // the thread that delivers completes done when its consumer returns
      }
      try {
        consumer.consume(List.of(ByteBuffer.wrap(bytes)), this);
        done.complete(null);
      } catch (Exception e) {
        done.completeExceptionally(e);
      }
    }

    @Override
    public CompletableFuture<Void> done() {
      return done;
    }

    @Override
    public void cancel() {
      done.cancel(false);
    }
  }

  /**
   * A body read as it arrives, on a thread of its own: each {@code consume()} lets the thread read
   * and hand over one more piece (whatever one read of the socket returns, up to 8 KiB).
   */
  static final class StreamedBody implements AsyncBody {
    private final ClassicHttpResponse response;
    private final InputStream in;
    private final AsyncBody.Consumer<List<ByteBuffer>> consumer;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final Semaphore demand = new Semaphore(0);
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean cancelled;
    private volatile Thread reader;

    StreamedBody(
        ClassicHttpResponse response,
        InputStream in,
        AsyncBody.Consumer<List<ByteBuffer>> consumer,
        Set<StreamedBody> open) {
      this.response = response;
      this.in = in;
      this.consumer = consumer;
      open.add(this);
      done.whenComplete((v, e) -> open.remove(this));
    }

    @Override
    public void consume() {
      if (done.isDone()) {
        return;
      }
      demand.release();
      if (started.compareAndSet(false, true)) {
        Thread t = new Thread(this::read, "kubelab-http-stream-" + STREAMS.incrementAndGet());
        t.setDaemon(true);
        reader = t;
        try {
          t.start();
        } catch (Throwable e) {
          done.completeExceptionally(e);
          abort();
          closeQuietly(response);
        }
      }
    }

    private void read() {
      byte[] buf = new byte[8192];
      boolean ended = false;
      try {
        while (!cancelled) {
          demand.acquire();
          if (cancelled) {
            break;
          }
          int n = in.read(buf);
          if (cancelled) {
            break; // what a read returns after cancel() is not delivered
          }
          if (n < 0) {
            ended = true;
            done.complete(null);
            break;
          }
          consumer.consume(List.of(ByteBuffer.wrap(Arrays.copyOf(buf, n))), this);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        done.completeExceptionally(e);
      } catch (Throwable e) {
        done.completeExceptionally(e); // a no-op after cancel()
      } finally {
        if (!ended) {
          abort();
        }
        closeQuietly(response); // read to its end, the connection goes back to the pool
      }
    }

    @Override
    public CompletableFuture<Void> done() {
      return done;
    }

    /** The thread reading this body, once the first {@code consume()} has started it (tests). */
    Thread reader() {
      return reader;
    }

    @Override
    public void cancel() {
      cancelled = true;
      done.cancel(false);
      abort(); // a read in progress fails at once; the thread then ends
      demand.release();
    }

    /**
     * Closes the connection without reading the rest of the body (closing the response would read a
     * watch to its end, which may be half an hour away).
     */
    private void abort() {
      if (in instanceof EofSensorInputStream e) {
        try {
          e.abort();
        } catch (IOException ignored) {
          // the connection is discarded either way
        }
      }
    }
  }

  /** fabric8's builder for this transport. */
  public static final class Builder
      extends StandardHttpClientBuilder<BlockingHttpClient, BlockingHttpClientFactory, Builder> {

    Builder(BlockingHttpClientFactory factory) {
      super(factory);
    }

    @Override
    protected Builder newInstance(BlockingHttpClientFactory factory) {
      return new Builder(factory);
    }

    @Override
    public BlockingHttpClient build() {
      if (client != null) {
        return new BlockingHttpClient(this, client.http, client.streams, client.getClosed());
      }
      return new BlockingHttpClient(
          this, engine(), java.util.concurrent.ConcurrentHashMap.newKeySet(), new AtomicBoolean());
    }

    private CloseableHttpClient engine() {
      if (tlsServerName != null && !tlsServerName.isEmpty()) {
        // as fabric8's JDK transport: the JDK's TLS names the host it connects to
        LoggerFactory.getLogger(BlockingHttpClient.class)
            .warn("tlsServerName {} is not supported by kubelab's HTTP transport", tlsServerName);
      }
      ConnectionConfig.Builder conn =
          ConnectionConfig.custom().setValidateAfterInactivity(TimeValue.ofSeconds(2));
      if (connectTimeout != null && !connectTimeout.isZero()) {
        conn.setConnectTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
      }
      PoolingHttpClientConnectionManagerBuilder pool =
          PoolingHttpClientConnectionManagerBuilder.create()
              .setMaxConnTotal(MAX_CONNECTIONS)
              .setMaxConnPerRoute(MAX_CONNECTIONS)
              .setDefaultConnectionConfig(conn.build());
      if (sslContext != null) {
        String[] protocols =
            tlsVersions == null
                ? null
                : Arrays.stream(tlsVersions).map(TlsVersion::javaName).toArray(String[]::new);
        pool.setTlsSocketStrategy(
            new DefaultClientTlsStrategy(sslContext, protocols, null, null, null));
      }
      HttpClientBuilder b =
          HttpClientBuilder.create()
              .setConnectionManager(pool.build())
              .disableAutomaticRetries() // fabric8 retries itself, with its own backoff
              .disableCookieManagement()
              .disableAuthCaching()
              .disableContentCompression()
              .disableConnectionState();
      if (!followRedirects) {
        b.disableRedirectHandling();
      }
      if (proxyAddress != null && proxyType != HttpClient.ProxyType.DIRECT) {
        if (proxyType != null && proxyType != HttpClient.ProxyType.HTTP) {
          throw new KubernetesClientException(
              "kubelab's HTTP transport supports HTTP proxies only, not " + proxyType);
        }
        InetSocketAddress a = proxyAddress;
        b.setProxy(new HttpHost(a.getHostString(), a.getPort()));
        // the credentials go on plain HTTP requests only: an https:// request's CONNECT is
        // Apache's, and a header on the request itself would travel inside the tunnel
        addPlainHttpProxyAuthInterceptor(false);
      }
      return b.build();
    }
  }
}
