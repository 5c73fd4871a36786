package io.kubelab.proxy;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Flattens an Endpoints object into port name → ready endpoints.
 *
 * <p>Upstream: {@code BuildPortsToEndpointsMap} and {@code isValidEndpoint} in {@code
 * pkg/proxy/util/utils.go}. Only {@code subsets[].addresses} (ready) count; {@code
 * notReadyAddresses} never receive traffic. An address with an empty IP or a port that is not
 * positive is skipped, as upstream skips it, so a port whose every address is skipped does not
 * appear in the map at all, which is what later makes the load balancer reset that port.
 */
final class PortsToEndpoints {

  private PortsToEndpoints() {}

  /**
   * Port name → endpoints, in the order the object lists them (subset, then port, then address).
   *
   * @throws IllegalArgumentException naming the object and field if an IP is not an IP literal
   */
  static Map<String, List<Endpoint>> build(Endpoints endpoints) {
    Map<String, List<Endpoint>> result = new LinkedHashMap<>();
    if (endpoints == null || endpoints.getSubsets() == null) {
      return result;
    }
    String object = "Endpoints " + describe(endpoints);
    List<EndpointSubset> subsets = endpoints.getSubsets();
    for (int s = 0; s < subsets.size(); s++) {
      EndpointSubset subset = subsets.get(s);
      List<EndpointPort> ports = subset.getPorts() == null ? List.of() : subset.getPorts();
      List<EndpointAddress> addresses =
          subset.getAddresses() == null ? List.of() : subset.getAddresses();
      for (EndpointPort port : ports) {
        int number = port.getPort() == null ? 0 : port.getPort();
        String portName = port.getName() == null ? "" : port.getName();
        for (int a = 0; a < addresses.size(); a++) {
          String ip = addresses.get(a).getIp();
          if (ip == null || ip.isEmpty() || number <= 0) {
            continue;
          }
          String field = object + ": subsets[" + s + "].addresses[" + a + "].ip";
          result
              .computeIfAbsent(portName, k -> new ArrayList<>())
              .add(Endpoint.of(ip, number, field));
        }
      }
    }
    return result;
  }

  static String describe(Endpoints endpoints) {
    if (endpoints.getMetadata() == null) {
      return "<no metadata>";
    }
    return endpoints.getMetadata().getNamespace() + "/" + endpoints.getMetadata().getName();
  }
}
