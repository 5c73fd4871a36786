package io.kubelab.scheduler.predicates;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import java.util.Optional;

/**
 * Looks up claims by namespace and name.
 *
 * <p>Upstream: {@code PersistentVolumeClaimLister} of {@code k8s.io/client-go/listers/core/v1}, as
 * the volume predicates of {@code pkg/scheduler/algorithm/predicates} (v1.17) use it: {@code
 * PersistentVolumeClaims(namespace).Get(name)}. The scheduler's informer answers; tests and the
 * integration hand in {@link VolumeListers#of in-memory} ones.
 */
@FunctionalInterface
public interface PersistentVolumeClaimLister {

  /** The claim, or empty when there is none (upstream's NotFound error). */
  Optional<PersistentVolumeClaim> get(String namespace, String name);
}
