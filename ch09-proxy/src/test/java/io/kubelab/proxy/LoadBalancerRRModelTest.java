package io.kubelab.proxy;

import static io.kubelab.proxy.LoadBalancerRRTest.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.kubelab.apimachinery.clock.FakeClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Model-based test: random sequences of nextEndpoint, endpoint updates and deletes, service
 * (re)registration, clock steps and sweeps, run against {@link LoadBalancerRR} and against a small
 * reference model written from the rules of upstream's {@code roundrobin.go}. Both shuffle with
 * identically seeded {@link Random}s, so the model predicts every pick exactly; a shuffle the model
 * does not expect (or a missing one) desynchronises them and the next pick disagrees.
 */
class LoadBalancerRRModelTest {

  static final String[] HTTP_IPS = {"10.3.0.1", "10.3.0.2", "10.3.0.3", "10.3.0.4", "10.3.0.5"};
  static final String[] DNS_IPS = {"10.3.1.1", "10.3.1.2", "10.3.1.3"};
  static final ServicePortName HTTP = new ServicePortName("default", "web", "http");
  static final ServicePortName DNS = new ServicePortName("default", "web", "dns");
  static final List<ServicePortName> PORTS = List.of(HTTP, DNS);
  static final int[] TTLS = {0, 10, 30};
  static final long[] STEPS = {1, 5, 9, 10, 20, 29, 30};

  /** The reference: the rules as plain data and loops, no shared code with the implementation. */
  static final class Model {
    static final class State {
      List<Endpoint> endpoints = List.of();
      int index;
      SessionAffinity type;
      int ttl;
      Map<InetAddress, Endpoint> sticky = new HashMap<>();
      Map<InetAddress, Instant> lastUsed = new HashMap<>();
    }

    final Map<ServicePortName, State> services = new HashMap<>();
    final Random random;
    Instant now = FakeClock.DEFAULT_START;

    Model(long seed) {
      random = new Random(seed);
    }

    State ensure(ServicePortName svc, SessionAffinity type, int ttl) {
      State s = services.get(svc);
      if (s == null) {
        s = new State();
        s.type = type;
        s.ttl = ttl == 0 ? 10800 : ttl;
        services.put(svc, s);
      } else if (type != SessionAffinity.UNSET) {
        s.type = type;
      }
      return s;
    }

    String next(ServicePortName svc, int client, boolean reset) {
      State s = services.get(svc);
      if (s == null) {
        return "MissingServiceEntry";
      }
      if (s.endpoints.isEmpty()) {
        return "MissingEndpoints";
      }
      InetAddress ip = client(client).getAddress();
      boolean sticky = s.type == SessionAffinity.CLIENT_IP;
      if (sticky && !reset && s.sticky.containsKey(ip)) {
        long idle = Duration.between(s.lastUsed.get(ip), now).getSeconds();
        if (idle < s.ttl) {
          s.lastUsed.put(ip, now);
          return s.sticky.get(ip).toString();
        }
      }
      Endpoint e = s.endpoints.get(s.index);
      s.index = (s.index + 1) % s.endpoints.size();
      if (sticky) {
        s.sticky.put(ip, e);
        s.lastUsed.put(ip, now);
      }
      return e.toString();
    }

    List<Endpoint> shuffled(List<Endpoint> in) {
      List<Endpoint> copy = new ArrayList<>(in);
      Collections.shuffle(copy, random);
      return copy;
    }

    void add(Map<ServicePortName, List<Endpoint>> ports) {
      ports.forEach(
          (svc, eps) -> {
            if (!services.containsKey(svc) || !eps.isEmpty()) {
              State s = ensure(svc, SessionAffinity.UNSET, 0);
              s.endpoints = shuffled(eps);
              s.index = 0;
            }
          });
    }

    void update(
        Map<ServicePortName, List<Endpoint>> old, Map<ServicePortName, List<Endpoint>> ports) {
      ports.forEach(
          (svc, eps) -> {
            State s = services.get(svc);
            boolean same =
                s != null
                    && s.endpoints.size() == eps.size()
                    && s.endpoints.containsAll(eps)
                    && eps.containsAll(s.endpoints);
            if (!same) {
              if (s != null) {
                // Only endpoints leaving the current list lose their clients; a record of an
                // endpoint that an earlier add already replaced is not looked at.
                for (Endpoint gone : s.endpoints) {
                  if (eps.contains(gone)) {
                    continue;
                  }
                  for (InetAddress ip : new ArrayList<>(s.sticky.keySet())) {
                    if (s.sticky.get(ip).equals(gone)) {
                      s.sticky.remove(ip);
                      s.lastUsed.remove(ip);
                    }
                  }
                }
              }
              s = ensure(svc, SessionAffinity.UNSET, 0);
              s.endpoints = shuffled(eps);
              s.index = 0;
            }
          });
      for (ServicePortName svc : old.keySet()) {
        if (!ports.containsKey(svc)) {
          reset(svc);
        }
      }
    }

    void reset(ServicePortName svc) {
      State s = services.get(svc);
      if (s != null) {
        s.endpoints = List.of();
        s.index = 0;
        s.sticky.clear();
        s.lastUsed.clear();
      }
    }

    void cleanup(ServicePortName svc) {
      State s = services.get(svc);
      if (s == null) {
        return;
      }
      for (InetAddress ip : new ArrayList<>(s.sticky.keySet())) {
        if (Duration.between(s.lastUsed.get(ip), now).getSeconds() >= s.ttl) {
          s.sticky.remove(ip);
          s.lastUsed.remove(ip);
        }
      }
    }
  }

