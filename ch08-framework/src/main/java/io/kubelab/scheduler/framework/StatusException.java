package io.kubelab.scheduler.framework;

import java.util.Objects;

/**
 * A non-success {@link Status} as an exception: what upstream's {@code Status.AsError()} returns,
 * and how a {@link ScorePlugin} reports a failed {@code Score} (Go returns {@code (int64,
 * *Status)}; here the score is the return value and a failure is thrown, so the common path
 * allocates nothing).
 */
public final class StatusException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient Status status;

  /**
   * @param status a non-success status; its message becomes this exception's
   */
  public StatusException(Status status) {
    super(Objects.requireNonNull(status, "status").message());
    if (status.isSuccess()) {
      throw new IllegalArgumentException("a success is not an error");
    }
    this.status = status;
  }

  public Status status() {
    return status;
  }
}
