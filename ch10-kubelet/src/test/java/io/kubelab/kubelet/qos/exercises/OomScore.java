package io.kubelab.kubelet.qos.exercises;

import io.kubelab.kubelet.qos.QosClass;

/**
 * Write it: the {@code oom_score_adj} of one container, as upstream's {@code
 * GetContainerOOMScoreAdjust} computes it in v1.18 (chapter 10, "QoS classes and OOM scores").
 * {@code OomScoreExerciseTest} grades it.
 */
public final class OomScore {

  private OomScore() {}

  /**
   * The score the runtime gives a container.
   *
   * @param qos the pod's QoS class
   * @param critical whether the pod is critical (static, mirror, or priority at least 2·10⁹)
   * @param memoryRequest the container's own memory request in bytes (0 when it has none)
   * @param memoryCapacity the node's memory capacity in bytes (positive)
   * @return a score between -998 and 1000
   */
  public static int containerOomScoreAdjust(
      QosClass qos, boolean critical, long memoryRequest, long memoryCapacity) {
    throw new UnsupportedOperationException("exercise");
  }
}
