package io.kubelab.scheduler.algorithm;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.List;

/**
 * Computes {@link PriorityMetadata} for one pod, the nodes that passed filtering and the snapshot.
 *
 * <p>Upstream: {@code PriorityMetadataProducer} in {@code pkg/scheduler/algorithm/priorities}
 * (v1.17). May return null.
 */
@FunctionalInterface
public interface PriorityMetadataProducer {
  PriorityMetadata produce(Pod pod, List<NodeInfo> filteredNodes, Snapshot snapshot);

  /**
   * The same, given the scheduler's workers for the parts that upstream computes in parallel
   * (v1.17's {@code buildTopologyPairToScore} runs {@code workqueue.ParallelizeUntil} over all
   * nodes). The generic scheduler calls this form; a producer with nothing to parallelise need not
   * override it.
   *
   * @param workers the scheduler's parallelizer, owned by the caller
   */
  default PriorityMetadata produce(
      Pod pod, List<NodeInfo> filteredNodes, Snapshot snapshot, Parallelizer workers) {
    return produce(pod, filteredNodes, snapshot);
  }
}
