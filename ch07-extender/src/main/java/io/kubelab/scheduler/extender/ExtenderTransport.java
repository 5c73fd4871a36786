package io.kubelab.scheduler.extender;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.io.DefaultBHttpClientConnection;
import org.apache.hc.core5.http.impl.io.HttpRequestExecutor;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.http.protocol.HttpProcessor;
import org.apache.hc.core5.http.protocol.HttpProcessorBuilder;
import org.apache.hc.core5.http.protocol.RequestConnControl;
import org.apache.hc.core5.http.protocol.RequestContent;
import org.apache.hc.core5.http.protocol.RequestTargetHost;
import org.apache.hc.core5.io.CloseMode;

/**
 * The HTTP/1.1 transport of one {@link HttpExtender}: JSON POSTs to one host over kept-alive
 * connections, each exchange written and read on the caller's thread, under one deadline.
 *
 * <p>Upstream's counterpart is the {@code http.Client{Transport, Timeout}} that {@code
 * NewHTTPExtender} builds: Go's transport keeps up to two idle connections per host ({@code
 * DefaultMaxIdleConnsPerHost}), and {@code Client.Timeout} bounds connecting, writing the request
 * and reading the whole answer. Here HTTP/1.1 framing is Apache HttpCore's (blocking, on the
 * caller's thread: no hand-off to another thread on the way out or back); the deadline is an alarm
 * on a named thread that closes the socket when it passes, which ends a connect, a write the
 * extender never reads and a read it never answers alike. The alarm thread only wakes for calls
 * that are late.
 */
final class ExtenderTransport implements AutoCloseable {

  /** Go's {@code DefaultMaxIdleConnsPerHost}: idle connections kept for the next calls. */
  static final int MAX_IDLE_CONNECTIONS = 2;

  private static final ContentType JSON = ContentType.create("application/json");

  /** Content-Length, Host and keep-alive headers, as Go's client writes them. */
  private static final HttpProcessor REQUEST_HEADERS =
      HttpProcessorBuilder.create()
          .addAll(new RequestContent(), new RequestTargetHost(), new RequestConnControl())
          .build();

  /** An answer of any status, with its body. */
  record Answer(int status, byte[] body) {}

  private final HttpHost target;
  private final InetSocketAddress address;
  private final String host;
  private final SSLSocketFactory tls;
  private final SSLParameters tlsParameters;
  private final long timeoutNanos;
  private final HttpRequestExecutor executor = new HttpRequestExecutor();
  private final Deque<Connection> idle = new ArrayDeque<>();
  private final ScheduledThreadPoolExecutor alarms;
  private final NamedThreads threads;
  private boolean closed;

  ExtenderTransport(URI prefix, ExtenderTls.Settings tlsSettings, long timeoutNanos, String name) {
    boolean https = "https".equalsIgnoreCase(prefix.getScheme());
    int port = prefix.getPort() != -1 ? prefix.getPort() : https ? 443 : 80;
    String h = prefix.getHost();
    this.host = h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
    // The Host header names the URL's host and port as written, without a default port, as Go's
    // client writes it.
    this.target = new HttpHost(https ? "https" : "http", host, prefix.getPort());
    this.address = InetSocketAddress.createUnresolved(host, port);
    if (https) {
      // enableHttps without any TLS settings is insecure (ExtenderTls); plain https:// in a
      // urlPrefix uses the JDK's default trust, as Go's default transport uses the system roots.
      this.tls =
          tlsSettings != null
              ? tlsSettings.context().getSocketFactory()
              : (SSLSocketFactory) SSLSocketFactory.getDefault();
      SSLParameters p = new SSLParameters();
      if (tlsSettings != null) {
        p.setProtocols(tlsSettings.parameters().getProtocols());
        p.setServerNames(tlsSettings.parameters().getServerNames());
      }
      // Check the certificate against the URL's host (a serverName or insecure trust manager
      // decides for itself), as Go's crypto/tls does.
      p.setEndpointIdentificationAlgorithm("HTTPS");
      this.tlsParameters = p;
    } else {
      this.tls = null;
      this.tlsParameters = null;
    }
    this.timeoutNanos = timeoutNanos;
    this.threads = new NamedThreads(name);
    this.alarms = new ScheduledThreadPoolExecutor(1, threads);
    // A call that ends in time takes its alarm out of the queue: the queue stays as long as the
    // calls in flight.
    alarms.setRemoveOnCancelPolicy(true);
  }

