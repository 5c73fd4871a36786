package io.kubelab.kubelet.status;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;

/**
 * The three API calls the status manager makes. The integration module backs it with the in-process
 * API server; tests use a fake that fails on command.
 *
 * <p>Upstream: the {@code kubeClient.CoreV1().Pods(ns)} calls in {@code
 * pkg/kubelet/status/status_manager.go} ({@code Get}, {@code Delete}) and {@code
 * pkg/util/pod/pod.go} ({@code PatchPodStatus}: a strategic merge patch of {@code status} with the
 * pod UID as a precondition).
 */
public interface PodStatusClient {

  /** GET the pod. */
  Pod get(String namespace, String name) throws ApiException;

  /**
   * PATCH the status subresource from {@code oldStatus} to {@code newStatus}, on the condition that
   * the pod still has {@code uid}; returns the updated pod.
   */
  Pod patchStatus(
      String namespace, String name, String uid, PodStatus oldStatus, PodStatus newStatus)
      throws ApiException;

  /** DELETE the pod with grace period 0, on the condition that it still has {@code uid}. */
  void delete(String namespace, String name, String uid) throws ApiException;

  /** What went wrong with an API call. */
  enum Reason {
    NOT_FOUND,
    CONFLICT,
    TRANSIENT
  }

  /** An API error; only {@link Reason#NOT_FOUND} is treated specially. */
  final class ApiException extends Exception {
    private static final long serialVersionUID = 1L;
    private final Reason reason;

    public ApiException(Reason reason, String message) {
      super(message);
      this.reason = reason;
    }

    public Reason reason() {
      return reason;
    }
  }
}
