package io.kubelab.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.kubelab.apimachinery.clock.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Model-based test of the proxier's service map: random sequences of Service adds, updates and
 * deletes (the order an informer delivers them) and Endpoints adds, against a small reference
 * written from upstream's {@code mergeService}, {@code unmergeService}, {@code sameConfig} and
 * {@code newServiceInternal}. After every step the proxier must agree with the model on which
 * service ports are proxied, which listeners were kept and which replaced, which portal and
 * NodePort listeners are open, how many proxy ports are held and loops run, and the load balancer's
 * affinity type and TTL for every port.
 *
 * <p>Everything is real: each proxied port is a bound socket with its loop thread. Ports come from
 * blocks found free when the test starts, and service ports map to distinct numbers, so no bind
 * fails and the model need not predict one.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ProxierModelTest {

  static final String[] SERVICES = {"a", "b"};
  static final String[] PORT_NAMES = {"http", "dns", "x"};
  static final String[] PROTOCOLS = {"TCP", "TCP", "UDP", "SCTP", "tcp"};
  static final String[] AFFINITIES = {null, "None", "ClientIP", "ClientIP"};
  static final Integer[] TIMEOUTS = {null, 10, 60};
  static final List<List<String>> EXTERNAL_IPS =
      List.of(
          List.of(),
          List.of("192.0.2.1"),
          List.of("192.0.2.1", "192.0.2.2"),
          List.of("192.0.2.2", "192.0.2.1"));
  static final String[][] INGRESS = {{}, {"198.51.100.1", null}, {"198.51.100.1", "lb.example"}};

  /** Proxy ports, the service port numbers (on the loopback cluster IPs) and the NodePorts. */
  static int proxyBase;

  static int servicePortBase;
  static int nodePortBase;

  /**
   * Unsupported protocols and unknown ports are logged at ERROR, as upstream logs them; the model
   * test makes hundreds of them on purpose. Held here so the setting is not garbage-collected.
   */
  static final Logger PROXY_LOGS = Logger.getLogger("io.kubelab.proxy");

  static Level savedLevel;

  @BeforeAll
  static void quiet() {
    savedLevel = PROXY_LOGS.getLevel();
    PROXY_LOGS.setLevel(Level.OFF);
  }

  @AfterAll
  static void loud() {
    PROXY_LOGS.setLevel(savedLevel);
  }

  @BeforeAll
  static void findFreePorts() throws Exception {
    proxyBase = ProxierTest.freePorts(16);
    servicePortBase = ProxierTest.freePorts(PORT_NAMES.length);
    nodePortBase = ProxierTest.freePorts(SERVICES.length * PORT_NAMES.length);
  }

  // ---- the reference model ----

  /** What upstream's sameConfig compares, as plain values. */
  record PortConfig(
      String protocol,
      String clusterIp,
      int port,
      int nodePort,
      List<String> externalIps,
      List<String> ingress,
      String affinity) {}

  /** One proxied port: its config and a generation that changes when the listener is replaced. */
  record Running(PortConfig config, int generation) {}

  /** The load balancer's per-port state as far as the proxier shapes it. */
  record Balancer(String type, int ttl) {}

  static final class Model {
    final Map<ServicePortName, Running> proxied = new HashMap<>();
    final Map<ServicePortName, Balancer> balancer = new HashMap<>();
    int generations;

    static boolean skipped(Service s) {
      String ip = s.getSpec().getClusterIP();
      return ip == null
          || ip.isEmpty()
          || ip.equals("None")
          || "ExternalName".equals(s.getSpec().getType());
    }

    static ServicePortName key(Service s, ServicePort p) {
      return new ServicePortName(
          s.getMetadata().getNamespace(), s.getMetadata().getName(), p.getName());
    }

    static PortConfig config(Service s, ServicePort p) {
      List<String> ingress = new ArrayList<>();
      if (s.getStatus() != null && s.getStatus().getLoadBalancer() != null) {
        s.getStatus()
            .getLoadBalancer()
            .getIngress()
            .forEach(i -> ingress.add(i.getIp() + "|" + i.getHostname()));
      }
      return new PortConfig(
          Objects.toString(p.getProtocol(), ""),
          s.getSpec().getClusterIP(),
          p.getPort(),
          p.getNodePort() == null ? 0 : p.getNodePort(),
          s.getSpec().getExternalIPs(),
          ingress,
          Objects.toString(s.getSpec().getSessionAffinity(), ""));
    }

    void change(Service previous, Service current) {
      if (Objects.equals(previous, current)) {
        return;
      }
      Set<String> existing = merge(current);
      unmerge(previous, existing);
    }

    Set<String> merge(Service s) {
      Set<String> existing = new HashSet<>();
      if (s == null || skipped(s)) {
        return existing;
      }
      for (ServicePort p : s.getSpec().getPorts()) {
        existing.add(p.getName());
        ServicePortName key = key(s, p);
        PortConfig cfg = config(s, p);
        Running now = proxied.get(key);
        if (now != null && now.config().equals(cfg)) {
          continue;
        }
        proxied.remove(key);
        String proto = cfg.protocol().toUpperCase(java.util.Locale.ROOT);
        if (!proto.equals("TCP") && !proto.equals("UDP")) {
          continue; // newProxySocket refuses it; NewService is never reached
        }
        proxied.put(key, new Running(cfg, ++generations));
        int sticky = 0;
        if (cfg.affinity().equals("ClientIP")) {
          Integer t = s.getSpec().getSessionAffinityConfig().getClientIP().getTimeoutSeconds();
          sticky = t == null ? 0 : t;
        }
        newService(key, cfg.affinity(), sticky);
      }
      return existing;
    }

    void unmerge(Service s, Set<String> existing) {
      if (s == null || skipped(s)) {
        return;
      }
      for (ServicePort p : s.getSpec().getPorts()) {
        if (existing.contains(p.getName())) {
          continue;
        }
        ServicePortName key = key(s, p);
        if (proxied.remove(key) == null) {
          continue; // "is being removed but doesn't exist": the balancer is left alone
        }
        balancer.remove(key);
      }
    }

    void newService(ServicePortName key, String type, int ttl) {
      Balancer b = balancer.get(key);
      if (b == null) {
        balancer.put(key, new Balancer(type, ttl == 0 ? 10800 : ttl));
      } else if (!type.isEmpty()) {
        balancer.put(key, new Balancer(type, b.ttl()));
      }
    }

    void endpointsAdd(String service, List<String> portNames) {
      for (String port : portNames) {
        ServicePortName key = new ServicePortName("default", service, port);
        if (!balancer.containsKey(key)) {
          balancer.put(key, new Balancer("", 10800));
        }
      }
    }
  }

  // ---- generating Services and Endpoints from one number ----

  static Service service(int svc, int seed) {
    Random r = new Random(seed);
    String name = SERVICES[svc];
    String clusterIp =
        switch (r.nextInt(8)) {
          case 0, 1, 2, 3 -> "10.96.0." + (10 + svc);
          case 4, 5 -> "127.0.9" + svc + ".1";
          case 6 -> "None";
          default -> "";
        };
    List<ServicePort> ports = new ArrayList<>();
    for (int i = 0; i < PORT_NAMES.length; i++) {
      if (r.nextInt(3) == 0) {
        continue;
      }
      ServicePortBuilder p =
          new ServicePortBuilder()
              .withName(PORT_NAMES[i])
              .withPort(servicePortBase + i)
              .withProtocol(PROTOCOLS[r.nextInt(PROTOCOLS.length)]);
      if (r.nextBoolean()) {
        p.withNodePort(nodePortFor(svc, PORT_NAMES[i]));
      }
      ports.add(p.build());
    }
    String affinity = AFFINITIES[r.nextInt(AFFINITIES.length)];
    ServiceBuilder b =
        new ServiceBuilder()
            .withNewMetadata()
            .withNamespace("default")
            .withName(name)
            .addToLabels("rev", Integer.toString(r.nextInt(2)))
            .endMetadata()
            .withNewSpec()
            .withType(r.nextInt(10) == 0 ? "ExternalName" : "ClusterIP")
            .withClusterIP(clusterIp)
            .withPorts(ports)
            .withSessionAffinity(affinity)
            .withExternalIPs(EXTERNAL_IPS.get(r.nextInt(EXTERNAL_IPS.size())))
            .endSpec();
    if ("ClientIP".equals(affinity)) {
      b.editSpec()
          .withNewSessionAffinityConfig()
          .withNewClientIP()
          .withTimeoutSeconds(TIMEOUTS[r.nextInt(TIMEOUTS.length)])
          .endClientIP()
          .endSessionAffinityConfig()
          .endSpec();
    }
    String[] ingress = INGRESS[r.nextInt(INGRESS.length)];
    b.withNewStatus().withNewLoadBalancer().endLoadBalancer().endStatus();
    if (ingress.length > 0) {
      b.editStatus()
          .editLoadBalancer()
          .addNewIngress()
          .withIp(ingress[0])
          .withHostname(ingress[1])
          .endIngress()
          .endLoadBalancer()
          .endStatus();
    }
    return b.build();
  }

  /**
   * An update as a user makes one: the previous version with one thing changed (often nothing that
   * sameConfig compares), so that most ports are kept and each field gets its turn.
   */
  static Service edit(Service previous, int svc, int seed) {
    Random r = new Random(seed);
    Service fresh = service(svc, seed);
    ServiceBuilder b = new ServiceBuilder(previous);
    switch (r.nextInt(10)) {
      case 0 -> b.editSpec().withClusterIP(fresh.getSpec().getClusterIP()).endSpec();
      case 1 -> b.editSpec().withType(fresh.getSpec().getType()).endSpec();
      case 2 -> b.editSpec().withPorts(fresh.getSpec().getPorts()).endSpec();
      case 3 -> {
        // One port's protocol or NodePort, the others untouched.
        List<ServicePort> ports = new ArrayList<>();
        for (ServicePort port : previous.getSpec().getPorts()) {
          ServicePortBuilder pb = new ServicePortBuilder(port);
          if (ports.isEmpty()) {
            if (r.nextBoolean()) {
              pb.withProtocol(PROTOCOLS[r.nextInt(PROTOCOLS.length)]);
            } else {
              pb.withNodePort(port.getNodePort() == null ? nodePortFor(svc, port.getName()) : null);
            }
          }
          ports.add(pb.build());
        }
        b.editSpec().withPorts(ports).endSpec();
      }
      case 4 ->
          b.editSpec()
              .withSessionAffinity(fresh.getSpec().getSessionAffinity())
              .withSessionAffinityConfig(fresh.getSpec().getSessionAffinityConfig())
              .endSpec();
      case 5 -> {
        // Only the timeout, when there is one to change.
        if ("ClientIP".equals(previous.getSpec().getSessionAffinity())) {
          b.editSpec()
              .editSessionAffinityConfig()
              .editClientIP()
              .withTimeoutSeconds(TIMEOUTS[r.nextInt(TIMEOUTS.length)])
              .endClientIP()
              .endSessionAffinityConfig()
              .endSpec();
        }
      }
      case 6 -> b.editSpec().withExternalIPs(fresh.getSpec().getExternalIPs()).endSpec();
      case 7 -> b.withStatus(fresh.getStatus());
      default -> b.editMetadata().addToLabels("rev", Integer.toString(seed % 100)).endMetadata();
    }
    return b.build();
  }

  static int nodePortFor(int svc, String portName) {
    return nodePortBase + svc * PORT_NAMES.length + List.of(PORT_NAMES).indexOf(portName);
  }

  static List<String> endpointPorts(int mask) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < PORT_NAMES.length; i++) {
      if ((mask & (1 << i)) != 0) {
        names.add(PORT_NAMES[i]);
      }
    }
    return names;
  }

  static Endpoints endpointsFor(String service, List<String> portNames) {
    List<EndpointSubset> subsets = new ArrayList<>();
    for (String port : portNames) {
      subsets.add(Api.subset(port, 8080, "10.244.0.1"));
    }
    return Api.endpoints("default", service, subsets.toArray(EndpointSubset[]::new));
  }

  // ---- the test ----

  @Test
  void serviceMapAgreesWithTheModel() {
    qt().withFixedSeed(4242L)
        .withExamples(80)
        .forAll(lists().of(integers().between(0, Integer.MAX_VALUE)).ofSizeBetween(1, 30))
        .checkAssert(
            ops -> {
              try {
                run(ops);
              } catch (InterruptedException e) {
                throw new AssertionError(e);
              }
            });
  }

  static void run(List<Integer> ops) throws InterruptedException {
    FakeClock clock = new FakeClock();
    LoadBalancerRR lb = new LoadBalancerRR(clock, new Random(1));
    Proxier proxier =
        new Proxier(
            lb,
            clock,
            Proxier.Config.defaults()
                .withPortRange(new PortRange(proxyBase, 16))
                .withUdpIdleTimeout(Duration.ofSeconds(60)),
            new Random(2));
    Model model = new Model();
    Service[] known = new Service[SERVICES.length];
    Map<ServicePortName, Integer> seenGeneration = new HashMap<>();
    Map<ServicePortName, ServiceInfo> seenInfo = new HashMap<>();
    Set<ServiceInfo> retired = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    List<String> trace = new ArrayList<>();
    try {
      for (int op : ops) {
        int svc = op % SERVICES.length;
        int arg = op / SERVICES.length;
        switch (arg % 5) {
          case 0, 1, 2 -> {
            Service next =
                known[svc] == null || arg % 5 == 0
                    ? service(svc, arg / 5)
                    : edit(known[svc], svc, arg / 5);
            if (known[svc] == null) {
              trace.add("add " + describe(next));
              proxier.onServiceAdd(next);
              model.change(null, next);
            } else {
              trace.add("update " + describe(next));
              proxier.onServiceUpdate(known[svc], next);
              model.change(known[svc], next);
            }
            known[svc] = next;
          }
          case 3 -> {
            if (known[svc] != null) {
              trace.add("delete " + SERVICES[svc]);
              proxier.onServiceDelete(known[svc]);
              model.change(known[svc], null);
              known[svc] = null;
            }
          }
          default -> {
            List<String> ports = endpointPorts((arg / 5) % 8);
            trace.add("endpoints " + SERVICES[svc] + " " + ports);
            proxier.onEndpointsAdd(endpointsFor(SERVICES[svc], ports));
            model.endpointsAdd(SERVICES[svc], ports);
          }
        }
        check(proxier, lb, model, seenGeneration, seenInfo, retired, trace);
      }
    } catch (RuntimeException | AssertionError e) {
      proxier.close();
      throw e;
    }
    proxier.close();
    assertThat(ProxierTest.ourThreadsAfterJoining()).as("%s", trace).isEmpty();
    assertThat(proxier.numProxyLoops()).as("%s", trace).isZero();
  }

  static void check(
      Proxier proxier,
      LoadBalancerRR lb,
      Model model,
      Map<ServicePortName, Integer> seenGeneration,
      Map<ServicePortName, ServiceInfo> seenInfo,
      Set<ServiceInfo> retired,
      List<String> trace) {
    for (String svc : SERVICES) {
      for (String port : PORT_NAMES) {
        ServicePortName key = new ServicePortName("default", svc, port);
        String where = key + " after " + trace;
        Running expected = model.proxied.get(key);
        ServiceInfo info = proxier.serviceInfo(key);
        assertThat(info != null).as("proxied: %s", where).isEqualTo(expected != null);
        if (expected != null) {
          if (expected.generation() == seenGeneration.getOrDefault(key, -1)) {
            assertThat(info).as("listener kept: %s", where).isSameAs(seenInfo.get(key));
          } else {
            assertThat(info).as("a new listener: %s", where).isNotSameAs(seenInfo.get(key));
            assertThat(retired).as("a new listener: %s", where).doesNotContain(info);
            ServiceInfo old = seenInfo.put(key, info);
            if (old != null) {
              retired.add(old);
            }
            seenGeneration.put(key, expected.generation());
          }
          boolean loopback = expected.config().clusterIp().startsWith("127.");
          assertThat(proxier.portalAddress(key).isPresent())
              .as("portal: %s", where)
              .isEqualTo(loopback);
          assertThat(proxier.nodePortAddress(key).isPresent())
              .as("node port: %s", where)
              .isEqualTo(expected.config().nodePort() != 0);
        }
        Balancer b = model.balancer.get(key);
        SessionAffinity type = lb.affinityType(key);
        assertThat(type == null ? null : type.apiValue())
            .as("type: %s", where)
            .isEqualTo(b == null ? null : b.type());
        assertThat(lb.ttlSeconds(key)).as("ttl: %s", where).isEqualTo(b == null ? -1 : b.ttl());
      }
    }
    assertThat(proxier.proxyPortsInUse())
        .as("ports held after %s", trace)
        .isEqualTo(model.proxied.size());
    assertThat(proxier.numProxyLoops()).as("loops after %s", trace).isEqualTo(model.proxied.size());
  }

  static String describe(Service s) {
    List<String> ports = new ArrayList<>();
    for (ServicePort p : s.getSpec().getPorts()) {
      ports.add(p.getName() + "/" + p.getProtocol() + (p.getNodePort() == null ? "" : "+np"));
    }
    String ttl =
        s.getSpec().getSessionAffinityConfig() == null
            ? ""
            : "/" + s.getSpec().getSessionAffinityConfig().getClientIP().getTimeoutSeconds();
    return s.getMetadata().getName()
        + " "
        + s.getSpec().getType()
        + " ip="
        + s.getSpec().getClusterIP()
        + " "
        + ports
        + " affinity="
        + s.getSpec().getSessionAffinity()
        + ttl
        + " ext="
        + s.getSpec().getExternalIPs()
        + " ingress="
        + s.getStatus().getLoadBalancer().getIngress().size()
        + " rev="
        + s.getMetadata().getLabels().get("rev");
  }
}