  /**
   * POSTs {@code body} as JSON to {@code uri} (on this transport's host) and reads the answer.
   *
   * @throws ExtenderException {@code Post <uri>: ...} in the words of Go's {@code url.Error} when
   *     connecting, writing or reading fails or the deadline passes
   */
  Answer post(URI uri, byte[] body) {
    Alarm alarm = new Alarm();
    ScheduledFuture<?> ring;
    try {
      ring = alarms.schedule(alarm, timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      throw new ExtenderException("Post " + uri + ": the extender's client is closed", e);
    }
    Connection c = null;
    try {
      c = lease(alarm);
      String path = uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      if (uri.getRawQuery() != null) {
        path += "?" + uri.getRawQuery();
      }
      BasicClassicHttpRequest request = new BasicClassicHttpRequest("POST", target, path);
      request.setEntity(new ByteArrayEntity(body, JSON));
      HttpCoreContext context = HttpCoreContext.create();
      executor.preProcess(request, REQUEST_HEADERS, context);
      ClassicHttpResponse response = executor.execute(request, c.http, context);
      HttpEntity entity = response.getEntity();
      byte[] answer = entity == null ? new byte[0] : EntityUtils.toByteArray(entity);
      boolean keepAlive = executor.keepAlive(request, response, c.http, context);
      ring.cancel(false);
      // The whole answer is in: the call is in time even if the alarm rang a moment ago, but then
      // the socket is closed.
      if (alarm.disarm() && keepAlive) {
        release(c);
      } else {
        c.close();
      }
      return new Answer(response.getCode(), answer);
    } catch (IOException | HttpException | RuntimeException e) {
      ring.cancel(false);
      boolean rang = !alarm.disarm();
      if (c != null) {
        c.close();
      }
      throw new ExtenderException("Post " + uri + ": " + describe(e, rang, uri), e);
    }
  }

  private Connection lease(Alarm alarm) throws IOException {
    Connection c;
    while ((c = pollIdle()) != null) {
      if (c.stillOpen()) {
        try {
          alarm.watch(c.raw);
        } catch (SocketTimeoutException e) {
          c.close();
          throw e;
        }
        return c;
      }
      c.close();
    }
    return connect(alarm);
  }

  private synchronized Connection pollIdle() {
    return idle.pollFirst();
  }

  private void release(Connection c) {
    synchronized (this) {
      if (!closed && idle.size() < MAX_IDLE_CONNECTIONS) {
        idle.addFirst(c);
        return;
      }
    }
    c.close();
  }

  private Connection connect(Alarm alarm) throws IOException {
    // A socket with a channel, so that an idle connection can be checked without blocking.
    Socket raw = SocketChannel.open().socket();
    DefaultBHttpClientConnection http = new DefaultBHttpClientConnection(Http1Config.DEFAULT);
    try {
      alarm.watch(raw);
      InetSocketAddress resolved =
          new InetSocketAddress(address.getHostString(), address.getPort());
      raw.connect(resolved);
      // Go's net package sets TCP_NODELAY on every TCP connection.
      raw.setTcpNoDelay(true);
      if (tls != null) {
        SSLSocket s = (SSLSocket) tls.createSocket(raw, host, address.getPort(), true);
        s.setSSLParameters(tlsParameters);
        s.startHandshake();
        http.bind(s, raw);
      } else {
        http.bind(raw);
      }
      return new Connection(raw, http);
    } catch (IOException | RuntimeException e) {
      http.close(CloseMode.IMMEDIATE);
      raw.close();
      throw e;
    }
  }

  private static String describe(Exception e, boolean rang, URI uri) {
    if (rang) {
      return "net/http: request canceled (Client.Timeout exceeded while awaiting headers)";
    }
    if (e instanceof ConnectException) {
      int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
      return "dial tcp " + uri.getHost() + ":" + port + ": connect: connection refused";
    }
    String message = e.getMessage();
    return message == null || message.isEmpty()
        ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + ": " + message;
  }

  /** Closes the idle connections and stops and joins the alarm thread; calls after this fail. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    Connection c;
    while ((c = pollIdle()) != null) {
      c.close();
    }
    alarms.shutdownNow();
    try {
      if (alarms.awaitTermination(5, TimeUnit.SECONDS)) {
        threads.join(5_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A connection: the TCP socket and HttpCore's HTTP/1.1 framing on it (through TLS or not). */
  private record Connection(Socket raw, DefaultBHttpClientConnection http) {

    /**
     * An idle kept-alive connection can be reused when nothing arrived on it: a server that closed
     * it has sent its end of stream (and over TLS a close_notify), which a read that does not block
     * sees. Go's transport notices the same with a goroutine reading each idle connection.
     */
    boolean stillOpen() {
      SocketChannel channel = raw.getChannel();
      try {
        synchronized (channel.blockingLock()) {
          channel.configureBlocking(false);
          try {
            return channel.read(ByteBuffer.allocate(1)) == 0;
          } finally {
            channel.configureBlocking(true);
          }
        }
      } catch (IOException e) {
        return false;
      }
    }

    void close() {
      http.close(CloseMode.IMMEDIATE);
      try {
        raw.close();
      } catch (IOException e) {
        // already closed by the peer or by the alarm
      }
    }
  }

  /** Closes the watched socket when a call's deadline passes, unless the call ended before. */
  private static final class Alarm implements Runnable {
    private Socket watched;
    private boolean rang;
    private boolean done;

    synchronized void watch(Socket socket) throws SocketTimeoutException {
      if (rang) {
        throw new SocketTimeoutException("deadline passed");
      }
      watched = socket;
    }

    @Override
    public synchronized void run() {
      if (!done) {
        rang = true;
        if (watched != null) {
          try {
            watched.close();
          } catch (IOException e) {
            // closing is all that is asked
          }
        }
      }
    }

    /** Ends the watch; false when the alarm has already rung. */
    synchronized boolean disarm() {
      done = true;
      return !rang;
    }
  }
}
