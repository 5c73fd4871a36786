package io.kubelab.cluster.controller;

/**
 * A failed API call as a controller sees it: the HTTP code and the {@code Status} reason, so that
 * the controller can tell {@code NotFound} (the object is already gone) from a real failure.
 *
 * <p>Upstream: {@code k8s.io/apimachinery/pkg/api/errors} ({@code IsNotFound}, {@code IsInvalid},
 * {@code HasStatusCause(err, v1.NamespaceTerminatingCause)}).
 */
public final class ApiStatusException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int code;
  private final String reason;
  private final boolean namespaceTerminating;

  public ApiStatusException(int code, String reason, String message, boolean namespaceTerminating) {
    super(message);
    this.code = code;
    this.reason = reason == null ? "" : reason;
    this.namespaceTerminating = namespaceTerminating;
  }

  /** A {@code 404 NotFound}. */
  public static ApiStatusException notFound(String message) {
    return new ApiStatusException(404, "NotFound", message, false);
  }

  public int code() {
    return code;
  }

  public String reason() {
    return reason;
  }

  /** {@code errors.IsNotFound}. */
  public boolean isNotFound() {
    return "NotFound".equals(reason) || (reason.isEmpty() && code == 404);
  }

  /** {@code errors.IsInvalid}. */
  public boolean isInvalid() {
    return "Invalid".equals(reason) || (reason.isEmpty() && code == 422);
  }

  /** The error's causes include {@code NamespaceTerminating}. */
  public boolean namespaceTerminating() {
    return namespaceTerminating;
  }

  /** {@code errors.IsNotFound} of any throwable. */
  public static boolean isNotFound(Throwable t) {
    return t instanceof ApiStatusException e && e.isNotFound();
  }
}
