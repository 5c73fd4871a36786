package io.kubelab.scheduler.algorithm.policy;

/**
 * A Policy document that cannot be used: malformed JSON, a field of the wrong type, or a value that
 * upstream's validation rejects. The message names the field ({@code priorities[1].weight}).
 *
 * <p>Upstream: the errors of {@code ValidatePolicy} in {@code
 * pkg/scheduler/apis/config/validation/validation.go} and of the policy decoding in {@code
 * pkg/scheduler/scheduler.go} (v1.17).
 */
public final class PolicyException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public PolicyException(String message) {
    super(message);
  }

  public PolicyException(String message, Throwable cause) {
    super(message, cause);
  }
}
