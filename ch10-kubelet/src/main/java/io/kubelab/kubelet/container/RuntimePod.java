package io.kubelab.kubelet.container;

import java.util.List;

/**
 * A pod as the container runtime sees it: the containers and sandboxes that carry its UID.
 *
 * <p>Upstream: {@code pkg/kubelet/container/runtime.go} ({@code Pod}). It is named {@code
 * RuntimePod} here so it cannot be confused with fabric8's API {@code Pod}.
 */
public record RuntimePod(
    String uid,
    String name,
    String namespace,
    List<Container> containers,
    List<Container> sandboxes) {

  public RuntimePod {
    if (uid == null || uid.isEmpty()) {
      throw new IllegalArgumentException("RuntimePod " + namespace + "/" + name + ": uid is empty");
    }
    containers = List.copyOf(containers);
    sandboxes = List.copyOf(sandboxes);
  }
}
