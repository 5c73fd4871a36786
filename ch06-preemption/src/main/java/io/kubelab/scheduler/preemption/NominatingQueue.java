package io.kubelab.scheduler.preemption;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * The scheduling queue's record of which pods are nominated to which node, as preemption updates
 * it.
 *
 * <p>Upstream: {@code UpdateNominatedPodForNode} and {@code DeleteNominatedPodIfExists} of {@code
 * SchedulingQueue} in {@code pkg/scheduler/internal/queue/scheduling_queue.go} (v1.17). The queue
 * (ch08) implements it together with ch02's {@link io.kubelab.scheduler.algorithm.PodNominator}.
 * Recording the nomination in memory before the API update avoids a race: the next scheduling cycle
 * already holds the room for the preemptor, even before the pod update comes back from the API
 * server.
 */
public interface NominatingQueue {

  /** Records that {@code pod} is nominated to run on {@code nodeName}. */
  void updateNominatedPodForNode(Pod pod, String nodeName);

  /** Forgets the nomination of {@code pod}, if it has one. */
  void deleteNominatedPodIfExists(Pod pod);
}
