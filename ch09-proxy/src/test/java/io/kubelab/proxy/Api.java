package io.kubelab.proxy;

import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.Arrays;
import java.util.List;

/** Small builders for the fabric8 Service and Endpoints objects the tests feed the proxy. */
final class Api {
  private Api() {}

  static ServicePort tcp(String name, int port) {
    return new ServicePortBuilder().withName(name).withPort(port).withProtocol("TCP").build();
  }

  static ServicePort udp(String name, int port) {
    return new ServicePortBuilder().withName(name).withPort(port).withProtocol("UDP").build();
  }

  static Service service(String namespace, String name, String clusterIp, ServicePort... ports) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withClusterIP(clusterIp)
        .withSessionAffinity("None")
        .withPorts(ports)
        .endSpec()
        .build();
  }

  /** The same service with ClientIP affinity and the given timeout (null: unset). */
  static Service clientIp(Service s, Integer timeoutSeconds) {
    return new ServiceBuilder(s)
        .editSpec()
        .withSessionAffinity("ClientIP")
        .withNewSessionAffinityConfig()
        .withNewClientIP()
        .withTimeoutSeconds(timeoutSeconds)
        .endClientIP()
        .endSessionAffinityConfig()
        .endSpec()
        .build();
  }

  /** One subset: every {@code ip} ready on one named port. */
  static Endpoints endpoints(
      String namespace, String name, String portName, int port, String... ips) {
    return endpoints(namespace, name, subset(portName, port, ips));
  }

  static Endpoints endpoints(String namespace, String name, EndpointSubset... subsets) {
    return new EndpointsBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .withSubsets(subsets)
        .build();
  }

  static EndpointSubset subset(String portName, int port, String... ips) {
    return new EndpointSubsetBuilder()
        .withAddresses(
            Arrays.stream(ips).map(ip -> new EndpointAddressBuilder().withIp(ip).build()).toList())
        .withPorts(new EndpointPortBuilder().withName(portName).withPort(port).build())
        .build();
  }

  static EndpointSubset subset(String portName, List<Endpoint> endpoints) {
    // Endpoints of one port may differ in port number only across subsets; keep it simple.
    return new EndpointSubsetBuilder()
        .withAddresses(
            endpoints.stream()
                .map(ep -> new EndpointAddressBuilder().withIp(ep.ip()).build())
                .toList())
        .withPorts(
            new EndpointPortBuilder()
                .withName(portName)
                .withPort(endpoints.isEmpty() ? 80 : endpoints.get(0).port())
                .build())
        .build();
  }
}
