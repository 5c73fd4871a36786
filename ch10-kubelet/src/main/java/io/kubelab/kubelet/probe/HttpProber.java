package io.kubelab.kubelet.probe;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.io.DefaultBHttpClientConnection;
import org.apache.hc.core5.http.impl.io.HttpRequestExecutor;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.http.protocol.HttpCoreContext;

/**
 * HTTP GET probe.
 *
 * <p>Upstream: {@code pkg/probe/http/http.go} ({@code New(followNonLocalRedirects)}, {@code
 * DoHTTPProbe}, {@code redirectChecker}) over Go's {@code net/http} client. The rules:
 *
 * <ul>
 *   <li>200–299 is success, 300–399 a warning (success with an event), anything else failure with
 *       output {@code HTTP probe failed with statuscode: N}.
 *   <li>A connection error or timeout is a failure whose output is the error text, not an error; so
 *       is a 301, 302 or 303 without a {@code Location} ({@code 302 response missing Location
 *       header}), while a 307 or 308 without one is simply the answer (a warning).
 *   <li>Redirects to the same host name are followed; at most 10 requests are sent, so the tenth
 *       redirect fails ({@code stopped after 10 redirects}). A redirect to another host name is not
 *       followed when {@code followNonLocalRedirects} is false (the kubelet's setting): the 3xx
 *       itself is the answer, hence a warning.
 *   <li>A {@code Host} header sets the request's host ({@code req.Host}), and survives a redirect
 *       to a location without a scheme, as in Go; other headers are sent as given, repeated ones
 *       all. {@code User-Agent: kube-probe/1.18} unless the probe sets its own; {@code
 *       Accept-Encoding: gzip} (and transparent decompression) unless it sets that; {@code
 *       Connection: close}; a {@code Referer} on redirects.
 *   <li>No proxy, TLS without certificate verification, one deadline for the whole exchange.
 *   <li>At most {@value #MAX_READ_LENGTH} bytes of the body are read, and that is the output. A
 *       body that breaks off for another reason makes the probe an error.
 * </ul>
 *
 * <p>HTTP/1.1 framing (status line, headers, chunked and length-delimited bodies) is Apache
 * HttpCore's; connecting, TLS, redirects and the rules above are ours. Real I/O, so real time: the
 * deadline is measured with {@link System#nanoTime()}. Go's error texts are not reproduced for
 * network errors: they read {@code Get http://…: ConnectException: Connection refused}.
 */
public final class HttpProber {

  /** Upstream {@code maxRespBodyLength}: 10 KiB. */
  public static final int MAX_READ_LENGTH = 10 * 1024;

  /** Go's {@code http.Client} sends at most this many requests for one probe. */
  static final int MAX_REQUESTS = 10;

  /** Upstream sets {@code kube-probe/<major>.<minor>} of the kubelet's version. */
  public static final String USER_AGENT = "kube-probe/1.18";

  private final boolean followNonLocalRedirects;
  private final HttpRequestExecutor executor = new HttpRequestExecutor();

  public HttpProber(boolean followNonLocalRedirects) {
    this.followNonLocalRedirects = followNonLocalRedirects;
  }

  /** Built on first use: creating a TLS context is slow, and most probes never need one. */
  private static final class InsecureTls {
    static final SSLSocketFactory FACTORY = insecureSocketFactory();
  }

  /**
   * Probes {@code url} with {@code headers} (Go's {@code http.Header}: canonical names; repeated
   * values are all sent).
   */
  public ProbeOutcome probe(ProbeUrl url, Map<String, List<String>> headers, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String userHost = first(headers, "Host");
    ProbeUrl current = url;
    String hostHeader = userHost;
    String referer = null;
    int sent = 0;
    while (true) {
      if (!current.opaque().isEmpty() || current.hostPort().isEmpty()) {
        return ProbeOutcome.of(
            ProbeResult.FAILURE, "Get " + current + ": http: no Host in request URL");
      }
      if (!current.scheme().equals("http") && !current.scheme().equals("https")) {
        return ProbeOutcome.of(
            ProbeResult.FAILURE,
            "Get " + current + ": unsupported protocol scheme \"" + current.scheme() + "\"");
      }
      Response r;
      try {
        r = exchange(current, headers, hostHeader, referer, deadline);
      } catch (IOException | HttpException | RuntimeException e) {
        return ProbeOutcome.of(ProbeResult.FAILURE, "Get " + current + ": " + describe(e));
      }
      sent++;
      if (r.error != null) {
        // utilio.ReadAtMost failed for another reason than the limit: the probe could not run.
        return new ProbeOutcome(ProbeResult.UNKNOWN, "", r.error);
      }
      int code = r.code;
      if (code == 301 || code == 302 || code == 303 || code == 307 || code == 308) {
        if (r.location == null) {
          if (code == 307 || code == 308) {
            return classify(code, r.body); // Go stops here without an error
          }
          return ProbeOutcome.of(
              ProbeResult.FAILURE,
              "Get " + current + ": " + code + " response missing Location header");
        }
        ProbeUrl next = current.resolve(r.location);
        if (next == null) {
          return ProbeOutcome.of(
              ProbeResult.FAILURE,
              "Get "
                  + current
                  + ": failed to parse Location header \""
                  + r.location
                  + "\": invalid URL");
        }
        if (!followNonLocalRedirects && !next.hostname().equals(url.hostname())) {
          return classify(code, r.body); // http.ErrUseLastResponse
        }
        if (sent >= MAX_REQUESTS) {
          return ProbeOutcome.of(
              ProbeResult.FAILURE, "Get " + r.location + ": stopped after 10 redirects");
        }
        // Go's Client.do: the request's own Host, when it differs from its URL's host, is kept
        // through a Location without a scheme (!u.IsAbs(), "//host/x" included); after any other
        // redirect the new URL's host is the Host line again.
        hostHeader =
            hostHeader != null
                    && !hostHeader.equals(current.hostPort())
                    && !ProbeUrl.isAbsolute(r.location)
                ? hostHeader
                : null;
        referer =
            current.scheme().equals("https") && next.scheme().equals("http")
                ? null
                : current.toString().replaceAll("#.*$", "");
        current = next;
        continue;
      }
      return classify(code, r.body);
    }
  }

