package io.kubelab.kubelet.lifecycle;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * Decides whether a pod may run on this node before the kubelet starts it.
 *
 * <p>Upstream: {@code pkg/kubelet/lifecycle/interfaces.go} ({@code PodAdmitHandler}, {@code
 * PodAdmitAttributes}, {@code PodAdmitResult}).
 */
@FunctionalInterface
public interface PodAdmitHandler {

  Result admit(Attributes attrs);

  /** The pod to admit and the pods already active on the node. */
  record Attributes(Pod pod, List<Pod> otherPods) {}

  /** Admitted, or refused with a reason (a CamelCase word) and a message. */
  record Result(boolean admit, String reason, String message) {
    public static final Result ADMIT = new Result(true, "", "");

    public static Result reject(String reason, String message) {
      return new Result(false, reason, message);
    }
  }
}