  /** Port → endpoints from two bit masks; a port with no addresses is absent, as upstream. */
  static Map<ServicePortName, List<Endpoint>> ports(int httpMask, int dnsMask) {
    Map<ServicePortName, List<Endpoint>> m = new LinkedHashMap<>();
    List<Endpoint> http = new ArrayList<>();
    for (int i = 0; i < HTTP_IPS.length; i++) {
      if ((httpMask & (1 << i)) != 0) {
        http.add(Endpoint.of(HTTP_IPS[i], 8080));
      }
    }
    List<Endpoint> dns = new ArrayList<>();
    for (int i = 0; i < DNS_IPS.length; i++) {
      if ((dnsMask & (1 << i)) != 0) {
        dns.add(Endpoint.of(DNS_IPS[i], 53));
      }
    }
    if (!http.isEmpty()) {
      m.put(HTTP, http);
    }
    if (!dns.isEmpty()) {
      m.put(DNS, dns);
    }
    return m;
  }

  static Endpoints object(Map<ServicePortName, List<Endpoint>> ports) {
    List<EndpointSubset> subsets = new ArrayList<>();
    ports.forEach((svc, eps) -> subsets.add(Api.subset(svc.port(), eps)));
    return Api.endpoints("default", "web", subsets.toArray(EndpointSubset[]::new));
  }

  @Test
  void implementationAgreesWithModel() {
    qt().withFixedSeed(1809L)
        .withExamples(300)
        .forAll(
            lists().of(integers().between(0, Integer.MAX_VALUE)).ofSizeBetween(1, 80),
            integers().all())
        .checkAssert(LoadBalancerRRModelTest::run);
  }

  static void run(List<Integer> ops, int seed) {
    FakeClock clock = new FakeClock();
    LoadBalancerRR lb = new LoadBalancerRR(clock, new Random(seed));
    Model model = new Model(seed);
    Map<ServicePortName, List<Endpoint>> current = null;
    List<String> trace = new ArrayList<>();
    for (int r : ops) {
      int kind = r % 9;
      int arg = r / 9;
      ServicePortName svc = PORTS.get(arg % 2);
      switch (kind) {
        case 0, 1, 2 -> {
          int clientId = (arg / 2) % 5;
          boolean reset = (arg / 10) % 4 == 0;
          String expected = model.next(svc, clientId, reset);
          String actual;
          try {
            actual = lb.nextEndpoint(svc, client(clientId), reset).toString();
          } catch (LoadBalancerException e) {
            actual = e.getClass().getSimpleName();
          }
          trace.add("next " + svc + " client " + clientId + " reset " + reset + " -> " + actual);
          assertThat(actual).as("%s", trace).isEqualTo(expected);
        }
        case 3, 4 -> {
          Map<ServicePortName, List<Endpoint>> next = ports(arg % 32, (arg / 32) % 8);
          // Mostly the informer's order (add, then updates); sometimes an add over an existing
          // object, which replaces lists without pruning sticky clients.
          boolean add = current == null || kind == 3 && (arg / 256) % 3 == 0;
          trace.add((add ? "add " : "update ") + next);
          if (add) {
            lb.onEndpointsAdd(object(next));
            model.add(next);
          } else {
            lb.onEndpointsUpdate(object(current), object(next));
            model.update(current, next);
          }
          current = next;
        }
        case 5 -> {
          if (current != null) {
            trace.add("delete endpoints");
            lb.onEndpointsDelete(object(current));
            current.keySet().forEach(model::reset);
            current = null;
          }
        }
        case 6 -> {
          // Whole seconds near the TTLs hit the boundary (idle == ttl) often; odd milliseconds
          // check that idle time is truncated to whole seconds, as Go's int(Seconds()) does.
          Duration d =
              arg % 2 == 0
                  ? Duration.ofSeconds(STEPS[(arg / 2) % STEPS.length])
                  : Duration.ofMillis((arg / 2) % 12_000L);
          trace.add("step " + d);
          clock.step(d);
          model.now = model.now.plus(d);
        }
        case 7 -> {
          SessionAffinity type = SessionAffinity.values()[(arg / 2) % 3];
          int ttl = TTLS[(arg / 6) % 3];
          trace.add("newService " + svc + " " + type + " " + ttl);
          lb.newService(svc, type, ttl);
          model.ensure(svc, type, ttl);
        }
        default -> {
          if ((arg / 2) % 4 == 0) {
            trace.add("deleteService " + svc);
            lb.deleteService(svc);
            model.services.remove(svc);
          } else {
            trace.add("cleanup " + svc);
            lb.cleanupStaleStickySessions(svc);
            model.cleanup(svc);
          }
        }
      }
      for (ServicePortName p : PORTS) {
        Model.State s = model.services.get(p);
        assertThat(lb.endpoints(p)).as("%s", trace).isEqualTo(s == null ? null : s.endpoints);
        assertThat(lb.index(p)).as("%s", trace).isEqualTo(s == null ? -1 : s.index);
        assertThat(lb.stickyClients(p)).as("%s", trace).isEqualTo(s == null ? Map.of() : s.sticky);
        assertThat(lb.affinityType(p)).as("%s", trace).isEqualTo(s == null ? null : s.type);
        assertThat(lb.ttlSeconds(p)).as("%s", trace).isEqualTo(s == null ? -1 : s.ttl);
      }
    }
  }
}