  private record Response(int code, String location, String body, Exception error) {}

  private Response exchange(
      ProbeUrl url,
      Map<String, List<String>> headers,
      String hostHeader,
      String referer,
      long deadline)
      throws IOException, HttpException {
    String hostname = url.hostname();
    // Go dials ":port" as the local system; an empty host name resolves to the loopback address.
    InetSocketAddress address = new InetSocketAddress(hostname, url.port());
    try (Socket socket = new Socket(Proxy.NO_PROXY);
        DefaultBHttpClientConnection conn = new DefaultBHttpClientConnection(Http1Config.DEFAULT)) {
      socket.connect(address, remainingMillis(deadline));
      socket.setSoTimeout(remainingMillis(deadline));
      if (url.scheme().equals("https")) {
        SSLSocket tls =
            (SSLSocket) InsecureTls.FACTORY.createSocket(socket, hostname, url.port(), true);
        tls.startHandshake();
        conn.bind(tls, socket);
      } else {
        conn.bind(socket);
      }
      BasicClassicHttpRequest request = new BasicClassicHttpRequest("GET", url.requestUri());
      request.addHeader("Host", hostHeader != null ? hostHeader : url.hostPort());
      // Names are matched exactly, as Go's map lookups of canonical keys do: a header written
      // "host" is sent as an ordinary header and does not set the request's host.
      boolean userAgent = headers.containsKey("User-Agent");
      for (Map.Entry<String, List<String>> h : headers.entrySet()) {
        String name = h.getKey();
        if (name.equals("Host")) {
          continue; // Go never writes Header["Host"]; req.Host is the Host line
        }
        for (String v : h.getValue()) {
          request.addHeader(name, v);
        }
      }
      if (!userAgent) {
        request.addHeader("User-Agent", USER_AGENT);
      }
      if (referer != null) {
        request.setHeader("Referer", referer);
      }
      boolean gzip = empty(headers, "Accept-Encoding") && empty(headers, "Range");
      if (gzip) {
        request.addHeader("Accept-Encoding", "gzip");
      }
      request.addHeader("Connection", "close");
      try (ClassicHttpResponse response =
          executor.execute(request, conn, HttpCoreContext.create())) {
        Header location = response.getFirstHeader("Location");
        String body = "";
        Exception error = null;
        try {
          body = readBody(response, gzip);
        } catch (IOException e) {
          error = e;
        }
        return new Response(
            response.getCode(), location == null ? null : location.getValue(), body, error);
      }
    }
  }

  private static String readBody(ClassicHttpResponse response, boolean decompress)
      throws IOException {
    HttpEntity entity = response.getEntity();
    if (entity == null) {
      return "";
    }
    try (InputStream raw = entity.getContent()) {
      InputStream in =
          decompress && "gzip".equalsIgnoreCase(entity.getContentEncoding())
              ? new GZIPInputStream(raw)
              : raw;
      // A truncated read is fine: the body is only output for events.
      return new String(in.readNBytes(MAX_READ_LENGTH), StandardCharsets.UTF_8);
    }
  }

  private static ProbeOutcome classify(int code, String body) {
    if (code >= 200 && code < 400) {
      return ProbeOutcome.of(code >= 300 ? ProbeResult.WARNING : ProbeResult.SUCCESS, body);
    }
    return ProbeOutcome.of(ProbeResult.FAILURE, "HTTP probe failed with statuscode: " + code);
  }

  /** Go's {@code headers.Get(name)} for a canonical name; null when absent or empty. */
  private static String first(Map<String, List<String>> headers, String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() || values.get(0).isEmpty() ? null : values.get(0);
  }

  private static boolean empty(Map<String, List<String>> headers, String name) {
    return first(headers, name) == null;
  }

  private static String describe(Exception e) {
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  private static int remainingMillis(long deadline) throws IOException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new IOException("Client.Timeout exceeded while awaiting headers");
    }
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000L));
  }

  private static SSLSocketFactory insecureSocketFactory() {
    // Upstream sets InsecureSkipVerify: probes check liveness, not identity.
    TrustManager trustAll =
        new X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {trustAll}, null);
      return ctx.getSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create the probe TLS context", e);
    }
  }
}
