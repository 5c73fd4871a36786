package io.kubelab.kubelet.container;

/**
 * A runtime call failed: the runtime is down, the pod cannot be inspected, the exec timed out.
 *
 * <p>Upstream: the {@code error} results of the {@code Runtime} methods in {@code
 * pkg/kubelet/container/runtime.go}.
 */
public final class ContainerRuntimeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ContainerRuntimeException(String message) {
    super(message);
  }
}
