package io.kubelab.kubelet.config;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * A change to the pods bound to this node, as a pod source delivers it to the sync loop.
 *
 * <p>Upstream: {@code pkg/kubelet/types/pod_update.go} ({@code PodUpdate}, {@code PodOperation}:
 * {@code SET}, {@code ADD}, {@code DELETE}, {@code REMOVE}, {@code UPDATE}, {@code RECONCILE}).
 * {@code DELETE} means the pod is being deleted gracefully (it has a deletion timestamp); {@code
 * REMOVE} that it is gone from the source; {@code RECONCILE} that only its status changed there.
 *
 * @param source where the pods come from ("api" for the API server)
 */
public record PodUpdate(Op op, List<Pod> pods, String source) {

  public enum Op {
    SET,
    ADD,
    DELETE,
    REMOVE,
    UPDATE,
    RECONCILE
  }

  /** Upstream {@code ApiserverSource}. */
  public static final String API_SOURCE = "api";

  public PodUpdate {
    if (op == null) {
      throw new IllegalArgumentException("PodUpdate: op must not be null");
    }
    pods = List.copyOf(pods);
  }
}
