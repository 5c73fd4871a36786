package io.kubelab.cluster.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;

/**
 * How a controller creates, deletes and patches pods: the API server in a cluster, a fake in tests.
 * An implementation records the events upstream's does on the controller object: {@code
 * SuccessfulCreate} ({@code Created pod: NAME}), {@code FailedCreate} ({@code Error creating:
 * ...}), {@code SuccessfulDelete} ({@code Deleted pod: NAME}) and {@code FailedDelete} ({@code
 * Error deleting: ...}); none for a deletion of a pod already gone.
 *
 * <p>Upstream: {@code PodControlInterface} and {@code RealPodControl} of {@code
 * pkg/controller/controller_utils.go} (v1.18).
 *
 * <p>Failures are thrown as {@link ApiStatusException} (or any runtime exception).
 */
public interface PodControl {

  /** Upstream event reasons. */
  String FAILED_CREATE = "FailedCreate";

  String SUCCESSFUL_CREATE = "SuccessfulCreate";
  String FAILED_DELETE = "FailedDelete";
  String SUCCESSFUL_DELETE = "SuccessfulDelete";

  /**
   * {@code CreatePodsWithControllerRef}: a pod from {@code template} ({@link
   * ControllerUtils#podFromTemplate}) in {@code namespace}, owned by {@code controller}.
   *
   * @throws IllegalArgumentException when the reference is not a valid controller reference or the
   *     template has no labels ({@code unable to create pods, no labels})
   */
  void createPodsWithControllerRef(
      String namespace, PodTemplateSpec template, HasMetadata controller, OwnerReference ref);

  /** {@code DeletePod}. A pod already gone throws a not-found {@link ApiStatusException}. */
  void deletePod(String namespace, String name, HasMetadata controller);

  /** {@code PatchPod}: a strategic merge patch. */
  void patchPod(String namespace, String name, String strategicMergePatch);
}
