package io.kubelab.cluster.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.labels.Selector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import tools.jackson.databind.json.JsonMapper;

/**
 * Which pods a controller owns: it keeps the pods it controls that its selector still matches,
 * releases those it no longer matches, adopts orphans it matches, and leaves other controllers'
 * pods alone.
 *
 * <p>Upstream: {@code BaseControllerRefManager.ClaimObject} and {@code PodControllerRefManager}
 * ({@code ClaimPods}, {@code AdoptPod}, {@code ReleasePod}) of {@code
 * pkg/controller/controller_ref_manager.go}, and {@code ownerRefControllerPatch} / {@code
 * deleteOwnerRefStrategicMergePatch} (v1.18). A controller being deleted neither adopts nor
 * releases. Before its first adoption the manager asks {@code canAdopt} once (upstream re-reads the
 * controller from the server, uncached, and refuses if it is being deleted).
 */
public final class PodControllerRefManager {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final PodControl podControl;
  private final HasMetadata controller;
  private final Selector selector;
  private final String apiVersion;
  private final String kind;
  private final Supplier<String> canAdoptCheck;
  private boolean canAdoptAsked;
  private String canAdoptError;

  /**
   * @param canAdopt returns null when the controller may adopt, else why not (asked at most once)
   */
  public PodControllerRefManager(
      PodControl podControl,
      HasMetadata controller,
      Selector selector,
      String apiVersion,
      String kind,
      Supplier<String> canAdopt) {
    this.podControl = podControl;
    this.controller = controller;
    this.selector = selector;
    this.apiVersion = apiVersion;
    this.kind = kind;
    this.canAdoptCheck = canAdopt;
  }

  /**
   * The pods of {@code pods} this controller owns after adoptions and releases.
   *
   * @throws ControllerException when an adoption or release failed (for any pod but one already
   *     gone); the message joins every failure, as {@code utilerrors.NewAggregate} does
   */
  public List<Pod> claimPods(List<Pod> pods) {
    List<Pod> claimed = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (Pod pod : pods) {
      try {
        if (claimObject(pod)) {
          claimed.add(pod);
        }
      } catch (RuntimeException e) {
        errors.add(e.getMessage());
      }
    }
    if (!errors.isEmpty()) {
      throw new ControllerException(
          errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]");
    }
    return claimed;
  }

  private boolean claimObject(Pod pod) {
    OwnerReference ref = ControllerUtils.controllerOf(pod);
    boolean beingDeleted = controller.getMetadata().getDeletionTimestamp() != null;
    if (ref != null) {
      if (!controller.getMetadata().getUid().equals(ref.getUid())) {
        return false; // owned by someone else
      }
      if (matches(pod)) {
        return true;
      }
      if (beingDeleted) {
        return false;
      }
      try {
        releasePod(pod);
      } catch (ApiStatusException e) {
        if (!e.isNotFound()) {
          throw e;
        }
      }
      return false;
    }
    // an orphan
    if (beingDeleted || !matches(pod) || pod.getMetadata().getDeletionTimestamp() != null) {
      return false;
    }
    try {
      adoptPod(pod);
    } catch (ApiStatusException e) {
      if (e.isNotFound()) {
        return false;
      }
      throw e;
    }
    return true;
  }

  private boolean matches(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return selector.matches(labels == null ? Map.of() : labels);
  }

  private void adoptPod(Pod pod) {
    String why = canAdopt();
    if (why != null) {
      throw new ControllerException(
          "can't adopt Pod "
              + pod.getMetadata().getNamespace()
              + "/"
              + pod.getMetadata().getName()
              + " ("
              + pod.getMetadata().getUid()
              + "): "
              + why);
    }
    Map<String, Object> ownerRef = new LinkedHashMap<>();
    ownerRef.put("apiVersion", apiVersion);
    ownerRef.put("kind", kind);
    ownerRef.put("name", controller.getMetadata().getName());
    ownerRef.put("uid", controller.getMetadata().getUid());
    ownerRef.put("controller", true);
    ownerRef.put("blockOwnerDeletion", true);
    podControl.patchPod(
        pod.getMetadata().getNamespace(),
        pod.getMetadata().getName(),
        patch(ownerRef, pod.getMetadata().getUid()));
  }

  private void releasePod(Pod pod) {
    Map<String, Object> delete = new LinkedHashMap<>();
    delete.put("$patch", "delete");
    delete.put("uid", controller.getMetadata().getUid());
    try {
      podControl.patchPod(
          pod.getMetadata().getNamespace(),
          pod.getMetadata().getName(),
          patch(delete, pod.getMetadata().getUid()));
    } catch (ApiStatusException e) {
      // gone, or no longer valid (its UID changed, or it was deleted): nothing to release
      if (!e.isNotFound() && !e.isInvalid()) {
        throw e;
      }
    }
  }

  /** {@code {"metadata":{"ownerReferences":[REF],"uid":UID}}}. */
  static String patch(Map<String, Object> ownerRef, String uid) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("ownerReferences", List.of(ownerRef));
    meta.put("uid", uid);
    return JSON.writeValueAsString(Map.of("metadata", meta));
  }

  private String canAdopt() {
    if (!canAdoptAsked) {
      canAdoptAsked = true;
      canAdoptError = canAdoptCheck == null ? null : canAdoptCheck.get();
    }
    return canAdoptError;
  }
}
