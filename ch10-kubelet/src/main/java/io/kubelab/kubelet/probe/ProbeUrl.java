package io.kubelab.kubelet.probe;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The URL of an HTTP probe, built as the kubelet builds it and printed and requested as Go's {@code
 * net/url} would.
 *
 * <p>Upstream: {@code pkg/kubelet/prober/prober.go} ({@code formatURL}: {@code url.Parse(path)},
 * falling back to a URL whose whole path is {@code path} when that fails, then the probe's scheme
 * and {@code host:port} replace whatever the path held), and Go's {@code url.URL.String} and {@code
 * RequestURI}. So a relative path ({@code healthz}) is requested as {@code /healthz}, a query is
 * kept verbatim, a fragment is printed but not sent, a host inside the path ({@code //other/x}) is
 * replaced, and characters a path may not hold are escaped ({@code /a b} becomes {@code /a%20b}; a
 * malformed escape such as {@code %zz} makes the whole string a path: {@code /%25zz}).
 *
 * @param scheme lower-case scheme
 * @param hostPort {@code host:port}, IPv6 hosts in brackets (Go's {@code net.JoinHostPort})
 * @param path Go's {@code URL.Path}: decoded
 * @param rawPath Go's {@code URL.RawPath}: the path as written, when it differs from the encoding
 *     of {@code path}; else empty
 * @param rawQuery the query as written, without the '?'
 * @param forceQuery a '?' with nothing after it
 * @param fragment the fragment as written, without the '#'
 * @param opaque Go's {@code URL.Opaque}: what follows {@code scheme:} when no '/' does
 */
public record ProbeUrl(
    String scheme,
    String hostPort,
    String path,
    String rawPath,
    String rawQuery,
    boolean forceQuery,
    String fragment,
    String opaque) {

  /** Upstream {@code formatURL(scheme, host, port, path)}. */
  public static ProbeUrl format(String scheme, String host, int port, String path) {
    String hostPort = joinHostPort(host, port);
    String s = path == null ? "" : path;
    ProbeUrl parsed = parse(s);
    if (parsed == null) {
      // "Something is busted with the path, but it's too late to reject it. Pass it along as is."
      return new ProbeUrl(scheme, hostPort, s, "", "", false, "", "");
    }
    return new ProbeUrl(
        scheme,
        hostPort,
        parsed.path,
        parsed.rawPath,
        parsed.rawQuery,
        parsed.forceQuery,
        parsed.fragment,
        parsed.opaque);
  }

  /** Go's {@code net.JoinHostPort}: a host with a ':' (IPv6) is bracketed. */
  public static String joinHostPort(String host, int port) {
    String h = host == null ? "" : host;
    return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + port;
  }

  /** The same URL with another host (and port), as a redirect's Location gives it. */
  ProbeUrl withHostPort(String newHostPort) {
    return new ProbeUrl(scheme, newHostPort, path, rawPath, rawQuery, forceQuery, fragment, opaque);
  }

  /**
   * The host without port or brackets, as Go's {@code URL.Hostname()} ({@code stripPort}): up to
   * the first ':', or inside the brackets.
   */
  public String hostname() {
    int colon = hostPort.indexOf(':');
    if (colon < 0) {
      return hostPort;
    }
    int close = hostPort.indexOf(']');
    if (close >= 0) {
      return hostPort.substring(hostPort.startsWith("[") ? 1 : 0, close);
    }
    return hostPort.substring(0, colon);
  }

  /**
   * The port to dial: Go's {@code URL.Port()} ({@code portOnly}), or the scheme's when that is
   * empty, as Go's transport does ({@code canonicalAddr}).
   */
  public int port() {
    String port;
    int close = hostPort.indexOf("]:");
    int colon = hostPort.indexOf(':');
    if (colon < 0) {
      port = "";
    } else if (close >= 0) {
      port = hostPort.substring(close + 2);
    } else if (hostPort.contains("]")) {
      port = "";
    } else {
      port = hostPort.substring(colon + 1);
    }
    if (port.isEmpty()) {
      return "https".equals(scheme) ? 443 : 80;
    }
    return Integer.parseInt(port);
  }

  /**
   * Go's {@code req.URL.Parse(location)}: a redirect's target, resolved against this URL (RFC 3986,
   * dot segments removed); null when the location does not parse.
   */
  public ProbeUrl resolve(String location) {
    ProbeUrl ref = parse(location);
    if (ref == null) {
      return null;
    }
    String refHost = authorityOf(location, ref.scheme);
    if (!ref.scheme.isEmpty()) {
      // An opaque reference ("mailto:me") has no path: it comes back as it is.
      return ref.withHostPort(refHost == null ? "" : refHost).withDotsRemoved();
    }
    if (refHost != null) {
      return new ProbeUrl(
              scheme,
              refHost,
              ref.path,
              ref.rawPath,
              ref.rawQuery,
              ref.forceQuery,
              ref.fragment,
              "")
          .withDotsRemoved();
    }
    String query = ref.rawQuery;
    String frag = ref.fragment;
    if (ref.path.isEmpty() && ref.rawQuery.isEmpty()) {
      // Go's ResolveReference: "?" or "#f" keeps this URL's query (a "?" still prints), and
      // an empty fragment this URL's fragment.
      query = rawQuery;
      if (frag.isEmpty()) {
        frag = fragment;
      }
    }
    String p = ref.path;
    String rp = ref.rawPath;
    if (p.isEmpty()) {
      p = path;
      rp = rawPath;
    } else if (!p.startsWith("/")) {
      String dir = path.substring(0, path.lastIndexOf('/') + 1);
      p = (dir.isEmpty() ? "/" : dir) + p;
      rp = "";
    }
    return new ProbeUrl(scheme, hostPort, p, rp, query, ref.forceQuery, frag, "").withDotsRemoved();
  }

  /**
   * Go's {@code url.Parse(ref).IsAbs()}: whether {@code ref}, which must parse, has a scheme.
   * {@code //host/x} has none.
   */
  static boolean isAbsolute(String ref) {
    return !parse(ref).scheme.isEmpty();
  }

  /** The authority of an absolute or scheme-relative location, or null. */
  private static String authorityOf(String location, String scheme) {
    String rest = scheme.isEmpty() ? location : location.substring(scheme.length() + 1);
    if (!rest.startsWith("//") || (scheme.isEmpty() && rest.startsWith("///"))) {
      return null;
    }
    rest = rest.substring(2);
    for (int i = 0; i < rest.length(); i++) {
      if ("/?#".indexOf(rest.charAt(i)) >= 0) {
        return rest.substring(0, i);
      }
    }
    return rest;
  }

  /** RFC 3986 remove_dot_segments, as Go's {@code resolvePath}. */
  private ProbeUrl withDotsRemoved() {
    if (!path.contains(".")) {
      return this;
    }
    java.util.ArrayDeque<String> out = new java.util.ArrayDeque<>();
    String[] segments = path.split("/", -1);
    for (int i = 1; i < segments.length; i++) {
      String seg = segments[i];
      boolean last = i == segments.length - 1;
      if (seg.equals(".")) {
        if (last) {
          out.add("");
        }
      } else if (seg.equals("..")) {
        out.pollLast();
        if (last) {
          out.add("");
        }
      } else {
        out.add(seg);
      }
    }
    String cleaned = "/" + String.join("/", out);
    return new ProbeUrl(scheme, hostPort, cleaned, "", rawQuery, forceQuery, fragment, opaque);
  }

  /** Go's {@code URL.String()}: how the URL appears in probe output and logs. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(scheme).append(':');
    if (!opaque.isEmpty()) {
      b.append(opaque);
    } else {
      b.append("//").append(hostPort);
      String p = escapedPath();
      if (!p.isEmpty() && p.charAt(0) != '/') {
        b.append('/');
      }
      b.append(p);
    }
    if (forceQuery || !rawQuery.isEmpty()) {
      b.append('?').append(rawQuery);
    }
    if (!fragment.isEmpty()) {
      b.append('#').append(fragment);
    }
    return b.toString();
  }

  /**
   * Go's {@code RequestURI()} of the request built from {@link #toString()}: what goes on the
   * request line. (Printing puts a '/' before a relative path, so the request has one too.)
   */
  public String requestUri() {
    String result = opaque;
    if (result.isEmpty()) {
      result = escapedPath();
      if (result.isEmpty()) {
        result = "/";
      } else if (result.charAt(0) != '/') {
        result = "/" + result;
      }
    }
    if (forceQuery || !rawQuery.isEmpty()) {
      result += "?" + rawQuery;
    }
    return result;
  }

  /** Go's {@code URL.EscapedPath()}. */
  String escapedPath() {
    if (!rawPath.isEmpty() && validEncodedPath(rawPath)) {
      String p = unescape(rawPath);
      if (path.equals(p)) {
        return rawPath;
      }
    }
    return escape(path);
  }

  // ---- a transcription of the parts of Go's url.Parse that formatURL reaches ----

  private static ProbeUrl parse(String raw) {
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return null; // "net/url: invalid control character in URL"
      }
    }
    String rest = raw;
    String fragment = "";
    int hash = rest.indexOf('#');
    if (hash >= 0) {
      fragment = rest.substring(hash + 1);
      rest = rest.substring(0, hash);
      if (unescape(fragment) == null) {
        return null;
      }
    }
    String scheme = "";
    int colon = schemeEnd(rest);
    if (colon >= 0) {
      scheme = rest.substring(0, colon).toLowerCase(Locale.ROOT);
      rest = rest.substring(colon + 1);
    }
    String rawQuery = "";
    boolean forceQuery = false;
    if (rest.endsWith("?") && rest.indexOf('?') == rest.length() - 1) {
      forceQuery = true;
      rest = rest.substring(0, rest.length() - 1);
    } else {
      int q = rest.indexOf('?');
      if (q >= 0) {
        rawQuery = rest.substring(q + 1);
        rest = rest.substring(0, q);
      }
    }
    if (!rest.startsWith("/")) {
      if (!scheme.isEmpty()) {
        return new ProbeUrl(scheme, "", "", "", rawQuery, forceQuery, fragment, rest);
      }
      int slash = rest.indexOf('/');
      String segment = slash < 0 ? rest : rest.substring(0, slash);
      if (segment.contains(":")) {
        return null; // "first path segment in URL cannot contain colon"
      }
    }
    if ((!scheme.isEmpty() || !rest.startsWith("///")) && rest.startsWith("//")) {
      String authority = rest.substring(2);
      int slash = authority.indexOf('/');
      rest = slash < 0 ? "" : authority.substring(slash);
      authority = slash < 0 ? authority : authority.substring(0, slash);
      if (!validAuthority(authority)) {
        return null;
      }
    }
    String path = unescape(rest);
    if (path == null) {
      return null; // "invalid URL escape"
    }
    String rawPath = escape(path).equals(rest) ? "" : rest;
    return new ProbeUrl(scheme, "", path, rawPath, rawQuery, forceQuery, fragment, "");
  }

  /**
   * The index of the ':' ending a scheme, or -1 when there is none (a leading ':' is Go's "missing
   * protocol scheme", which fails below too: the first segment then holds a colon).
   */
  private static int schemeEnd(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        continue;
      }
      if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
        if (i == 0) {
          return -1;
        }
        continue;
      }
      return c == ':' && i > 0 ? i : -1;
    }
    return -1;
  }

  /**
   * Go's {@code parseAuthority} and {@code parseHost}, as far as they fail: the host is thrown
   * away, but a bracketed host without its ']' ("missing ']' in host") or a port that is not a
   * number ("invalid port") fails the parse.
   */
  private static boolean validAuthority(String authority) {
    String host = authority.substring(authority.lastIndexOf('@') + 1);
    String colonPort;
    if (host.startsWith("[")) {
      // Without its ']' the whole "[..." is no port either.
      colonPort = host.substring(host.lastIndexOf(']') + 1);
    } else {
      int colon = host.lastIndexOf(':');
      colonPort = colon < 0 ? "" : host.substring(colon);
    }
    return colonPort.matches("(:[0-9]*)?");
  }

  /** Go's {@code shouldEscape(c, encodePath)}. */
  private static boolean shouldEscape(int c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      return false;
    }
    return switch (c) {
      case '-', '_', '.', '~', '$', '&', '+', ',', '/', ':', ';', '=', '@' -> false;
      default -> true;
    };
  }

  /** Go's {@code escape(s, encodePath)}, byte by byte over UTF-8, upper-case hex. */
  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if (shouldEscape(c)) {
        b.append('%')
            .append("0123456789ABCDEF".charAt(c >> 4))
            .append("0123456789ABCDEF".charAt(c & 15));
      } else {
        b.append((char) c);
      }
    }
    return b.toString();
  }

  /** Go's {@code unescape(s, encodePath)}; null for a malformed escape. */
  static String unescape(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    byte[] in = s.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < in.length; i++) {
      if (in[i] != '%') {
        out.write(in[i]);
        continue;
      }
      if (i + 2 >= in.length || hex(in[i + 1]) < 0 || hex(in[i + 2]) < 0) {
        return null;
      }
      out.write(hex(in[i + 1]) << 4 | hex(in[i + 2]));
      i += 2;
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static int hex(byte c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** Go's {@code validEncodedPath}. */
  private static boolean validEncodedPath(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', ':', '@', '[', ']', '%':
          break;
        default:
          if (shouldEscape(c)) {
            return false;
          }
      }
    }
    return true;
  }
}
