package io.kubelab.cluster.apiserver;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Cluster IPs and node ports for services. Cluster IPs come from a loopback range (127.96.0.0/12 by
 * default), so that the proxy of chapter 9 can listen on them on one machine; node ports from
 * 30000-32767. Both are picked at random among the free ones and released on delete.
 *
 * <p>Upstream: {@code pkg/registry/core/service/ipallocator} ({@code Range}: the network and
 * broadcast addresses are never handed out; {@code "None"} makes a headless service; an explicit IP
 * must be in range and free) and {@code pkg/registry/core/service/portallocator}.
 */
final class ServiceIps {

  private final int base;
  private final int size;
  private final BitSet ips = new BitSet();
  private final BitSet ports = new BitSet();
  private final Random random;
  private final String cidr;

  static final int NODE_PORT_MIN = 30000;
  static final int NODE_PORT_MAX = 32767;

  ServiceIps(String cidr, Random random) {
    this.cidr = cidr;
    String[] parts = cidr.split("/");
    this.base = toInt(parts[0]);
    int bits = Integer.parseInt(parts[1]);
    this.size = (int) Math.min(1L << (32 - bits), 1 << 24);
    this.random = random;
  }

  private static int toInt(String ip) {
    String[] o = ip.split("\\.");
    if (o.length != 4) {
      return -1;
    }
    int v = 0;
    for (String x : o) {
      int b;
      try {
        b = Integer.parseInt(x);
      } catch (NumberFormatException e) {
        return -1;
      }
      if (b < 0 || b > 255) {
        return -1;
      }
      v = (v << 8) | b;
    }
    return v;
  }

  private static String toIp(int v) {
    return ((v >>> 24) & 255)
        + "."
        + ((v >>> 16) & 255)
        + "."
        + ((v >>> 8) & 255)
        + "."
        + (v & 255);
  }

  /**
   * Allocates the cluster IP and node ports of a new service, or 422 if a requested one is taken.
   */
  synchronized void allocate(ObjectNode svc) {
    ObjectNode spec = Json.obj(svc, "spec");
    String type = spec.path("type").asString("ClusterIP");
    String name = svc.path("metadata").path("name").asString("");
    List<Integer> taken = new ArrayList<>();
    int ipOffset = -1;
    if (!type.equals("ExternalName")) {
      String ip = spec.path("clusterIP").asString("");
      if (!ip.equals("None")) {
        int offset;
        if (ip.isEmpty()) {
          offset = freeIp(name);
        } else {
          int v = toInt(ip);
          offset = v - base;
          if (v == -1 || offset <= 0 || offset >= size - 1) {
            throw ApiError.invalid(
                "",
                "Service",
                name,
                List.of(
                    FieldError.invalid(
                        "spec.clusterIP",
                        ip,
                        "provided IP is not in the valid range. The range of valid IPs is "
                            + cidr)));
          }
          if (ips.get(offset)) {
            throw ApiError.invalid(
                "",
                "Service",
                name,
                List.of(
                    FieldError.invalid("spec.clusterIP", ip, "provided IP is already allocated")));
          }
        }
        ips.set(offset);
        ipOffset = offset;
        spec.put("clusterIP", toIp(base + offset));
        spec.putArray("clusterIPs").add(toIp(base + offset));
      } else {
        spec.putArray("clusterIPs").add("None");
      }
    }
    if (type.equals("NodePort") || type.equals("LoadBalancer")) {
      for (JsonNode p : spec.path("ports")) {
        ObjectNode po = (ObjectNode) p;
        int want = po.path("nodePort").asInt(0);
        int port;
        if (want == 0) {
          port = freePort();
        } else if (want < NODE_PORT_MIN
            || want > NODE_PORT_MAX
            || ports.get(want - NODE_PORT_MIN)) {
          for (int t : taken) {
            ports.clear(t - NODE_PORT_MIN);
          }
          if (ipOffset > 0) {
            ips.clear(ipOffset);
          }
          throw ApiError.invalid(
              "",
              "Service",
              name,
              List.of(
                  FieldError.invalid(
                      "spec.ports[0].nodePort",
                      (long) want,
                      want < NODE_PORT_MIN || want > NODE_PORT_MAX
                          ? "provided port is not in the valid range. The range of valid ports is "
                              + NODE_PORT_MIN
                              + "-"
                              + NODE_PORT_MAX
                          : "provided port is already allocated")));
        } else {
          port = want;
        }
        ports.set(port - NODE_PORT_MIN);
        taken.add(port);
        po.put("nodePort", port);
      }
      if (!spec.has("externalTrafficPolicy")) {
        spec.put("externalTrafficPolicy", "Cluster");
      }
    }
  }

  private int freeIp(String name) {
    int usable = size - 2;
    if (ips.cardinality() >= usable) {
      throw ApiError.internal("failed to allocate a serviceIP: range is full");
    }
    int start = 1 + random.nextInt(usable);
    for (int i = 0; i < usable; i++) {
      int o = 1 + (start - 1 + i) % usable;
      if (!ips.get(o)) {
        return o;
      }
    }
    throw ApiError.internal("failed to allocate a serviceIP: range is full");
  }

  private int freePort() {
    int n = NODE_PORT_MAX - NODE_PORT_MIN + 1;
    int start = random.nextInt(n);
    for (int i = 0; i < n; i++) {
      int o = (start + i) % n;
      if (!ports.get(o)) {
        return NODE_PORT_MIN + o;
      }
    }
    throw ApiError.internal("failed to allocate a nodePort: range is full");
  }

  /** Frees what a deleted service held. */
  synchronized void release(JsonNode svc) {
    String ip = svc.path("spec").path("clusterIP").asString("");
    int v = toInt(ip);
    if (v != -1 && v - base > 0 && v - base < size) {
      ips.clear(v - base);
    }
    for (JsonNode p : svc.path("spec").path("ports")) {
      int port = p.path("nodePort").asInt(0);
      if (port >= NODE_PORT_MIN && port <= NODE_PORT_MAX) {
        ports.clear(port - NODE_PORT_MIN);
      }
    }
  }
}
