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
 * Which objects (pods of a ReplicaSet, ReplicaSets of a Deployment) a controller owns: it keeps
 * those it controls that its selector still matches, releases those it no longer matches, adopts
 * orphans it matches, and leaves other controllers' objects alone.
 *
 * <p>Upstream: {@code BaseControllerRefManager.ClaimObject}, {@code PodControllerRefManager}
 * ({@code ClaimPods}, {@code AdoptPod}, {@code ReleasePod}) and {@code
 * ReplicaSetControllerRefManager} ({@code ClaimReplicaSets}, {@code AdoptReplicaSet}, {@code
 * ReleaseReplicaSet}) of {@code pkg/controller/controller_ref_manager.go}, and {@code
 * ownerRefControllerPatch} / {@code deleteOwnerRefStrategicMergePatch} (v1.18). A controller being
 * deleted neither adopts nor releases. Before its first adoption the manager asks {@code canAdopt}
 * once (upstream re-reads the controller from the server, uncached, and refuses if it is being
 * deleted).
 *
 * @param <T> the kind claimed
 */
public final class ControllerRefManager<T extends HasMetadata> {

  /** Sends a strategic merge patch to an object: (namespace, name, patch). */
  @FunctionalInterface
  public interface Patcher {
    void patch(String namespace, String name, String strategicMergePatch);
  }

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Patcher patcher;
  private final String claimedKind;
  private final HasMetadata controller;
  private final Selector selector;
  private final String apiVersion;
  private final String kind;
  private final Supplier<String> canAdoptCheck;
  private boolean canAdoptAsked;
  private String canAdoptError;

  /** The manager of a ReplicaSet's pods. */
  public static ControllerRefManager<Pod> forPods(
      PodControl podControl,
      HasMetadata controller,
      Selector selector,
      String apiVersion,
      String kind,
      Supplier<String> canAdopt) {
    return new ControllerRefManager<>(
        podControl::patchPod, "Pod", controller, selector, apiVersion, kind, canAdopt);
  }

  /**
   * @param patcher patches a claimed object (adoption, release)
   * @param claimedKind the claimed objects' kind, for messages ({@code Pod}, {@code ReplicaSet})
   * @param canAdopt returns null when the controller may adopt, else why not (asked at most once)
   */
  public ControllerRefManager(
      Patcher patcher,
      String claimedKind,
      HasMetadata controller,
      Selector selector,
      String apiVersion,
      String kind,
      Supplier<String> canAdopt) {
    this.patcher = patcher;
    this.claimedKind = claimedKind;
    this.controller = controller;
    this.selector = selector;
    this.apiVersion = apiVersion;
    this.kind = kind;
    this.canAdoptCheck = canAdopt;
  }

  /**
   * The objects of {@code objects} this controller owns after adoptions and releases.
   *
   * @throws ControllerException when an adoption or release failed (for any object but one already
   *     gone); the message joins every failure, as {@code utilerrors.NewAggregate} does
   */
  public List<T> claim(List<T> objects) {
    List<T> claimed = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (T pod : objects) {
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

  private boolean claimObject(T pod) {
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
        release(pod);
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
      adopt(pod);
    } catch (ApiStatusException e) {
      if (e.isNotFound()) {
        return false;
      }
      throw e;
    }
    return true;
  }

  private boolean matches(T pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return selector.matches(labels == null ? Map.of() : labels);
  }

  private void adopt(T pod) {
    String why = canAdopt();
    if (why != null) {
      throw new ControllerException(
          "can't adopt "
              + claimedKind
              + " "
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
    patcher.patch(
        pod.getMetadata().getNamespace(),
        pod.getMetadata().getName(),
        patch(ownerRef, pod.getMetadata().getUid()));
  }

  private void release(T pod) {
    Map<String, Object> delete = new LinkedHashMap<>();
    delete.put("$patch", "delete");
    delete.put("uid", controller.getMetadata().getUid());
    try {
      patcher.patch(
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
