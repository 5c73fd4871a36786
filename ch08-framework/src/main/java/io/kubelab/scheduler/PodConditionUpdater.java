package io.kubelab.scheduler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;

/**
 * Writes a condition into a pod's status: how the scheduler reports {@code PodScheduled=False}.
 *
 * <p>Upstream: {@code podConditionUpdater} and {@code podConditionUpdaterImpl} in {@code
 * pkg/scheduler/scheduler.go} (v1.18): apply {@link PodConditions#updatePodCondition} to the pod's
 * status and call {@code UpdateStatus} only when it changed something.
 */
@FunctionalInterface
public interface PodConditionUpdater {

  /**
   * @throws RuntimeException when the API call fails; the scheduler logs it
   */
  void update(Pod pod, PodCondition condition);
}
