package io.kubelab.scheduler.extender;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.kubelab.scheduler.extender.v1.ExtenderArgs;
import io.kubelab.scheduler.extender.v1.ExtenderBindingArgs;
import io.kubelab.scheduler.extender.v1.ExtenderBindingResult;
import io.kubelab.scheduler.extender.v1.ExtenderFilterResult;
import io.kubelab.scheduler.extender.v1.ExtenderJson;
import io.kubelab.scheduler.extender.v1.ExtenderPreemptionArgs;
import io.kubelab.scheduler.extender.v1.ExtenderPreemptionResult;
import io.kubelab.scheduler.extender.v1.HostPriorityList;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

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
 * listens on the loopback interface unless told otherwise, over HTTP or, with {@link Builder#tls},
 * HTTPS. Connections are kept alive; handlers run on a pool of named threads ({@code
 * extender-server-<port>-<n>}), so they may be called concurrently. {@link #close()} stops the
 * server and joins its threads.
 *
 * <p>Upstream counterpart: none in kubernetes/kubernetes; the extenders written for it (such as the
 * example in {@code test/integration/scheduler/extender_test.go}) decode {@code ExtenderArgs} and
 * encode the results with {@code encoding/json} in a {@code net/http} handler, as this does.
 */
public final class ExtenderServer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ExtenderServer.class.getName());

  static {
    // The JDK's server writes an answer's headers and body as two TCP segments. With Nagle's
    // algorithm on, the body waits for the client's delayed ACK of the headers (up to 40 ms on
    // Linux) on every kept-alive connection. The server reads this once per JVM, when its first
    // instance is made; a value set on the command line wins.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  /** One verb's work: the decoded request in, the answer out. */
  @FunctionalInterface
  public interface Handler<A, R> {
    R handle(A args) throws Exception;
  }

  private record Route(Class<?> argsType, Handler<Object, Object> handler) {}

  private final HttpServer server;
  private final ExecutorService executor;
  private final NamedThreads threads;
  private final URI urlPrefix;

  private ExtenderServer(Builder b) throws IOException {
    ExtenderJson.warmUp();
    InetSocketAddress address =
        b.address != null ? b.address : new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    if (b.tls != null) {
      HttpsServer https = HttpsServer.create(address, 0);
      boolean needClientAuth = b.needClientAuth;
      https.setHttpsConfigurator(
          new HttpsConfigurator(b.tls) {
            @Override
            public void configure(HttpsParameters params) {
              SSLParameters p = getSSLContext().getDefaultSSLParameters();
              p.setNeedClientAuth(needClientAuth);
              params.setSSLParameters(p);
            }
          });
      this.server = https;
    } else {
      this.server = HttpServer.create(address, 0);
    }
    int port = server.getAddress().getPort();
    this.threads = new NamedThreads("extender-server-" + port + "-");
    this.executor = Executors.newFixedThreadPool(b.threads, threads);
    server.setExecutor(executor);
    Map<String, Route> routes = Map.copyOf(b.routes);
    String prefix = b.prefix;
    server.createContext(
        prefix.isEmpty() ? "/" : prefix, exchange -> serve(exchange, prefix, routes));
    String host = server.getAddress().getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    this.urlPrefix =
        URI.create((b.tls != null ? "https" : "http") + "://" + host + ":" + port + prefix);
    server.start();
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
    return server.getAddress().getPort();
  }

  private static void serve(HttpExchange exchange, String prefix, Map<String, Route> routes)
      throws IOException {
    try (exchange;
        InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readAllBytes();
      String path = exchange.getRequestURI().getPath();
      Route route =
          path.startsWith(prefix + "/") ? routes.get(path.substring(prefix.length() + 1)) : null;
      if (route == null) {
        reply(
            exchange,
            404,
            "text/plain",
            ("no extender verb at " + path).getBytes(StandardCharsets.UTF_8));
        return;
      }
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "POST");
        reply(exchange, 405, "text/plain", "only POST".getBytes(StandardCharsets.UTF_8));
        return;
      }
      Object args;
      try {
        args = ExtenderJson.decode(body, route.argsType());
      } catch (ExtenderJson.MalformedMessageException e) {
        reply(exchange, 400, "text/plain", e.getMessage().getBytes(StandardCharsets.UTF_8));
        return;
      }
      Object result;
      try {
        result = route.handler().handle(args);
        if (result == null) {
          throw new IllegalStateException("the handler returned no result");
        }
      } catch (Exception e) {
        LOG.log(Level.WARNING, "extender handler for " + path + " failed", e);
        String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
        reply(exchange, 500, "text/plain", message.getBytes(StandardCharsets.UTF_8));
        return;
      }
      reply(exchange, 200, "application/json", ExtenderJson.encode(result));
    }
  }

  private static void reply(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** Stops listening, closes the connections and joins the handler threads (at most 5 s). */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      if (executor.awaitTermination(5, TimeUnit.SECONDS)) {
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

    /** How many requests may be handled at once; 4 by default. */
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
