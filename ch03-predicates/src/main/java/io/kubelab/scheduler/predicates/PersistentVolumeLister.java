package io.kubelab.scheduler.predicates;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Looks up persistent volumes, which are cluster-scoped, by name, and lists them.
 *
 * <p>Upstream: {@code PersistentVolumeLister} of {@code k8s.io/client-go/listers/core/v1}, and the
 * volume binder's PV cache ({@code pvAssumeCache.GetPV} and {@code ListPVs} in {@code
 * pkg/controller/volume/scheduling/scheduler_assume_cache.go}, v1.17).
 */
public interface PersistentVolumeLister {

  /** The volume, or empty when there is none. */
  Optional<PersistentVolume> get(String name);

  /** Every volume, ordered by name. */
  List<PersistentVolume> list();

  /**
   * The volumes whose {@code spec.storageClassName} is {@code storageClassName} ({@code ""}: none
   * set), ordered by name. Upstream's PV cache keeps an index on that field; this default scans
   * {@link #list()}.
   */
  default List<PersistentVolume> listByStorageClass(String storageClassName) {
    List<PersistentVolume> out = new ArrayList<>();
    for (PersistentVolume pv : list()) {
      if (storageClassName.equals(storageClassName(pv))) {
        out.add(pv);
      }
    }
    return out;
  }

  /** The field the class index reads: {@code spec.storageClassName}, {@code ""} when unset. */
  static String storageClassName(PersistentVolume pv) {
    String sc = pv.getSpec() == null ? null : pv.getSpec().getStorageClassName();
    return sc == null ? "" : sc;
  }
}
