package io.kubelab.kubelet.container;

/**
 * One container (or pod sandbox) as {@link Runtime#getPods(boolean)} lists it: enough to tell what
 * changed since the last relist, not the full status.
 *
 * <p>Upstream: {@code pkg/kubelet/container/runtime.go} ({@code Container}).
 */
public record Container(ContainerId id, String name, String image, ContainerState state) {

  public Container {
    if (id == null) {
      throw new IllegalArgumentException("Container " + name + ": id must not be null");
    }
    if (state == null) {
      throw new IllegalArgumentException("Container " + name + " (" + id + "): state is null");
    }
  }

  /** A copy in another state: runtimes report the same container again after it changes. */
  public Container withState(ContainerState newState) {
    return new Container(id, name, image, newState);
  }
}
