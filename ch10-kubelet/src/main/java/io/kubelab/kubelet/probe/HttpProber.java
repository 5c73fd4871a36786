package io.kubelab.kubelet.probe;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * HTTP GET probe.
 *
 * <p>Upstream: {@code pkg/probe/http/http.go} ({@code New(followNonLocalRedirects)}, {@code
 * DoHTTPProbe}, {@code redirectChecker}). The rules:
 *
 * <ul>
 *   <li>200–299 is success, 300–399 a warning (success with an event), anything else failure with
 *       output {@code HTTP probe failed with statuscode: N}.
 *   <li>A connection error or timeout is a failure whose output is the error text, not an error.
 *   <li>Redirects to the same host are followed, at most 10; the eleventh is a failure ("stopped
 *       after 10 redirects"). A redirect to another host is not followed when {@code
 *       followNonLocalRedirects} is false (the kubelet's setting): the 3xx itself is the answer,
 *       hence a warning.
 *   <li>No proxy, no keep-alive (each connection is closed after use), TLS without certificate
 *       verification, one timeout for the whole exchange including redirects.
 *   <li>{@code User-Agent: kube-probe/1.18} unless the probe sets its own.
 *   <li>At most {@value #MAX_READ_LENGTH} bytes of the body are read, and that is the output.
 * </ul>
 *
 * <p>Real I/O, so real time: the timeout is measured with {@link System#nanoTime()}.
 */
public final class HttpProber {

  /** Upstream {@code maxRespBodyLength}: 10 KiB. */
  public static final int MAX_READ_LENGTH = 10 * 1024;

  /** Go's http.Client gives up after 10 redirects. */
  static final int MAX_REDIRECTS = 10;

  /** Upstream sets {@code kube-probe/<major>.<minor>} of the kubelet's version. */
  public static final String USER_AGENT = "kube-probe/1.18";

  private final boolean followNonLocalRedirects;
  private final SSLSocketFactory insecureTls;

  public HttpProber(boolean followNonLocalRedirects) {
    this.followNonLocalRedirects = followNonLocalRedirects;
    this.insecureTls = insecureSocketFactory();
  }

  /**
   * Probes {@code url} with {@code headers} (repeated values are all sent).
   *
   * @return an error outcome only for a request that cannot be built; network trouble is a failure
   */
  public ProbeOutcome probe(URI url, Map<String, List<String>> headers, Duration timeout) {
    for (String name : headers.keySet()) {
      if (name.equalsIgnoreCase("Host")) {
        // The JDK's HttpURLConnection silently drops a Host header; refusing is better than
        // probing a different virtual host than the user asked for.
        return ProbeOutcome.error(
            new IllegalArgumentException(
                "HTTP probe of " + url + ": a \"Host\" header is not supported by this prober"));
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    URI current = url;
    String firstHost = url.getHost();
    int redirects = 0;
    while (true) {
      HttpURLConnection conn = null;
      try {
        conn = open(current, headers, remaining(deadline));
        int code = conn.getResponseCode();
        String location = conn.getHeaderField("Location");
        if (isRedirect(code) && location != null) {
          URI next = current.resolve(location);
          if (!followNonLocalRedirects && !sameHost(firstHost, next.getHost())) {
            // Go's ErrUseLastResponse: the redirect response itself is the result.
            return classify(code, readBody(conn));
          }
          if (redirects >= MAX_REDIRECTS) {
            return ProbeOutcome.of(
                ProbeResult.FAILURE, "Get \"" + next + "\": stopped after 10 redirects");
          }
          redirects++;
          current = next;
          continue;
        }
        return classify(code, readBody(conn));
      } catch (IOException | IllegalArgumentException e) {
        return ProbeOutcome.of(
            ProbeResult.FAILURE,
            "Get \"" + current + "\": " + e.getClass().getSimpleName() + ": " + e.getMessage());
      } finally {
        if (conn != null) {
          // Closes the socket instead of returning it to the keep-alive cache.
          conn.disconnect();
        }
      }
    }
  }

  private static ProbeOutcome classify(int code, String body) {
    if (code >= 200 && code < 400) {
      return ProbeOutcome.of(code >= 300 ? ProbeResult.WARNING : ProbeResult.SUCCESS, body);
    }
    return ProbeOutcome.of(ProbeResult.FAILURE, "HTTP probe failed with statuscode: " + code);
  }

  private static boolean isRedirect(int code) {
    return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
  }

  private static boolean sameHost(String a, String b) {
    return a != null && b != null && a.toLowerCase(Locale.ROOT).equals(b.toLowerCase(Locale.ROOT));
  }

  private HttpURLConnection open(URI uri, Map<String, List<String>> headers, int timeoutMillis)
      throws IOException {
    URL url;
    try {
      url =
          new URI(uri.getScheme(), uri.getRawAuthority(), uri.getRawPath(), uri.getRawQuery(), null)
              .toURL();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    HttpURLConnection conn = (HttpURLConnection) url.openConnection(Proxy.NO_PROXY);
    if (conn instanceof HttpsURLConnection https) {
      https.setSSLSocketFactory(insecureTls);
      https.setHostnameVerifier((host, session) -> true);
    }
    conn.setInstanceFollowRedirects(false);
    conn.setUseCaches(false);
    conn.setConnectTimeout(timeoutMillis);
    conn.setReadTimeout(timeoutMillis);
    conn.setRequestMethod("GET");
    boolean userAgentSet = false;
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      userAgentSet |= h.getKey().equalsIgnoreCase("User-Agent");
      for (String v : h.getValue()) {
        conn.addRequestProperty(h.getKey(), v);
      }
    }
    if (!userAgentSet) {
      conn.setRequestProperty("User-Agent", USER_AGENT);
    }
    return conn;
  }

  private static String readBody(HttpURLConnection conn) throws IOException {
    InputStream in = conn.getResponseCode() >= 400 ? conn.getErrorStream() : conn.getInputStream();
    if (in == null) {
      return "";
    }
    try (in) {
      // A truncated read is fine: the body is only output for events.
      return new String(in.readNBytes(MAX_READ_LENGTH), StandardCharsets.UTF_8);
    }
  }

  private static int remaining(long deadline) throws IOException {
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
