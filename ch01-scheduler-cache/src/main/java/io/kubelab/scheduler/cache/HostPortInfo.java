package io.kubelab.scheduler.cache;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The host ports used on one node: host IP → set of (protocol, port).
 *
 * <p>Upstream: {@code pkg/scheduler/nodeinfo/host_ports.go} ({@code HostPortInfo}). An empty IP
 * means {@value #DEFAULT_BIND_ALL_HOST_IP} and an empty protocol means TCP. A port bound on 0.0.0.0
 * conflicts with the same protocol and port on every IP, and vice versa. Ports ≤ 0 (a container
 * port without a host port) are ignored.
 */
public final class HostPortInfo {

  /** {@code DefaultBindAllHostIP}: the wildcard host IP. */
  public static final String DEFAULT_BIND_ALL_HOST_IP = "0.0.0.0";

  /** A protocol and port pair, upstream's {@code ProtocolPort}. */
  public record ProtocolPort(String protocol, int port) {
    @Override
    public String toString() {
      return protocol + "/" + port;
    }
  }

  private final Map<String, Set<ProtocolPort>> ports = new HashMap<>();

  /** Records a used port. Ports ≤ 0 are ignored. */
  public void add(String ip, String protocol, int port) {
    if (port <= 0) {
      return;
    }
    ports
        .computeIfAbsent(sanitizeIp(ip), k -> new HashSet<>())
        .add(new ProtocolPort(sanitizeProtocol(protocol), port));
  }

  /** Releases a used port; the IP's entry disappears with its last port. */
  public void remove(String ip, String protocol, int port) {
    if (port <= 0) {
      return;
    }
    String i = sanitizeIp(ip);
    Set<ProtocolPort> s = ports.get(i);
    if (s != null) {
      s.remove(new ProtocolPort(sanitizeProtocol(protocol), port));
      if (s.isEmpty()) {
        ports.remove(i);
      }
    }
  }

  /** True when (ip, protocol, port) would conflict with a port already in use. */
  public boolean checkConflict(String ip, String protocol, int port) {
    if (port <= 0) {
      return false;
    }
    String i = sanitizeIp(ip);
    ProtocolPort pp = new ProtocolPort(sanitizeProtocol(protocol), port);
    if (DEFAULT_BIND_ALL_HOST_IP.equals(i)) {
      for (Set<ProtocolPort> s : ports.values()) {
        if (s.contains(pp)) {
          return true;
        }
      }
      return false;
    }
    Set<ProtocolPort> wildcard = ports.get(DEFAULT_BIND_ALL_HOST_IP);
    if (wildcard != null && wildcard.contains(pp)) {
      return true;
    }
    Set<ProtocolPort> s = ports.get(i);
    return s != null && s.contains(pp);
  }

  /** The number of (ip, protocol, port) entries. */
  public int size() {
    int n = 0;
    for (Set<ProtocolPort> s : ports.values()) {
      n += s.size();
    }
    return n;
  }

  /** A deep copy. */
  public HostPortInfo copy() {
    HostPortInfo c = new HostPortInfo();
    ports.forEach((ip, s) -> c.ports.put(ip, new HashSet<>(s)));
    return c;
  }

  /** An immutable, sorted view for comparisons and dumps. */
  public Map<String, Set<ProtocolPort>> asMap() {
    TreeMap<String, Set<ProtocolPort>> m = new TreeMap<>();
    ports.forEach((ip, s) -> m.put(ip, Set.copyOf(s)));
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HostPortInfo h && h.ports.equals(ports);
  }

  @Override
  public int hashCode() {
    return ports.hashCode();
  }

  @Override
  public String toString() {
    return asMap().toString();
  }

  private static String sanitizeIp(String ip) {
    return ip == null || ip.isEmpty() ? DEFAULT_BIND_ALL_HOST_IP : ip;
  }

  private static String sanitizeProtocol(String protocol) {
    return protocol == null || protocol.isEmpty() ? "TCP" : protocol;
  }
}
