package io.kubelab.proxy;

/**
 * A service's {@code spec.sessionAffinity}.
 *
 * <p>Upstream: {@code v1.ServiceAffinity} in {@code k8s.io/api/core/v1/types.go} ({@code "None"},
 * {@code "ClientIP"}), plus the empty string, here {@link #UNSET}. {@code roundrobin.go} passes the
 * empty string from its endpoint handlers to mean "leave the type as it is", and the proxier passes
 * {@code spec.sessionAffinity} to the load balancer as it finds it, so a Service whose field is
 * empty (one the API server has not defaulted to {@code None}) leaves the type alone too.
 */
public enum SessionAffinity {
  /** The Go empty string: no opinion, keep what the service already has. */
  UNSET(""),
  NONE("None"),
  CLIENT_IP("ClientIP");

  private final String apiValue;

  SessionAffinity(String apiValue) {
    this.apiValue = apiValue;
  }

  /** The value as it appears in a Service manifest. */
  public String apiValue() {
    return apiValue;
  }

  /**
   * Parses {@code spec.sessionAffinity} verbatim: null or empty (Go's {@code ""}) is {@link
   * #UNSET}, not the API default {@code None}.
   *
   * @throws IllegalArgumentException naming {@code what} for any other value
   */
  public static SessionAffinity parse(String value, String what) {
    if (value == null || value.isEmpty()) {
      return UNSET;
    }
    if (value.equals("None")) {
      return NONE;
    }
    if (value.equals("ClientIP")) {
      return CLIENT_IP;
    }
    throw new IllegalArgumentException(
        what + ": spec.sessionAffinity \"" + value + "\" is not one of None, ClientIP");
  }

  /** Upstream's {@code isSessionAffinity}: only a real type other than None sticks clients. */
  boolean sticky() {
    return this == CLIENT_IP;
  }
}
