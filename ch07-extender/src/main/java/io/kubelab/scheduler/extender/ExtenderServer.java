package io.kubelab.scheduler.extender;

import io.kubelab.scheduler.extender.v1.ExtenderArgs;
import io.kubelab.scheduler.extender.v1.ExtenderBindingArgs;
import io.kubelab.scheduler.extender.v1.ExtenderBindingResult;
import io.kubelab.scheduler.extender.v1.ExtenderFilterResult;
import io.kubelab.scheduler.extender.v1.ExtenderJson;
import io.kubelab.scheduler.extender.v1.ExtenderPreemptionArgs;
import io.kubelab.scheduler.extender.v1.ExtenderPreemptionResult;
import io.kubelab.scheduler.extender.v1.HostPriorityList;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.io.DefaultBHttpServerConnection;
import org.apache.hc.core5.http.impl.io.HttpService;
import org.apache.hc.core5.http.io.HttpServerRequestHandler;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.message.BasicClassicHttpResponse;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.http.protocol.HttpProcessorBuilder;
import org.apache.hc.core5.http.protocol.ResponseConnControl;
import org.apache.hc.core5.http.protocol.ResponseContent;
import org.apache.hc.core5.http.protocol.ResponseDate;
import org.apache.hc.core5.io.CloseMode;

/**
 * A small library for writing an extender: register a handler per verb, start, and point a
 * scheduler's Policy at {@link #urlPrefix()}. It speaks the wire format of a v1.17/v1.18
 * kube-scheduler ({@link ExtenderJson}), so it serves upstream's scheduler as well as kubelab's.
 *
 * <pre>{@code
 * try (ExtenderServer server =
 *     ExtenderServer.builder()
 *         .prefix("/gpu")
 *         .filter("filter", args -> new ExtenderFilterResult(args.nodes(), null, Map.of(), ""))
 *         .start()) {
 *   // Policy: {"urlPrefix": server.urlPrefix(), "filterVerb": "filter"}
 * }
 * }</pre>
 *
 * <p>Each verb answers {@code POST <prefix>/<verb>} with JSON and status 200; another method is
 * 405, an unknown path 404, a body that is not the verb's message 400, and a handler that throws
 * 500 (the scheduler then reports {@code Failed <verb> with extender at URL <url>, code 500}). It
 * listens on the loopback interface unless told otherwise, over HTTP/1.1 or, with {@link
 * Builder#tls}, HTTPS. Connections are kept alive. Each connection has its own named thread ({@code
 * extender-server-<port>-<n>}) that reads a request, runs the handler and writes the answer, as
 * Go's {@code net/http} serves each connection on its own goroutine: no hand-off between reading
 * and handling. Handlers may thus be called concurrently, at most {@link Builder#threads} at once.
 * Another thread ({@code extender-server-<port>-accept}) accepts connections. {@link #close()}
 * stops the server, closes the connections and joins its threads.
 *
 * <p>Upstream counterpart: none in kubernetes/kubernetes; the extenders written for it (such as the
 * example in {@code test/integration/scheduler/extender_test.go}) decode {@code ExtenderArgs} and
 * encode the results with {@code encoding/json} in a {@code net/http} handler, as this does.
 */
