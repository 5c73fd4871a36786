package io.kubelab.scheduler.framework;

/**
 * A framework could not be built from its configuration: an unknown or duplicate plugin, a plugin
 * at a point it does not implement, bad arguments, a bad weight, or a missing queue sort or bind
 * plugin. The message is upstream's, prefixed with the configuration field that caused it when that
 * is known.
 *
 * <p>Upstream: the errors of {@code NewFramework} in {@code pkg/scheduler/framework/v1alpha1/
 * framework.go} (v1.18).
 */
public final class FrameworkException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public FrameworkException(String message) {
    super(message);
  }

  public FrameworkException(String message, Throwable cause) {
    super(message, cause);
  }
}
