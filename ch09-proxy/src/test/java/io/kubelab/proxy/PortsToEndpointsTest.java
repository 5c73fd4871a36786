package io.kubelab.proxy;

import static io.kubelab.proxy.Api.endpoints;
import static io.kubelab.proxy.Api.subset;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Upstream's {@code BuildPortsToEndpointsMap}: port name → ready "ip:port" endpoints. */
class PortsToEndpointsTest {

  static Map<String, List<String>> build(Endpoints eps) {
    Map<String, List<String>> out = new java.util.LinkedHashMap<>();
    PortsToEndpoints.build(eps)
        .forEach((k, v) -> out.put(k, v.stream().map(Endpoint::toString).toList()));
    return out;
  }

  @Test
  void endpointsOfOnePortAreCollectedAcrossSubsetsInOrder() {
    Endpoints eps =
        endpoints(
            "default",
            "web",
            new EndpointSubsetBuilder()
                .withAddresses(
                    new EndpointAddressBuilder().withIp("10.0.0.2").build(),
                    new EndpointAddressBuilder().withIp("10.0.0.1").build())
                .withPorts(
                    new EndpointPortBuilder().withName("http").withPort(8080).build(),
                    new EndpointPortBuilder().withName("dns").withPort(53).build())
                .build(),
            subset("http", 9090, "10.0.0.3"));
    assertThat(build(eps))
        .containsExactly(
            Map.entry("http", List.of("10.0.0.2:8080", "10.0.0.1:8080", "10.0.0.3:9090")),
            Map.entry("dns", List.of("10.0.0.2:53", "10.0.0.1:53")));
  }

  @Test
  void anUnnamedPortIsTheEmptyName() {
    EndpointSubset unnamed =
        new EndpointSubsetBuilder()
            .withAddresses(new EndpointAddressBuilder().withIp("10.0.0.1").build())
            .withPorts(new EndpointPortBuilder().withPort(80).build())
            .build();
    assertThat(build(endpoints("default", "web", unnamed)))
        .containsExactly(Map.entry("", List.of("10.0.0.1:80")));
  }

  @Test
  void absentListsAndInvalidEntriesContributeNothing() {
    assertThat(build(null)).isEmpty();
    Endpoints noSubsets = endpoints("default", "web");
    noSubsets.setSubsets(null);
    assertThat(build(noSubsets)).isEmpty();
    EndpointSubset noPorts = subset("http", 80, "10.0.0.1");
    noPorts.setPorts(null);
    EndpointSubset noAddresses = subset("dns", 53);
    noAddresses.setAddresses(null);
    EndpointSubset noPortNumber = subset("metrics", 80, "10.0.0.1");
    noPortNumber.getPorts().get(0).setPort(null);
    EndpointSubset noIp = subset("grpc", 90, "10.0.0.1");
    noIp.getAddresses().get(0).setIp(null);
    assertThat(build(endpoints("default", "web", noPorts, noAddresses, noPortNumber, noIp)))
        .isEmpty();
  }

  @Test
  void aBadIpNamesItsSubsetAndAddress() {
    Endpoints eps =
        endpoints(
            "default",
            "web",
            subset("http", 80, "10.0.0.1"),
            subset("http", 80, "10.0.0.2", "", "10.0.0.x"));
    assertThatThrownBy(() -> PortsToEndpoints.build(eps))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Endpoints default/web: subsets[1].addresses[2].ip: \"10.0.0.x\" is not an IP address");
  }
}