public final class ExtenderServer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ExtenderServer.class.getName());

  private static final ContentType JSON = ContentType.create("application/json");
  private static final ContentType TEXT = ContentType.create("text/plain");

  /** One verb's work: the decoded request in, the answer out. */
  @FunctionalInterface
  public interface Handler<A, R> {
    R handle(A args) throws Exception;
  }

  private record Route(Class<?> argsType, Handler<Object, Object> handler) {}

  private final ServerSocket listener;
  private final String scheme;
  private final HttpService http;
  private final String prefix;
  private final Map<String, Route> routes;
  private final Semaphore handling;
  private final ExecutorService connections;
  private final NamedThreads threads;
  private final Thread acceptor;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong accepted = new AtomicLong();
  private final URI urlPrefix;
  private volatile boolean closing;

  private ExtenderServer(Builder b) throws IOException {
    ExtenderJson.warmUp();
    InetSocketAddress address =
        b.address != null ? b.address : new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    if (b.tls != null) {
      SSLServerSocket tls = (SSLServerSocket) b.tls.getServerSocketFactory().createServerSocket();
      tls.setNeedClientAuth(b.needClientAuth);
      this.listener = tls;
      this.scheme = "https";
    } else {
      this.listener = new ServerSocket();
      this.scheme = "http";
    }
    try {
      listener.bind(address);
    } catch (IOException e) {
      listener.close();
      throw e;
    }
    this.prefix = b.prefix;
    this.routes = Map.copyOf(b.routes);
    this.handling = new Semaphore(b.threads);
    this.http =
        HttpService.builder()
            .withHttpProcessor(
                HttpProcessorBuilder.create()
                    .addAll(new ResponseDate(), new ResponseContent(), new ResponseConnControl())
                    .build())
            .withHttpServerRequestHandler(this::handle)
            .build();
    int port = listener.getLocalPort();
    this.threads = new NamedThreads("extender-server-" + port + "-");
    this.connections = Executors.newCachedThreadPool(threads);
    String host = listener.getInetAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    this.urlPrefix = URI.create(scheme + "://" + host + ":" + port + prefix);
    this.acceptor = new Thread(this::accept, "extender-server-" + port + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A builder for a server on the loopback interface, on a free port. */
  public static Builder builder() {
    return new Builder();
  }

  /** What a Policy's {@code urlPrefix} should say: scheme, host, port and prefix. */
  public URI urlPrefix() {
    return urlPrefix;
  }

  /** The port the server listens on. */
  public int port() {
    return listener.getLocalPort();
  }

  /** How many connections this server has accepted: kept-alive calls share one. */
  long connectionsAccepted() {
    return accepted.get();
  }

  private void accept() {
    while (!closing) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        if (!closing) {
          LOG.log(Level.WARNING, "extender server " + urlPrefix + ": accept failed", e);
        }
        return;
      }
      accepted.incrementAndGet();
      open.add(socket);
      // close() stops the pool only after this thread has ended.
      connections.execute(() -> serve(socket));
    }
  }

  /** One connection, one request after another until either side closes it. */
  private void serve(Socket socket) {
    DefaultBHttpServerConnection conn =
        new DefaultBHttpServerConnection(scheme, Http1Config.DEFAULT);
    try {
      socket.setTcpNoDelay(true);
      conn.bind(socket);
      while (!closing && conn.isOpen()) {
        http.handleRequest(conn, HttpCoreContext.create());
      }
    } catch (ConnectionClosedException e) {
      // the client closed its kept-alive connection
    } catch (IOException | HttpException e) {
      if (!closing) {
        LOG.log(Level.FINE, "extender server " + urlPrefix + ": connection failed", e);
      }
    } finally {
      conn.close(CloseMode.IMMEDIATE);
      close(socket);
    }
  }

  private void handle(
      ClassicHttpRequest request,
      HttpServerRequestHandler.ResponseTrigger trigger,
      HttpContext context)
      throws HttpException, IOException {
    HttpEntity entity = request.getEntity();
    byte[] body = entity == null ? new byte[0] : EntityUtils.toByteArray(entity);
    String path = request.getPath();
    int query = path.indexOf('?');
    if (query >= 0) {
      path = path.substring(0, query);
    }
    Route route =
        path.startsWith(prefix + "/") ? routes.get(path.substring(prefix.length() + 1)) : null;
    if (route == null) {
      trigger.submitResponse(reply(404, TEXT, "no extender verb at " + path));
      return;
    }
    if (!"POST".equals(request.getMethod())) {
      ClassicHttpResponse r = reply(405, TEXT, "only POST");
      r.setHeader("Allow", "POST");
      trigger.submitResponse(r);
      return;
    }
    Object args;
    try {
      args = ExtenderJson.decode(body, route.argsType());
    } catch (ExtenderJson.MalformedMessageException e) {
      trigger.submitResponse(reply(400, TEXT, e.getMessage()));
      return;
    }
    trigger.submitResponse(run(route, args, path));
  }

  private ClassicHttpResponse run(Route route, Object args, String path) {
    try {
      handling.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return reply(503, TEXT, "the extender server is stopping");
    }
    try {
      Object result = route.handler().handle(args);
      if (result == null) {
        throw new IllegalStateException("the handler returned no result");
      }
      return reply(200, JSON, ExtenderJson.encode(result));
    } catch (Exception e) {
      LOG.log(Level.WARNING, "extender handler for " + path + " failed", e);
      String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
      return reply(500, TEXT, message);
    } finally {
      handling.release();
    }
  }

  private static ClassicHttpResponse reply(int status, ContentType type, String body) {
    return reply(status, type, body.getBytes(StandardCharsets.UTF_8));
  }

  private static ClassicHttpResponse reply(int status, ContentType type, byte[] body) {
    ClassicHttpResponse r = new BasicClassicHttpResponse(status);
    r.setEntity(new ByteArrayEntity(body, type));
    return r;
  }

  private void close(Socket socket) {
    open.remove(socket);
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  /**
   * Stops listening, closes the connections (a handler still running finishes, its answer is lost)
   * and joins the server's threads (at most 5 s).
   */
  @Override
  public void close() {
    closing = true;
    try {
      listener.close();
    } catch (IOException e) {
      LOG.log(Level.FINE, "extender server " + urlPrefix + ": closing the listener failed", e);
    }
    try {
      acceptor.join(5_000);
      for (Socket s : open) {
        close(s);
      }
      connections.shutdownNow();
      if (connections.awaitTermination(5, TimeUnit.SECONDS)) {
        threads.join(5_000);
      } else {
        LOG.warning("extender server " + urlPrefix + ": handler threads still running after 5 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "ExtenderServer[" + urlPrefix + "]";
  }

  /** Configures an {@link ExtenderServer}. */
  public static final class Builder {
    private final Map<String, Route> routes = new LinkedHashMap<>();
    private String prefix = "";
    private InetSocketAddress address;
    private int threads = 4;
    private SSLContext tls;
    private boolean needClientAuth;

    private Builder() {}

    /** The path before the verbs, such as {@code /gpu}; empty (the default) for none. */
    public Builder prefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      String p = prefix;
      while (p.endsWith("/")) {
        p = p.substring(0, p.length() - 1);
      }
      if (!p.isEmpty() && !p.startsWith("/")) {
        throw new IllegalArgumentException("prefix must start with /, got " + prefix);
      }
      this.prefix = p;
      return this;
    }

    /** Answers the filter verb: {@code ExtenderArgs} in, {@code ExtenderFilterResult} out. */
    public Builder filter(String verb, Handler<ExtenderArgs, ExtenderFilterResult> handler) {
      return route(verb, ExtenderArgs.class, handler);
    }

    /** Answers the prioritize verb: {@code ExtenderArgs} in, {@code HostPriorityList} out. */
    public Builder prioritize(String verb, Handler<ExtenderArgs, HostPriorityList> handler) {
      return route(verb, ExtenderArgs.class, handler);
    }

    /** Answers the bind verb: {@code ExtenderBindingArgs} in, {@code ExtenderBindingResult} out. */
    public Builder bind(String verb, Handler<ExtenderBindingArgs, ExtenderBindingResult> handler) {
      return route(verb, ExtenderBindingArgs.class, handler);
    }

    /**
     * Answers the preempt verb: {@code ExtenderPreemptionArgs} in, {@code ExtenderPreemptionResult}
     * out.
     */
    public Builder preempt(
        String verb, Handler<ExtenderPreemptionArgs, ExtenderPreemptionResult> handler) {
      return route(verb, ExtenderPreemptionArgs.class, handler);
    }

    @SuppressWarnings("unchecked")
    private <A, R> Builder route(String verb, Class<A> type, Handler<A, R> handler) {
      Objects.requireNonNull(handler, "handler");
      if (verb == null || verb.isEmpty() || verb.contains("/")) {
        throw new IllegalArgumentException("a verb is one non-empty path segment, got " + verb);
      }
      if (routes.containsKey(verb)) {
        throw new IllegalArgumentException("verb " + verb + " is already registered");
      }
      routes.put(verb, new Route(type, (Handler<Object, Object>) (Handler<?, ?>) handler));
      return this;
    }

    /** Where to listen; the loopback interface on a free port by default. */
    public Builder address(InetSocketAddress address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /** How many handlers may run at once (over all connections); 4 by default. */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be >= 1, got " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * Serves HTTPS with {@code context}; with {@code needClientAuth}, clients must show a
     * certificate the context trusts.
     */
    public Builder tls(SSLContext context, boolean needClientAuth) {
      this.tls = Objects.requireNonNull(context, "context");
      this.needClientAuth = needClientAuth;
      return this;
    }

    /**
     * Serves HTTPS with a PEM certificate chain and private key; with {@code clientCaPem}, clients
     * must show a certificate signed by one of those CAs.
     *
     * @throws IllegalArgumentException when the PEM data does not parse
     */
    public Builder tls(byte[] certPem, byte[] keyPem, byte[] clientCaPem) {
      return tls(ExtenderTls.serverContext(certPem, keyPem, clientCaPem), clientCaPem != null);
    }

    /**
     * Binds and starts serving.
     *
     * @throws IllegalStateException when no verb is registered
     * @throws UncheckedIOException when the address cannot be bound
     */
    public ExtenderServer start() {
      if (routes.isEmpty()) {
        throw new IllegalStateException("an extender server needs at least one verb");
      }
      try {
        return new ExtenderServer(this);
      } catch (IOException e) {
        throw new UncheckedIOException("extender server: cannot listen: " + e.getMessage(), e);
      }
    }
  }
}
