package io.kubelab.proxy;

import static io.kubelab.proxy.Api.clientIp;
import static io.kubelab.proxy.Api.service;
import static io.kubelab.proxy.Api.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import io.fabric8.kubernetes.api.model.SessionAffinityConfig;
import io.kubelab.apimachinery.clock.FakeClock;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How the proxier reads a Service: which fields it needs, which absent fields stand for their zero
 * value (as Go's zero values do upstream), and that bad input changes nothing. Nothing here carries
 * traffic; {@link ProxierTest} does that.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ProxierServiceSpecTest {

  static final ServicePortName WEB = new ServicePortName("default", "web", "http");

  final FakeClock clock = new FakeClock();
  final LoadBalancerRR lb = new LoadBalancerRR(clock, new Random(1));
  final Proxier proxier = new Proxier(lb, clock, Proxier.Config.defaults(), new Random(1));

  @AfterEach
  void stop() {
    proxier.close();
    assertThat(proxier.numProxyLoops()).isZero();
  }

  static Service web(ServicePort... ports) {
    return service("default", "web", "10.96.0.10", ports);
  }

  // ---- identity ----

  @Test
  void aServiceNeedsANamespaceAndAName() {
    Service noMetadata = web(tcp("http", 80));
    noMetadata.setMetadata(null);
    assertThatThrownBy(() -> proxier.onServiceAdd(noMetadata))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Service null/null: metadata.namespace and metadata.name are required");
    for (ObjectMeta meta :
        List.of(meta("default", ""), meta("default", null), meta("", "web"), meta(null, "web"))) {
      Service s = web(tcp("http", 80));
      s.setMetadata(meta);
      assertThatThrownBy(() -> proxier.onServiceAdd(s))
          .as("namespace %s, name %s", meta.getNamespace(), meta.getName())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "Service "
                  + meta.getNamespace()
                  + "/"
                  + meta.getName()
                  + ": metadata.namespace and metadata.name are required");
    }
    assertThat(proxier.numProxyLoops()).isZero();
  }

  static ObjectMeta meta(String namespace, String name) {
    ObjectMeta m = new ObjectMeta();
    m.setNamespace(namespace);
    m.setName(name);
    return m;
  }

  @Test
  void aServiceWithoutASpecHasNoClusterIpAndIsSkipped() {
    // Upstream's ShouldSkipService reads spec.clusterIP, which is "" when the spec is empty.
    Service s = web(tcp("http", 80));
    s.setSpec(null);
    proxier.onServiceAdd(s);
    assertThat(proxier.proxyAddress(WEB)).isEmpty();
    assertThat(lb.endpoints(WEB)).isNull();
  }

  @Test
  void anEmptyClusterIpIsSkippedLikeNone() {
    proxier.onServiceAdd(service("default", "web", "", tcp("http", 80)));
    proxier.onServiceAdd(service("default", "web", null, tcp("http", 80)));
    assertThat(proxier.proxyAddress(WEB)).isEmpty();
    assertThat(proxier.numProxyLoops()).isZero();
  }

  // ---- ports ----

  @Test
  void servicePortsRunFromOneTo65535() {
    ServicePort noNumber = new ServicePortBuilder().withName("http").withProtocol("TCP").build();
    assertThatThrownBy(() -> proxier.onServiceAdd(web(noNumber)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Service default/web: spec.ports[0].port 0 is out of range 1-65535");
    assertThatThrownBy(() -> proxier.onServiceAdd(web(tcp("http", 65536))))
        .hasMessage("Service default/web: spec.ports[0].port 65536 is out of range 1-65535");
    proxier.onServiceAdd(web(tcp("http", 65535)));
    assertThat(proxier.proxyAddress(WEB)).isPresent();
    assertThat(proxier.serviceInfo(WEB).config.portalPort()).isEqualTo(65535);
  }

  @Test
  void oneBadPortLeavesTheWholeServiceUntouched() {
    Service good = web(tcp("http", 80));
    proxier.onServiceAdd(good);
    ServiceInfo before = proxier.serviceInfo(WEB);
    Service bad = web(tcp("http", 8080), tcp("dns", 0));
    assertThatThrownBy(() -> proxier.onServiceUpdate(good, bad))
        .hasMessage("Service default/web: spec.ports[1].port 0 is out of range 1-65535");
    assertThat(proxier.serviceInfo(WEB))
        .as("the valid first port changed nothing")
        .isSameAs(before);
    assertThat(proxier.numProxyLoops()).isEqualTo(1);
  }

  @Test
  void removingAPortThatWasNeverProxiedIsHarmless() {
    // The SCTP port never got a proxy; upstream logs that it "is being removed but doesn't exist".
    ServicePort sctp =
        new ServicePortBuilder().withName("sctp").withPort(9).withProtocol("SCTP").build();
    Service both = web(tcp("http", 80), sctp);
    proxier.onServiceAdd(both);
    ServiceInfo http = proxier.serviceInfo(WEB);
    Service httpOnly = web(tcp("http", 80));
    proxier.onServiceUpdate(both, httpOnly);
    assertThat(proxier.serviceInfo(WEB)).isSameAs(http);
    proxier.onServiceUpdate(httpOnly, both);
    proxier.onServiceDelete(both);
    assertThat(proxier.proxyAddress(WEB)).isEmpty();
    assertThat(proxier.numProxyLoops()).isZero();
  }

  // ---- session affinity ----

  @Test
  void clientIpWithoutATimeoutGetsTheDefaultTtl() {
    Service noConfig =
        new ServiceBuilder(web(tcp("http", 80)))
            .editSpec()
            .withSessionAffinity("ClientIP")
            .endSpec()
            .build();
    noConfig.getSpec().setSessionAffinityConfig(null);
    Service noClientIp = new ServiceBuilder(noConfig).build();
    noClientIp.getSpec().setSessionAffinityConfig(new SessionAffinityConfig());
    Service noTimeout = clientIp(web(tcp("http", 80)), null);
    for (Service s : List.of(noConfig, noClientIp, noTimeout)) {
      proxier.onServiceAdd(s);
      assertThat(lb.affinityType(WEB)).isEqualTo(SessionAffinity.CLIENT_IP);
      assertThat(lb.ttlSeconds(WEB)).isEqualTo(10800);
      assertThat(proxier.serviceInfo(WEB).stickyMaxAgeSeconds).isZero();
      proxier.onServiceDelete(s);
    }
  }

  @Test
  void aTimeoutCountsOnlyForClientIpAffinity() {
    Service none =
        new ServiceBuilder(clientIp(web(tcp("http", 80)), 30))
            .editSpec()
            .withSessionAffinity("None")
            .endSpec()
            .build();
    proxier.onServiceAdd(none);
    assertThat(lb.affinityType(WEB)).isEqualTo(SessionAffinity.NONE);
    assertThat(lb.ttlSeconds(WEB)).isEqualTo(10800);
  }

  @Test
  void aZeroTimeoutIsTheDefault() {
    proxier.onServiceAdd(clientIp(web(tcp("http", 80)), 0));
    assertThat(lb.ttlSeconds(WEB)).isEqualTo(10800);
  }

  @Test
  void clientIpTimeoutsRunUpTo86400Seconds() {
    proxier.onServiceAdd(clientIp(web(tcp("http", 80)), 86400));
    assertThat(lb.ttlSeconds(WEB)).isEqualTo(86400);
    assertThat(proxier.serviceInfo(WEB).stickyMaxAgeSeconds).isEqualTo(86400);
    ServicePortName other = new ServicePortName("default", "other", "http");
    assertThatThrownBy(
            () ->
                proxier.onServiceAdd(
                    clientIp(service("default", "other", "10.96.0.11", tcp("http", 80)), -1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Service default/other: spec.sessionAffinityConfig.clientIP.timeoutSeconds -1 must be"
                + " in 0-86400 (0: the default, 10800)");
    assertThat(proxier.proxyAddress(other)).isEmpty();
  }

  // ---- absent lists and status ----

  @Test
  void absentExternalIpsAndLoadBalancerStatusMeanNone() {
    Service v1 = web(tcp("http", 80));
    v1.getSpec().setExternalIPs(null);
    v1.setStatus(null);
    proxier.onServiceAdd(v1);
    ServiceInfo first = proxier.serviceInfo(WEB);
    assertThat(first.config.externalIps()).isEmpty();
    assertThat(first.config.loadBalancerIngress()).isEmpty();
    // Each of these is "no ingress" as well, so sameConfig holds and nothing restarts.
    Service previous = v1;
    LoadBalancerStatus noIngress = new LoadBalancerStatus();
    noIngress.setIngress(null);
    for (ServiceStatus status :
        List.of(
            new ServiceStatus(null, null),
            new ServiceStatus(null, noIngress),
            new ServiceStatus(null, new LoadBalancerStatus(List.of())))) {
      Service next = new ServiceBuilder(previous).build();
      next.getSpec().setExternalIPs(List.of());
      next.setStatus(status);
      proxier.onServiceUpdate(previous, next);
      assertThat(proxier.serviceInfo(WEB)).isSameAs(first);
      previous = next;
    }
  }

  // ---- what the proxier reports and passes on ----

  @Test
  void anUnknownServicePortHasNoAddresses() {
    assertThat(proxier.proxyAddress(WEB)).isEmpty();
    assertThat(proxier.portalAddress(WEB)).isEmpty();
    assertThat(proxier.nodePortAddress(WEB)).isEmpty();
  }

  @Test
  void endpointEventsGoStraightToTheLoadBalancer() {
    var v1 = Api.endpoints("default", "web", "http", 8080, "10.0.0.1");
    var v2 = Api.endpoints("default", "web", "http", 8080, "10.0.0.2");
    proxier.onEndpointsAdd(v1);
    assertThat(lb.endpoints(WEB)).extracting(Endpoint::toString).containsExactly("10.0.0.1:8080");
    proxier.onEndpointsUpdate(v1, v2);
    assertThat(lb.endpoints(WEB)).extracting(Endpoint::toString).containsExactly("10.0.0.2:8080");
    proxier.onEndpointsDelete(v2);
    assertThat(lb.endpoints(WEB)).isEmpty();
  }

  @Test
  void theTimeoutsMustBePositive() {
    var loopback = java.net.InetAddress.getLoopbackAddress();
    var second = java.time.Duration.ofSeconds(1);
    assertThatThrownBy(
            () ->
                new Proxier.Config(
                    loopback, PortRange.EMPTY, java.time.Duration.ZERO, second, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("period must be positive");
    assertThatThrownBy(
            () ->
                new Proxier.Config(
                    loopback, PortRange.EMPTY, second, java.time.Duration.ZERO, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("period must be positive");
  }

  @Test
  void closeStopsTheSyncTimer() {
    assertThat(clock.pendingTimers()).isEqualTo(1);
    proxier.close();
    assertThat(clock.pendingTimers()).isZero();
  }

  // ---- portals: only on loopback cluster IPs, only when asked for ----

  @Test
  void aClusterIpOffLoopbackGetsNoPortal() throws Exception {
    int port = ProxierTest.freePorts(1);
    proxier.onServiceAdd(service("default", "web", "10.96.0.10", tcp("http", port)));
    assertThat(proxier.proxyAddress(WEB)).isPresent();
    assertThat(proxier.portalAddress(WEB)).isEmpty();
  }

  @Test
  void aClusterIpThatIsNotALiteralIsNeverResolved() throws Exception {
    int port = ProxierTest.freePorts(1);
    proxier.onServiceAdd(service("default", "web", "localhost", tcp("http", port)));
    assertThat(proxier.proxyAddress(WEB)).isPresent();
    assertThat(proxier.portalAddress(WEB)).isEmpty();
  }

  @Test
  void noPortalWhenPortalsAreOff() throws Exception {
    int port = ProxierTest.freePorts(1);
    Proxier.Config d = Proxier.Config.defaults();
    try (Proxier off =
        new Proxier(
            lb,
            clock,
            new Proxier.Config(
                d.listenIp(), d.portRange(), d.udpIdleTimeout(), d.syncPeriod(), false),
            new Random(1))) {
      off.onServiceAdd(service("default", "web", "127.0.93.9", tcp("http", port)));
      assertThat(off.proxyAddress(WEB)).isPresent();
      assertThat(off.portalAddress(WEB)).isEmpty();
    }
  }
}
