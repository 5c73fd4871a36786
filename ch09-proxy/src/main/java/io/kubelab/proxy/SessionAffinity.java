package io.kubelab.proxy;

/**
 * A service's {@code spec.sessionAffinity}.
 *
 * <p>Upstream: {@code v1.ServiceAffinity} in {@code k8s.io/api/core/v1/types.go} ({@code "None"},
 * {@code "ClientIP"}), plus the empty string that {@code roundrobin.go} passes from its endpoint
 * handlers to mean "leave the type as it is", here {@link #UNSET}.
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
   * Parses {@code spec.sessionAffinity}; null or empty means {@code None}, the API default.
   *
   * @throws IllegalArgumentException naming {@code what} for any other value
   */
  public static SessionAffinity parse(String value, String what) {
    if (value == null || value.isEmpty() || value.equals("None")) {
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
