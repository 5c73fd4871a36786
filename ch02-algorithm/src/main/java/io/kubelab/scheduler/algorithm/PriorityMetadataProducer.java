package io.kubelab.scheduler.algorithm;

import io.fabric8.kubernetes.api.model.Pod;
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
}
