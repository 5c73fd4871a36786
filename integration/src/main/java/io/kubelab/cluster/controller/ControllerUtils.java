package io.kubelab.cluster.controller;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.kubelab.apimachinery.validation.Validation;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every controller shares: which pods count, the order in which surplus pods are deleted, and
 * how a pod is made from a template.
 *
 * <p>Upstream: {@code pkg/controller/controller_utils.go} ({@code IsPodActive}, {@code
 * FilterActivePods}, {@code ActivePodsWithRanks}, {@code GetPodFromTemplate}, {@code
 * getPodsPrefix}, {@code validateControllerRef}, {@code PodKey}) and {@code pkg/api/v1/pod/util.go}
 * ({@code IsPodReady}, {@code IsPodAvailable}), v1.18.
 */
public final class ControllerUtils {

  private ControllerUtils() {}

  /** {@code controller.KeyFunc}: {@code namespace/name}, or {@code name} without a namespace. */
  public static String key(HasMetadata o) {
    String ns = o.getMetadata().getNamespace();
    return ns == null || ns.isEmpty()
        ? o.getMetadata().getName()
        : ns + "/" + o.getMetadata().getName();
  }

  /** {@code PodKey}: {@code namespace/name}. */
  public static String podKey(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  /** {@code IsPodActive}: neither Succeeded nor Failed, and not being deleted. */
  public static boolean isPodActive(Pod p) {
    String phase = phase(p);
    return !"Succeeded".equals(phase)
        && !"Failed".equals(phase)
        && p.getMetadata().getDeletionTimestamp() == null;
  }

  /** {@code FilterActivePods}. */
  public static List<Pod> filterActivePods(List<Pod> pods) {
    List<Pod> out = new ArrayList<>();
    for (Pod p : pods) {
      if (isPodActive(p)) {
        out.add(p);
      }
    }
    return out;
  }

  /** {@code podutil.IsPodReady}: its Ready condition is True. */
  public static boolean isPodReady(Pod pod) {
    PodCondition c = readyCondition(pod);
    return c != null && "True".equals(c.getStatus());
  }

  /**
   * {@code podutil.IsPodAvailable}: ready, and for at least {@code minReadySeconds} (its Ready
   * condition's last transition plus that many seconds lies before {@code now}).
   */
  public static boolean isPodAvailable(Pod pod, int minReadySeconds, Instant now) {
    if (!isPodReady(pod)) {
      return false;
    }
    if (minReadySeconds == 0) {
      return true;
    }
    Instant t = time(readyCondition(pod).getLastTransitionTime());
    return t != null && t.plusSeconds(minReadySeconds).isBefore(now);
  }

  private static PodCondition readyCondition(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return null;
    }
    for (PodCondition c : pod.getStatus().getConditions()) {
      if ("Ready".equals(c.getType())) {
        return c;
      }
    }
    return null;
  }

  /** {@code podReadyTime}: the Ready condition's last transition when ready, else zero (null). */
  static Instant podReadyTime(Pod pod) {
    if (isPodReady(pod)) {
      return time(readyCondition(pod).getLastTransitionTime());
    }
    return null;
  }

