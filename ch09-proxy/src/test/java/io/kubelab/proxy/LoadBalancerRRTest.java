package io.kubelab.proxy;

import static io.kubelab.proxy.Api.endpoints;
import static io.kubelab.proxy.Api.subset;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.kubelab.apimachinery.clock.FakeClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The rules of upstream's roundrobin.go, one example each. */
class LoadBalancerRRTest {

  static final ServicePortName WEB = new ServicePortName("default", "web", "http");

  final FakeClock clock = new FakeClock();
  final LoadBalancerRR lb = new LoadBalancerRR(clock, new Random(1));

  static InetSocketAddress client(int i) {
    try {
      return new InetSocketAddress(
          InetAddress.getByAddress(new byte[] {10, 1, (byte) (i >> 8), (byte) i}), 40000 + i);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  Endpoint next(int client) throws LoadBalancerException {
    return lb.nextEndpoint(WEB, client(client), false);
  }

  @Test
  void unknownServiceIsMissingServiceEntry() {
    assertThatThrownBy(() -> next(1))
        .isInstanceOf(LoadBalancerException.MissingServiceEntry.class)
        .hasMessage("missing service entry for default/web:http");
  }

  @Test
  void knownServiceWithoutEndpointsIsMissingEndpoints() {
    lb.newService(WEB, SessionAffinity.NONE, 0);
    assertThatThrownBy(() -> next(1))
        .isInstanceOf(LoadBalancerException.MissingEndpoints.class)
        .hasMessage("missing endpoints for default/web:http");
    assertThat(lb.serviceHasEndpoints(WEB)).isFalse();
  }

  @Test
  void roundRobinFollowsTheShuffledListAndWraps() throws Exception {
    lb.onEndpointsAdd(
        endpoints("default", "web", "http", 8080, "10.0.0.1", "10.0.0.2", "10.0.0.3"));
    List<Endpoint> order = lb.endpoints(WEB);
    assertThat(order)
        .extracting(Endpoint::toString)
        .containsExactlyInAnyOrder("10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.3:8080");
    List<Endpoint> picked = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      picked.add(next(i)); // different clients: without affinity the client does not matter
    }
    assertThat(picked)
        .containsExactly(
            order.get(0),
            order.get(1),
            order.get(2),
            order.get(0),
            order.get(1),
            order.get(2),
            order.get(0));
    assertThat(lb.index(WEB)).isEqualTo(1);
  }

  @Test
  void endpointsWithoutNewServiceGetDefaultNoneAffinity() throws Exception {
    // Upstream: "OnEndpointsAdd can be called without NewService being called externally."
    lb.onEndpointsAdd(endpoints("default", "web", "http", 8080, "10.0.0.1", "10.0.0.2"));
    assertThat(next(1)).isNotEqualTo(next(1));
    assertThat(lb.stickyClients(WEB)).isEmpty();
    assertThat(lb.ttlSeconds(WEB))
        .isEqualTo(LoadBalancerRR.DEFAULT_CLIENT_IP_SERVICE_AFFINITY_SECONDS);
  }

  @Test
  void clientIpStickTillTtlThenMoves() throws Exception {
    lb.newService(WEB, SessionAffinity.CLIENT_IP, 10);
    lb.onEndpointsAdd(
        endpoints("default", "web", "http", 8080, "10.0.0.1", "10.0.0.2", "10.0.0.3"));
    Endpoint first = next(1);
    for (int i = 0; i < 5; i++) {
      clock.step(Duration.ofSeconds(9)); // each hit refreshes lastUsed: 9 s idle never expires
      assertThat(next(1)).isEqualTo(first);
    }
    clock.step(Duration.ofMillis(9_999)); // int(9.999 s) = 9 < 10: still sticky
    assertThat(next(1)).isEqualTo(first);
    clock.step(Duration.ofSeconds(10)); // 10 s idle: 10 < 10 is false, the record is stale
    Endpoint after = next(1);
    // Round-robin hands out the next endpoint (index 1), not the one the client had (index 0).
    assertThat(after).isEqualTo(lb.endpoints(WEB).get(1)).isNotEqualTo(first);
    assertThat(lb.stickyClients(WEB)).containsEntry(client(1).getAddress(), after);
  }

  @Test
  void differentClientsAreSpreadAndEachSticks() throws Exception {
    lb.newService(WEB, SessionAffinity.CLIENT_IP, 0);
    lb.onEndpointsAdd(
        endpoints("default", "web", "http", 8080, "10.0.0.1", "10.0.0.2", "10.0.0.3"));
    Endpoint a = next(1);
    Endpoint b = next(2);
    Endpoint c = next(3);
    assertThat(new HashSet<>(List.of(a, b, c))).hasSize(3);
    assertThat(List.of(next(3), next(2), next(1))).containsExactly(c, b, a);
  }

  @Test
  void zeroTtlMeansThreeHours() throws Exception {
    lb.newService(WEB, SessionAffinity.CLIENT_IP, 0);
    lb.onEndpointsAdd(endpoints("default", "web", "http", 8080, "10.0.0.1", "10.0.0.2"));
    assertThat(lb.ttlSeconds(WEB)).isEqualTo(10800);
    Endpoint first = next(1);
    clock.step(Duration.ofSeconds(10799));
    assertThat(next(1)).isEqualTo(first);
    clock.step(Duration.ofSeconds(10800));
    lb.cleanupStaleStickySessions(WEB);
    assertThat(lb.stickyClients(WEB)).isEmpty();
  }

  @Test
  void newServiceAgainUpdatesTypeButNeverTtl() {
    lb.newService(WEB, SessionAffinity.NONE, 30);
    lb.newService(WEB, SessionAffinity.CLIENT_IP, 60);
    assertThat(lb.ttlSeconds(WEB)).isEqualTo(30);
    lb.onEndpointsAdd(endpoints("default", "web", "http", 8080, "10.0.0.1"));
    assertThat(lb.ttlSeconds(WEB)).isEqualTo(30);
  }

  @Test
  void sessionAffinityResetMovesTheClientAndRewritesItsRecord() throws Exception {
    lb.newService(WEB, SessionAffinity.CLIENT_IP, 0);
    lb.onEndpointsAdd(endpoints("default", "web", "http", 8080, "10.0.0.1", "10.0.0.2"));
    Endpoint stuck = next(1);
    Endpoint moved = lb.nextEndpoint(WEB, client(1), true);
    assertThat(moved).isNotEqualTo(stuck);
    assertThat(next(1)).isEqualTo(moved);
  }

  @Test
  void updateDropsOnlyClientsOfRemovedEndpoints() throws Exception {
    lb.newService(WEB, SessionAffinity.CLIENT_IP, 0);
    Endpoints before =
        endpoints("default", "web", "http", 8080, "10.0.0.1", "10.0.0.2", "10.0.0.3");
    lb.onEndpointsAdd(before);
    Endpoint e1 = next(1);
    Endpoint e2 = next(2);
    Endpoint e3 = next(3);
    // Remove client 2's endpoint, keep the other two, add a new one.
    List<String> ips = new ArrayList<>();
    for (Endpoint e : List.of(e1, e3)) {
      ips.add(e.ip());
    }
    ips.add("10.0.0.9");
    Endpoints after = endpoints("default", "web", "http", 8080, ips.toArray(String[]::new));
    lb.onEndpointsUpdate(before, after);
    assertThat(lb.stickyClients(WEB))
        .containsOnlyKeys(client(1).getAddress(), client(3).getAddress());
    assertThat(next(1)).isEqualTo(e1);
    assertThat(next(3)).isEqualTo(e3);
    assertThat(lb.endpoints(WEB)).doesNotContain(e2);
  }

  @Test
  void updatePrunesOnlyClientsOfEndpointsLeavingTheCurrentList() throws Exception {
    lb.newService(WEB, SessionAffinity.CLIENT_IP, 0);
    Endpoints first = endpoints("default", "web", "http", 8080, "10.0.0.1");
    lb.onEndpointsAdd(first);
    Endpoint old = next(1);
    // A second add replaces the list but prunes nothing: client 1 still points at 10.0.0.1,
    // which is no longer in the list, and is even sent there while its record is fresh.
    Endpoints second = endpoints("default", "web", "http", 8080, "10.0.0.2", "10.0.0.3");
    lb.onEndpointsAdd(second);
    assertThat(next(1)).isEqualTo(old);
    Endpoint kept = next(2);
    Endpoint dropped = next(3);
    // The update removes one endpoint of the current list: only its client goes. Client 1's
    // record names an endpoint outside the current list, so upstream never looks at it.
    Endpoints third = endpoints("default", "web", "http", 8080, kept.ip());
    lb.onEndpointsUpdate(second, third);
    assertThat(lb.stickyClients(WEB))
        .containsOnlyKeys(client(1).getAddress(), client(2).getAddress())
        .doesNotContainValue(dropped);
    assertThat(next(1)).isEqualTo(old);
  }

  @Test
  void unsetTypeCreatesANonStickyStateAndLeavesAnExistingTypeAlone() throws Exception {
    lb.newService(WEB, SessionAffinity.UNSET, 0);
    assertThat(lb.affinityType(WEB)).isEqualTo(SessionAffinity.UNSET);
    lb.onEndpointsAdd(endpoints("default", "web", "http", 8080, "10.0.0.1", "10.0.0.2"));
    assertThat(List.of(next(1), next(1))).doesNotHaveDuplicates(); // not sticky
    lb.newService(WEB, SessionAffinity.CLIENT_IP, 0);
    lb.newService(WEB, SessionAffinity.UNSET, 0);
    assertThat(lb.affinityType(WEB)).isEqualTo(SessionAffinity.CLIENT_IP);
    assertThat(next(1)).isEqualTo(next(1));
  }

  @Test
  void sameSetInAnotherOrderChangesNothing() throws Exception {
    Endpoints before =
        endpoints("default", "web", "http", 8080, "10.0.0.1", "10.0.0.2", "10.0.0.3");
    lb.onEndpointsAdd(before);
    next(1);
    List<Endpoint> order = lb.endpoints(WEB);
    Endpoints reordered =
        endpoints("default", "web", "http", 8080, "10.0.0.3", "10.0.0.1", "10.0.0.2");
    lb.onEndpointsUpdate(before, reordered);
    assertThat(lb.endpoints(WEB)).isSameAs(order);
    assertThat(lb.index(WEB)).isEqualTo(1);
  }

  @Test
  void portThatLeavesTheObjectIsResetWithAllItsClients() throws Exception {
    ServicePortName dns = new ServicePortName("default", "web", "dns");
    lb.newService(WEB, SessionAffinity.CLIENT_IP, 0);
    lb.newService(dns, SessionAffinity.CLIENT_IP, 0);
    Endpoints both =
        endpoints(
            "default",
            "web",
            subset("http", 8080, "10.0.0.1", "10.0.0.2"),
            subset("dns", 53, "10.0.0.1"));
    lb.onEndpointsAdd(both);
    next(1);
    lb.nextEndpoint(dns, client(1), false);
    Endpoints httpOnly = endpoints("default", "web", subset("http", 8080, "10.0.0.1", "10.0.0.2"));
    lb.onEndpointsUpdate(both, httpOnly);
    assertThat(lb.endpoints(dns)).isEmpty();
    assertThat(lb.stickyClients(dns)).isEmpty();
    assertThat(lb.ttlSeconds(dns)).isEqualTo(10800); // state kept, only emptied
    assertThat(lb.stickyClients(WEB)).hasSize(1);
    assertThatThrownBy(() -> lb.nextEndpoint(dns, client(1), false))
        .isInstanceOf(LoadBalancerException.MissingEndpoints.class);
  }

  @Test
  void deleteEmptiesButKeepsStateAndDeleteServiceDropsIt() {
    Endpoints eps = endpoints("default", "web", "http", 8080, "10.0.0.1");
    lb.onEndpointsAdd(eps);
    lb.onEndpointsDelete(eps);
    assertThat(lb.endpoints(WEB)).isEmpty();
    assertThatThrownBy(() -> next(1)).isInstanceOf(LoadBalancerException.MissingEndpoints.class);
    lb.deleteService(WEB);
    assertThatThrownBy(() -> next(1)).isInstanceOf(LoadBalancerException.MissingServiceEntry.class);
  }

  @Test
  void addWithAnEmptyListKeepsExistingEndpoints() {
    lb.onEndpointsAdd(endpoints("default", "web", "http", 8080, "10.0.0.1"));
    // Zero ready addresses: upstream's map has no entry for the port, so nothing changes.
    lb.onEndpointsAdd(endpoints("default", "web", "http", 8080));
    assertThat(lb.endpoints(WEB)).hasSize(1);
  }

  @Test
  void onlyReadyAddressesWithAnIpAndAPortCount() {
    Endpoints eps =
        endpoints(
            "default",
            "web",
            new EndpointSubsetBuilder(subset("http", 8080, "10.0.0.1", ""))
                .withNotReadyAddresses(new EndpointAddressBuilder().withIp("10.0.0.7").build())
                .build(),
            subset("zero", 0, "10.0.0.2"));
    lb.onEndpointsAdd(eps);
    assertThat(lb.endpoints(WEB)).extracting(Endpoint::toString).containsExactly("10.0.0.1:8080");
    assertThat(lb.endpoints(new ServicePortName("default", "web", "zero"))).isNull();
  }

  @Test
  void cleanupRemovesOnlyExpiredClients() throws Exception {
    lb.newService(WEB, SessionAffinity.CLIENT_IP, 60);
    lb.onEndpointsAdd(endpoints("default", "web", "http", 8080, "10.0.0.1", "10.0.0.2"));
    next(1);
    clock.step(Duration.ofSeconds(30));
    next(2);
    clock.step(Duration.ofSeconds(30)); // client 1: 60 s idle, client 2: 30 s
    lb.cleanupStaleStickySessions(WEB);
    assertThat(lb.stickyClients(WEB)).containsOnlyKeys(client(2).getAddress());
  }

  @Test
  void ipv6EndpointsPrintLikeJoinHostPort() {
    lb.onEndpointsAdd(endpoints("default", "web", "http", 8080, "fd00::1"));
    assertThat(lb.endpoints(WEB)).extracting(Endpoint::toString).containsExactly("[fd00::1]:8080");
  }

  @Test
  void badInputNamesTheObjectAndField() {
    assertThatThrownBy(
            () -> lb.onEndpointsAdd(endpoints("default", "web", "http", 8080, "web-1.local")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Endpoints default/web: subsets[0].addresses[0].ip: \"web-1.local\" is not an IP"
                + " address");
    assertThatThrownBy(() -> lb.onEndpointsAdd(endpoints(null, "web", "http", 8080, "10.0.0.1")))
        .hasMessage("Endpoints ?/web: metadata.namespace is empty");
    assertThatThrownBy(() -> lb.newService(WEB, SessionAffinity.CLIENT_IP, -1))
        .hasMessageContaining("default/web:http")
        .hasMessageContaining("timeoutSeconds");
  }

  @Test
  void unnamedPortPrintsWithoutColon() {
    assertThat(new ServicePortName("ns", "svc", "")).hasToString("ns/svc");
    assertThat(new ServicePortName("ns", "svc", null))
        .isEqualTo(new ServicePortName("ns", "svc", ""));
    assertThat(WEB).hasToString("default/web:http");
  }

  @Test
  void serviceHasEndpointsOnlyWhileItHasReadyEndpoints() {
    assertThat(lb.serviceHasEndpoints(WEB)).as("unknown service").isFalse();
    Endpoints eps = endpoints("default", "web", "http", 8080, "10.0.0.1");
    lb.onEndpointsAdd(eps);
    assertThat(lb.serviceHasEndpoints(WEB)).isTrue();
    lb.onEndpointsDelete(eps);
    assertThat(lb.serviceHasEndpoints(WEB)).as("known, emptied").isFalse();
  }

  @Test
  void aStickyServiceNeedsTheClientsIp() {
    lb.newService(WEB, SessionAffinity.CLIENT_IP, 0);
    lb.onEndpointsAdd(endpoints("default", "web", "http", 8080, "10.0.0.1"));
    // Upstream: net.SplitHostPort on the source address; an address without an IP cannot stick.
    assertThatThrownBy(
            () ->
                lb.nextEndpoint(WEB, InetSocketAddress.createUnresolved("client.local", 1), false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "Service default/web:http: malformed source address \"client.local");
    assertThatThrownBy(() -> lb.nextEndpoint(WEB, null, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Service default/web:http: malformed source address \"null\"");
    assertThat(lb.stickyClients(WEB)).isEmpty();
  }

  @Test
  void aServiceWithoutAffinityIgnoresTheClientAddress() throws Exception {
    lb.onEndpointsAdd(endpoints("default", "web", "http", 8080, "10.0.0.1"));
    assertThat(lb.nextEndpoint(WEB, null, false)).hasToString("10.0.0.1:8080");
  }

  @Test
  void endpointsWithoutANamespaceOrNameAreRefused() {
    assertThatThrownBy(() -> lb.onEndpointsAdd(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Endpoints must not be null");
    assertThatThrownBy(() -> lb.onEndpointsDelete(new Endpoints()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Endpoints null/?: metadata.name is empty");
    assertThatThrownBy(() -> lb.onEndpointsAdd(endpoints("default", "", "http", 8080, "10.0.0.1")))
        .hasMessage("Endpoints default/?: metadata.name is empty");
    assertThatThrownBy(() -> lb.onEndpointsAdd(endpoints("", "web", "http", 8080, "10.0.0.1")))
        .hasMessage("Endpoints ?/web: metadata.namespace is empty");
    assertThat(lb.endpoints(WEB)).isNull();
    Endpoints eps = endpoints("default", "web", "http", 8080, "10.0.0.1");
    assertThatThrownBy(() -> lb.onEndpointsUpdate(null, eps))
        .hasMessage("old Endpoints must not be null");
  }

  @Test
  void aLoadBalancerNeedsAClockAndARandomSource() {
    assertThatThrownBy(() -> new LoadBalancerRR(null, new Random(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("LoadBalancerRR: clock and random must not be null");
    assertThatThrownBy(() -> new LoadBalancerRR(clock, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("LoadBalancerRR: clock and random must not be null");
  }

  @Test
  void aServicePortNeedsANamespaceAndAName() {
    assertThatThrownBy(() -> new ServicePortName(null, "web", "http"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ServicePortName: namespace must not be empty");
    assertThatThrownBy(() -> new ServicePortName("", "web", "http"))
        .hasMessage("ServicePortName: namespace must not be empty");
    assertThatThrownBy(() -> new ServicePortName("default", null, "http"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ServicePortName default: name must not be empty");
    assertThatThrownBy(() -> new ServicePortName("default", "", "http"))
        .hasMessage("ServicePortName default: name must not be empty");
  }
}
