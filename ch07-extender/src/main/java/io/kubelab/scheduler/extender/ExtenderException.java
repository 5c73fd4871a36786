package io.kubelab.scheduler.extender;

/**
 * An extender call failed: the transport, the HTTP status, the JSON, or the extender's own {@code
 * Error}. The message is upstream's error text where upstream has one.
 *
 * <p>Upstream: the {@code error} results of {@code HTTPExtender}'s methods in {@code
 * pkg/scheduler/core/extender.go} (v1.17).
 */
public final class ExtenderException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ExtenderException(String message) {
    super(message);
  }

  public ExtenderException(String message, Throwable cause) {
    super(message, cause);
  }
}
