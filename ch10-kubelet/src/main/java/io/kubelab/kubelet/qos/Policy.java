package io.kubelab.kubelet.qos;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kubelab.apimachinery.resource.Quantities;
import io.kubelab.apimachinery.resource.ResourceNames;
import io.kubelab.kubelet.types.PodUpdateTypes;
import java.util.Map;

/**
 * The {@code oom_score_adj} the kubelet gives each container it starts, so that under memory
 * pressure the kernel kills BestEffort containers first and Guaranteed ones last.
 *
 * <p>Upstream: {@code pkg/kubelet/qos/policy.go} (v1.18: {@code guaranteedOOMScoreAdj = -998};
 * v1.20 moved it to -997). Critical pods and Guaranteed pods get -998, BestEffort pods 1000, and a
 * Burstable container {@code 1000 - 1000 * memoryRequest / memoryCapacity} (integer arithmetic on
 * the container's own request), at least 2 (so above any Guaranteed container using all memory)
 * and, if it comes out at exactly 1000 (no memory request), 999 (so below BestEffort).
 */
public final class Policy {
  private Policy() {}

  /** Upstream {@code KubeletOOMScoreAdj}. */
  public static final int KUBELET_OOM_SCORE_ADJ = -999;

  /** Upstream {@code KubeProxyOOMScoreAdj}. */
  public static final int KUBE_PROXY_OOM_SCORE_ADJ = -999;

  /** Upstream {@code guaranteedOOMScoreAdj} in v1.18. */
  public static final int GUARANTEED_OOM_SCORE_ADJ = -998;

  /** Upstream {@code besteffortOOMScoreAdj}. */
  public static final int BESTEFFORT_OOM_SCORE_ADJ = 1000;

  /**
   * Upstream {@code GetContainerOOMScoreAdjust}.
   *
   * @param memoryCapacity the node's memory capacity in bytes
   * @throws IllegalArgumentException if the capacity is not positive
   */
  public static int getContainerOomScoreAdjust(Pod pod, Container container, long memoryCapacity) {
    if (PodUpdateTypes.isCriticalPod(pod)) {
      return GUARANTEED_OOM_SCORE_ADJ; // critical pods should be the last to get killed
    }
    switch (QosClasses.getPodQos(pod)) {
      case GUARANTEED:
        return GUARANTEED_OOM_SCORE_ADJ;
      case BEST_EFFORT:
        return BESTEFFORT_OOM_SCORE_ADJ;
      default:
        break;
    }
    if (memoryCapacity <= 0) {
      throw new IllegalArgumentException(
          "getContainerOomScoreAdjust: memory capacity must be positive, got " + memoryCapacity);
    }
    long memoryRequest = memoryRequest(pod, container);
    // Go's int64 arithmetic, overflow included.
    long oomScoreAdjust = 1000 - (1000 * memoryRequest) / memoryCapacity;
    if ((int) oomScoreAdjust < 1000 + GUARANTEED_OOM_SCORE_ADJ) {
      return 1000 + GUARANTEED_OOM_SCORE_ADJ;
    }
    if ((int) oomScoreAdjust == BESTEFFORT_OOM_SCORE_ADJ) {
      return (int) (oomScoreAdjust - 1);
    }
    return (int) oomScoreAdjust;
  }

  /** {@code container.Resources.Requests.Memory().Value()}: bytes, rounded up; 0 if unset. */
  private static long memoryRequest(Pod pod, Container container) {
    Map<String, Quantity> requests =
        container.getResources() == null ? null : container.getResources().getRequests();
    Quantity q = requests == null ? null : requests.get(ResourceNames.MEMORY);
    if (q == null) {
      return 0;
    }
    return Quantities.value(
        q,
        "Pod "
            + pod.getMetadata().getNamespace()
            + "/"
            + pod.getMetadata().getName()
            + ": container "
            + container.getName()
            + " resources.requests.memory");
  }
}
