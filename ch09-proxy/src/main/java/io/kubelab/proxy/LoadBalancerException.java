package io.kubelab.proxy;

/**
 * Why {@link LoadBalancerRR#nextEndpoint} found no endpoint for a service port.
 *
 * <p>Upstream: {@code ErrMissingServiceEntry} and {@code ErrMissingEndpoints} in {@code
 * pkg/proxy/userspace/roundrobin.go}. The two causes are different problems for an operator (the
 * proxier never heard of the service, versus the service has no ready pods), so they are two types
 * with upstream's messages followed by the service port.
 */
public abstract sealed class LoadBalancerException extends Exception
    permits LoadBalancerException.MissingServiceEntry, LoadBalancerException.MissingEndpoints {

  private static final long serialVersionUID = 1L;

  private final transient ServicePortName service;

  LoadBalancerException(String message, ServicePortName service) {
    super(message + " for " + service);
    this.service = service;
  }

  public ServicePortName service() {
    return service;
  }

  /** The load balancer has no state for this service port: {@code "missing service entry"}. */
  public static final class MissingServiceEntry extends LoadBalancerException {
    private static final long serialVersionUID = 1L;

    MissingServiceEntry(ServicePortName service) {
      super("missing service entry", service);
    }
  }

  /** The service port is known but has no ready endpoints: {@code "missing endpoints"}. */
  public static final class MissingEndpoints extends LoadBalancerException {
    private static final long serialVersionUID = 1L;

    MissingEndpoints(ServicePortName service) {
      super("missing endpoints", service);
    }
  }
}
