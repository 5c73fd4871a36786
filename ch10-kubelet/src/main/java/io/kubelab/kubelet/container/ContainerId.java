package io.kubelab.kubelet.container;

import java.util.Optional;

/**
 * A container's identity as the runtime names it: {@code <type>://<id>}, for example {@code
 * docker://4ad3}.
 *
 * <p>Upstream: {@code pkg/kubelet/container/runtime.go} ({@code ContainerID}, {@code
 * ParseContainerID}, {@code String}). The same string appears in {@code
 * v1.ContainerStatus.containerID}, which is how the prober and the status manager find a container.
 */
public record ContainerId(String type, String id) {

  private static final System.Logger LOG = System.getLogger(ContainerId.class.getName());

  public ContainerId {
    if (type == null || type.isEmpty()) {
      throw new IllegalArgumentException("ContainerId: type must not be empty (id " + id + ")");
    }
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("ContainerId: id must not be empty (type " + type + ")");
    }
  }

  /**
   * Parses {@code type://id} (surrounding double quotes are trimmed, as upstream's {@code
   * ParseString} does).
   *
   * @throws IllegalArgumentException naming the string when it is not of that form
   */
  public static ContainerId parse(String s) {
    if (s == null) {
      throw new IllegalArgumentException("container ID must not be null");
    }
    String trimmed = s.replaceAll("^\"+|\"+$", "");
    String[] parts = trimmed.split("://", -1);
    if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new IllegalArgumentException("invalid container ID: \"" + s + "\"");
    }
    return new ContainerId(parts[0], parts[1]);
  }

  /**
   * Upstream's {@code ParseContainerID}, which logs a malformed ID and carries on with an empty
   * one: empty for null, "" or a malformed string (the last one logged), never an exception. Status
   * generation uses it, so one bad ID cannot break a pod's status.
   */
  public static Optional<ContainerId> parseLenient(String s) {
    if (s == null || s.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(parse(s));
    } catch (IllegalArgumentException e) {
      LOG.log(System.Logger.Level.ERROR, e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return type + "://" + id;
  }
}