  /** {@code maxContainerRestarts}: the highest restart count of the pod's containers. */
  static int maxContainerRestarts(Pod pod) {
    int max = 0;
    if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
      for (ContainerStatus c : pod.getStatus().getContainerStatuses()) {
        if (c.getRestartCount() != null) {
          max = Math.max(max, c.getRestartCount());
        }
      }
    }
    return max;
  }

  /** A pod and its rank: the number of active related pods on its node. */
  public record RankedPod(Pod pod, int rank) {}

  /** {@code podPhaseToOrdinal}: Pending 0, Unknown 1, Running 2; any other phase 0. */
  private static int phaseOrdinal(Pod p) {
    return switch (phase(p)) {
      case "Unknown" -> 1;
      case "Running" -> 2;
      default -> 0;
    };
  }

  /**
   * {@code ActivePodsWithRanks.Less}: the pods to delete first come first. Each rule decides only
   * when the one before could not:
   *
   * <ol>
   *   <li>not yet on a node, before on a node;
   *   <li>Pending, before Unknown, before Running;
   *   <li>not ready, before ready;
   *   <li>higher rank (more related pods on the same node), before lower;
   *   <li>both ready: ready for a shorter time, before longer (no ready time counts as the
   *       shortest);
   *   <li>more container restarts, before fewer;
   *   <li>created later, before earlier (no creation time counts as the latest).
   * </ol>
   */
  public static final Comparator<RankedPod> ACTIVE_PODS_WITH_RANKS =
      (a, b) -> {
        if (less(a, b)) {
          return -1;
        }
        return less(b, a) ? 1 : 0;
      };

  static boolean less(RankedPod a, RankedPod b) {
    Pod i = a.pod();
    Pod j = b.pod();
    String ni = nodeName(i);
    String nj = nodeName(j);
    if (!ni.equals(nj) && (ni.isEmpty() || nj.isEmpty())) {
      return ni.isEmpty();
    }
    if (phaseOrdinal(i) != phaseOrdinal(j)) {
      return phaseOrdinal(i) < phaseOrdinal(j);
    }
    boolean ri = isPodReady(i);
    boolean rj = isPodReady(j);
    if (ri != rj) {
      return !ri;
    }
    if (a.rank() != b.rank()) {
      return a.rank() > b.rank();
    }
    if (ri && rj) {
      Instant ti = podReadyTime(i);
      Instant tj = podReadyTime(j);
      if (!equal(ti, tj)) {
        return afterOrZero(ti, tj);
      }
    }
    if (maxContainerRestarts(i) != maxContainerRestarts(j)) {
      return maxContainerRestarts(i) > maxContainerRestarts(j);
    }
    Instant ci = time(i.getMetadata().getCreationTimestamp());
    Instant cj = time(j.getMetadata().getCreationTimestamp());
    if (!equal(ci, cj)) {
      return afterOrZero(ci, cj);
    }
    return false;
  }

  /** {@code afterOrZero}: t1 after t2; a zero (null) time counts as after any other. */
  static boolean afterOrZero(Instant t1, Instant t2) {
    if (t1 == null || t2 == null) {
      return t1 == null;
    }
    return t1.isAfter(t2);
  }

  private static boolean equal(Instant a, Instant b) {
    return a == null ? b == null : a.equals(b);
  }

  /** An RFC 3339 timestamp as an instant; null for absent or unparsable (Go's zero time). */
  public static Instant time(String rfc3339) {
    if (rfc3339 == null || rfc3339.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(rfc3339);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String nodeName(Pod p) {
    String n = p.getSpec() == null ? null : p.getSpec().getNodeName();
    return n == null ? "" : n;
  }

  private static String phase(Pod p) {
    String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
    return phase == null ? "" : phase;
  }

  /**
   * {@code metav1.NewControllerRef}: the owner reference a controller puts on what it creates,
   * {@code controller: true} and {@code blockOwnerDeletion: true}.
   */
  public static OwnerReference newControllerRef(HasMetadata owner, String apiVersion, String kind) {
    return new OwnerReferenceBuilder()
        .withApiVersion(apiVersion)
        .withKind(kind)
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /** {@code metav1.GetControllerOf}: the owner reference with {@code controller: true}, or null. */
  public static OwnerReference controllerOf(HasMetadata o) {
    List<OwnerReference> refs = o.getMetadata().getOwnerReferences();
    if (refs == null) {
      return null;
    }
    for (OwnerReference r : refs) {
      if (Boolean.TRUE.equals(r.getController())) {
        return r;
      }
    }
    return null;
  }

  /**
   * {@code validateControllerRef}.
   *
   * @throws IllegalArgumentException with upstream's message
   */
  public static void validateControllerRef(OwnerReference ref) {
    if (ref == null) {
      throw new IllegalArgumentException("controllerRef is nil");
    }
    if (ref.getApiVersion() == null || ref.getApiVersion().isEmpty()) {
      throw new IllegalArgumentException("controllerRef has empty APIVersion");
    }
    if (ref.getKind() == null || ref.getKind().isEmpty()) {
      throw new IllegalArgumentException("controllerRef has empty Kind");
    }
    if (!Boolean.TRUE.equals(ref.getController())) {
      throw new IllegalArgumentException("controllerRef.Controller is not set to true");
    }
    if (!Boolean.TRUE.equals(ref.getBlockOwnerDeletion())) {
      throw new IllegalArgumentException("controllerRef.BlockOwnerDeletion is not set");
    }
  }

  /**
   * {@code getPodsPrefix}: {@code NAME-} when that is a valid pod name prefix (a trailing dash is
   * allowed), else {@code NAME}.
   */
  static String podsPrefix(String controllerName) {
    String prefix = controllerName + "-";
    // ValidatePodName(prefix, true): the trailing dash is masked before the DNS-1123 subdomain
    // check
    String masked = prefix.substring(0, prefix.length() - 2) + "a";
    return Validation.isDns1123Subdomain(masked).isEmpty() ? prefix : controllerName;
  }

  /**
   * {@code GetPodFromTemplate}: a pod with the template's labels, annotations, finalizers and spec,
   * {@code generateName} from the owner's name, and the controller reference (when given).
   */
  public static Pod podFromTemplate(
      PodTemplateSpec template, HasMetadata owner, OwnerReference controllerRef) {
    ObjectMeta tm = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
    ObjectMeta meta = new ObjectMeta();
    meta.setLabels(
        new LinkedHashMap<>(tm.getLabels() == null ? Map.<String, String>of() : tm.getLabels()));
    meta.setAnnotations(
        new LinkedHashMap<>(
            tm.getAnnotations() == null ? Map.<String, String>of() : tm.getAnnotations()));
    meta.setFinalizers(
        new ArrayList<>(tm.getFinalizers() == null ? List.<String>of() : tm.getFinalizers()));
    meta.setGenerateName(podsPrefix(owner.getMetadata().getName()));
    if (controllerRef != null) {
      meta.setOwnerReferences(new ArrayList<>(List.of(controllerRef)));
    }
    Pod pod = new Pod();
    pod.setMetadata(meta);
    // a deep copy through the builder, as upstream's template.Spec.DeepCopy()
    pod.setSpec(
        template.getSpec() == null
            ? null
            : new io.fabric8.kubernetes.api.model.PodSpecBuilder(template.getSpec()).build());
    return pod;
  }
}
