package io.kubelab.scheduler.algorithm;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * Who knows which pending pods preemption has nominated to run on a node.
 *
 * <p>Upstream: {@code NominatedPodsForNode} of {@code SchedulingQueue} in {@code
 * pkg/scheduler/internal/queue/scheduling_queue.go} (v1.17). The ch08 queue implements it; the
 * generic scheduler only reads it, to hold room on a node for nominated pods of equal or higher
 * priority.
 */
@FunctionalInterface
public interface PodNominator {

  /** Nobody is nominated anywhere. */
  PodNominator NONE = nodeName -> List.of();

  /** The pods nominated to run on {@code nodeName}; empty, never null. */
  List<Pod> nominatedPodsForNode(String nodeName);
}
