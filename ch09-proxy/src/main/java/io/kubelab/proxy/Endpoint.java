package io.kubelab.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * One backend a service port can send a connection to: an IP literal and a port.
 *
 * <p>Upstream keeps endpoints as {@code "ip:port"} strings built by {@code net.JoinHostPort} in
 * {@code BuildPortsToEndpointsMap} ({@code pkg/proxy/util/utils.go}) and dials the string. We keep
 * the same string as the endpoint's identity ({@link #toString()}, with IPv6 in brackets as {@code
 * JoinHostPort} writes it) and resolve the socket address once, here, so the accept path never
 * parses text.
 *
 * @param ip the address as written in the Endpoints object, an IPv4 or IPv6 literal
 * @param port 1..65535
 * @param address the same, as a resolved socket address
 */
public record Endpoint(String ip, int port, InetSocketAddress address) {

  public Endpoint {
    if (address == null || address.isUnresolved()) {
      throw new IllegalArgumentException("Endpoint " + ip + ":" + port + ": address unresolved");
    }
  }

  /**
   * Parses an IP literal and a port.
   *
   * @throws IllegalArgumentException naming {@code what} if the IP is not a literal or the port is
   *     out of range
   */
  public static Endpoint of(String ip, int port, String what) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(what + ": port " + port + " is out of range 1-65535");
    }
    if (!isIpLiteral(ip)) {
      throw new IllegalArgumentException(what + ": \"" + ip + "\" is not an IP address");
    }
    try {
      // getByName on a literal never touches DNS; isIpLiteral above guarantees a literal.
      return new Endpoint(ip, port, new InetSocketAddress(InetAddress.getByName(ip), port));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(what + ": \"" + ip + "\" is not an IP address", e);
    }
  }

  /** {@link #of(String, int, String)} for tests and callers with nothing better to name. */
  public static Endpoint of(String ip, int port) {
    return of(ip, port, "endpoint");
  }

  /** True for dotted-quad IPv4 or colon-hex IPv6 text; host names are rejected, never resolved. */
  static boolean isIpLiteral(String s) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    if (s.indexOf(':') >= 0) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        boolean ok = c == ':' || c == '.' || Character.digit(c, 16) >= 0;
        if (!ok) {
          return false;
        }
      }
      return true;
    }
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3) {
        return false;
      }
      for (int i = 0; i < p.length(); i++) {
        if (p.charAt(i) < '0' || p.charAt(i) > '9') {
          return false;
        }
      }
      if (Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  /** {@code ip:port}, or {@code [ip]:port} for IPv6, as Go's {@code net.JoinHostPort}. */
  @Override
  public String toString() {
    return ip.indexOf(':') >= 0 ? "[" + ip + "]:" + port : ip + ":" + port;
  }
}
