package io.kubelab.scheduler.algorithm;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.cache.Snapshot;

/**
 * Computes {@link PredicateMetadata} for one pod over one snapshot.
 *
 * <p>Upstream: {@code MetadataProducer} in {@code pkg/scheduler/algorithm/predicates/metadata.go}
 * (v1.17). May return null (upstream's {@code EmptyMetadataProducer}); predicates then compute what
 * they need themselves.
 */
@FunctionalInterface
public interface PredicateMetadataProducer {
  PredicateMetadata produce(Pod pod, Snapshot snapshot);
}
