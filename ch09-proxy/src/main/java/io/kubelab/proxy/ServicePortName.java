package io.kubelab.proxy;

/**
 * One port of one service: the key of every proxy and load-balancer map.
 *
 * <p>Upstream: {@code ServicePortName} in {@code pkg/proxy/types.go}. Its string form is {@code
 * namespace/name:port}, or {@code namespace/name} when the port is unnamed (a single-port service
 * may leave its port name empty), exactly as upstream's {@code String()} prints it, so log lines
 * and error messages read the same.
 */
public record ServicePortName(String namespace, String name, String port) {

  public ServicePortName {
    if (namespace == null || namespace.isEmpty()) {
      throw new IllegalArgumentException("ServicePortName: namespace must not be empty");
    }
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException(
          "ServicePortName " + namespace + ": name must not be empty");
    }
    // A null port name is the Go zero value "": an unnamed port.
    port = port == null ? "" : port;
  }

  /** {@code namespace/name:port}, or {@code namespace/name} for an unnamed port. */
  @Override
  public String toString() {
    return port.isEmpty() ? namespace + "/" + name : namespace + "/" + name + ":" + port;
  }
}
