package io.kubelab.scheduler.predicates;

import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.util.Optional;

/**
 * Looks up storage classes by name.
 *
 * <p>Upstream: {@code StorageClassLister} of {@code k8s.io/client-go/listers/storage/v1}, as the
 * volume predicates and the volume binder of v1.17 use it.
 */
@FunctionalInterface
public interface StorageClassLister {

  /** The class, or empty when there is none. */
  Optional<StorageClass> get(String name);
}
