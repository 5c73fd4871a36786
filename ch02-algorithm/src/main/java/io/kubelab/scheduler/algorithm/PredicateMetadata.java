package io.kubelab.scheduler.algorithm;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * What the predicates precompute once per pod per scheduling cycle, instead of once per node.
 *
 * <p>Upstream: {@code Metadata} in {@code pkg/scheduler/algorithm/predicates/metadata.go} (v1.17).
 * {@link #addPod} and {@link #removePod} update it incrementally as if a pod were added to or
 * removed from {@code node}: the generic scheduler does that for nominated pods, preemption for
 * victims. The result must equal metadata computed from scratch for the changed cluster.
 */
public interface PredicateMetadata {

  /** A copy whose incremental updates do not affect this one. */
  PredicateMetadata shallowCopy();

  /** Updates the metadata as if {@code addedPod} ran on {@code node}. */
  void addPod(Pod addedPod, Node node);

  /** Updates the metadata as if {@code deletedPod} no longer ran on {@code node}. */
  void removePod(Pod deletedPod, Node node);
}
