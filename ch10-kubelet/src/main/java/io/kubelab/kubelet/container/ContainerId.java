package io.kubelab.kubelet.container;

/**
 * A container's identity as the runtime names it: {@code <type>://<id>}, for example {@code
 * docker://4ad3}.
 *
 * <p>Upstream: {@code pkg/kubelet/container/runtime.go} ({@code ContainerID}, {@code
 * ParseContainerID}, {@code String}). The same string appears in {@code
 * v1.ContainerStatus.containerID}, which is how the prober and the status manager find a container.
 */
public record ContainerId(String type, String id) {

  public ContainerId {
    if (type == null || type.isEmpty()) {
      throw new IllegalArgumentException("ContainerId: type must not be empty (id " + id + ")");
    }
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("ContainerId: id must not be empty (type " + type + ")");
    }
  }

  /**
   * Parses {@code type://id}.
   *
   * @throws IllegalArgumentException naming the string when it is not of that form
   */
  public static ContainerId parse(String s) {
    if (s == null) {
      throw new IllegalArgumentException("container ID must not be null");
    }
    int sep = s.indexOf("://");
    if (sep <= 0 || sep + 3 >= s.length()) {
      throw new IllegalArgumentException("invalid container ID: \"" + s + "\"");
    }
    return new ContainerId(s.substring(0, sep), s.substring(sep + 3));
  }

  @Override
  public String toString() {
    return type + "://" + id;
  }
}
