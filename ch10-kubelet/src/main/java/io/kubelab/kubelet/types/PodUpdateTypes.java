package io.kubelab.kubelet.types;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;

/**
 * Where a pod came from, and whether it is critical: the predicates the kubelet's QoS policy,
 * eviction manager and admission share.
 *
 * <p>Upstream: {@code pkg/kubelet/types/pod_update.go} ({@code ConfigSourceAnnotationKey}, {@code
 * ConfigMirrorAnnotationKey}, {@code GetPodSource}, {@code IsStaticPod}, {@code IsMirrorPod},
 * {@code IsCriticalPod}, {@code IsCriticalPodBasedOnPriority}) and {@code
 * pkg/apis/scheduling/types.go} ({@code SystemCriticalPriority}).
 */
public final class PodUpdateTypes {
  private PodUpdateTypes() {}

  /** Upstream {@code ConfigSourceAnnotationKey}. */
  public static final String CONFIG_SOURCE_ANNOTATION_KEY = "kubernetes.io/config.source";

  /** Upstream {@code ConfigMirrorAnnotationKey}. */
  public static final String CONFIG_MIRROR_ANNOTATION_KEY = "kubernetes.io/config.mirror";

  /** Upstream {@code ApiserverSource}: pods from the API server are not static. */
  public static final String APISERVER_SOURCE = "api";

  /** Upstream {@code scheduling.SystemCriticalPriority}: 2 × 10⁹. */
  public static final int SYSTEM_CRITICAL_PRIORITY = 2 * 1_000_000_000;

  /** A pod from a file or HTTP source: its source annotation names something else than "api". */
  public static boolean isStaticPod(Pod pod) {
    String source = annotations(pod).get(CONFIG_SOURCE_ANNOTATION_KEY);
    return source != null && !APISERVER_SOURCE.equals(source);
  }

  /** The API server's copy of a static pod. */
  public static boolean isMirrorPod(Pod pod) {
    return annotations(pod).containsKey(CONFIG_MIRROR_ANNOTATION_KEY);
  }

  /** Static, mirror, or of priority at least {@link #SYSTEM_CRITICAL_PRIORITY}. */
  public static boolean isCriticalPod(Pod pod) {
    if (isStaticPod(pod) || isMirrorPod(pod)) {
      return true;
    }
    Integer priority = pod.getSpec() == null ? null : pod.getSpec().getPriority();
    return priority != null && isCriticalPodBasedOnPriority(priority);
  }

  public static boolean isCriticalPodBasedOnPriority(int priority) {
    return priority >= SYSTEM_CRITICAL_PRIORITY;
  }

  private static Map<String, String> annotations(Pod pod) {
    Map<String, String> a = pod.getMetadata() == null ? null : pod.getMetadata().getAnnotations();
    return a == null ? Map.of() : a;
  }
}
