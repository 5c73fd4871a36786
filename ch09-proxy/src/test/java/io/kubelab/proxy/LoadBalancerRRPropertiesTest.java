package io.kubelab.proxy;

import static io.kubelab.proxy.LoadBalancerRRTest.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.kubelab.apimachinery.clock.FakeClock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Invariants of round-robin and affinity over generated endpoint lists. */
class LoadBalancerRRPropertiesTest {

  static final ServicePortName SVC = new ServicePortName("prod", "api", "grpc");

  static String[] ips(int n) {
    String[] ips = new String[n];
    for (int i = 0; i < n; i++) {
      ips[i] = "10.2." + (i / 250) + "." + (i % 250 + 1);
    }
    return ips;
  }

  @Test
  void everyEndpointGetsExactlyItsShareInAFixedCycle() {
    qt().withFixedSeed(90210L)
        .withExamples(150)
        .forAll(integers().between(1, 40), integers().between(1, 6), longs().all())
        .checkAssert(
            (n, rounds, seed) -> {
              LoadBalancerRR lb = new LoadBalancerRR(new FakeClock(), new Random(seed));
              lb.onEndpointsAdd(Api.endpoints("prod", "api", "grpc", 9000, ips(n)));
              List<Endpoint> picks = new ArrayList<>();
              Map<Endpoint, Integer> counts = new HashMap<>();
              for (int i = 0; i < n * rounds; i++) {
                Endpoint e = next(lb, i % 7, false);
                picks.add(e);
                counts.merge(e, 1, Integer::sum);
              }
              assertThat(counts).hasSize(n);
              assertThat(counts.values()).containsOnly(rounds);
              for (int i = n; i < picks.size(); i++) {
                assertThat(picks.get(i)).isEqualTo(picks.get(i - n)); // period n
              }
            });
  }

  @Test
  void newClientsTakeTurnsAndReturningClientsStick() {
    qt().withFixedSeed(4242L)
        .withExamples(150)
        .forAll(integers().between(1, 20), integers().between(1, 60), longs().all())
        .checkAssert(
            (n, clients, seed) -> {
              LoadBalancerRR lb = new LoadBalancerRR(new FakeClock(), new Random(seed));
              lb.newService(SVC, SessionAffinity.CLIENT_IP, 0);
              lb.onEndpointsAdd(Api.endpoints("prod", "api", "grpc", 9000, ips(n)));
              Map<Integer, Endpoint> first = new HashMap<>();
              Map<Endpoint, Integer> load = new HashMap<>();
              for (int c = 0; c < clients; c++) {
                Endpoint e = next(lb, c, false);
                first.put(c, e);
                load.merge(e, 1, Integer::sum);
              }
              // First visits are plain round-robin: loads differ by at most one.
              int max = load.values().stream().max(Integer::compare).orElseThrow();
              int min =
                  clients >= n ? load.values().stream().min(Integer::compare).orElseThrow() : 0;
              assertThat(max - min).isLessThanOrEqualTo(1);
              assertThat(new HashSet<>(first.values())).hasSize(Math.min(n, clients));
              for (int c = clients - 1; c >= 0; c--) {
                assertThat(next(lb, c, false)).isEqualTo(first.get(c));
              }
            });
  }

  static Endpoint next(LoadBalancerRR lb, int client, boolean reset) {
    try {
      return lb.nextEndpoint(SVC, client(client), reset);
    } catch (LoadBalancerException e) {
      throw new AssertionError(e);
    }
  }
}
