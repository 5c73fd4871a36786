package io.kubelab.scheduler.predicates;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The three storage listers the volume predicates read, handed to them through the algorithm
 * factory args ({@code AlgorithmFactoryArgs.listers()}, keyed by this type).
 *
 * <p>Upstream: the PV, PVC and StorageClass listers that {@code register_predicates.go} takes from
 * {@code args.InformerFactory} for NoVolumeZoneConflict, the Max*VolumeCount predicates and
 * MaxCSIVolumeCountPred, and that the volume binder reads for CheckVolumeBinding (v1.17).
 *
 * @param claims the claims
 * @param volumes the persistent volumes
 * @param classes the storage classes
 */
public record VolumeListers(
    PersistentVolumeClaimLister claims,
    PersistentVolumeLister volumes,
    StorageClassLister classes) {

  /** No storage objects at all: every claim is unknown. */
  public static final VolumeListers NONE = of(List.of(), List.of(), List.of());

  public VolumeListers {
    Objects.requireNonNull(claims, "claims");
    Objects.requireNonNull(volumes, "volumes");
    Objects.requireNonNull(classes, "classes");
  }

  /**
   * In-memory listers over fixed objects, as a test or a manifest supplies them.
   *
   * @throws IllegalArgumentException when an object has no name, or two share a name
   */
  public static VolumeListers of(
      Collection<PersistentVolumeClaim> claims,
      Collection<PersistentVolume> volumes,
      Collection<StorageClass> classes) {
    Map<String, PersistentVolumeClaim> c = index(claims, "PersistentVolumeClaim", true);
    Map<String, PersistentVolume> v = index(volumes, "PersistentVolume", false);
    Map<String, StorageClass> s = index(classes, "StorageClass", false);
    List<PersistentVolume> all = List.copyOf(v.values());
    Map<String, List<PersistentVolume>> byClass = new HashMap<>();
    for (PersistentVolume pv : all) {
      byClass
          .computeIfAbsent(PersistentVolumeLister.storageClassName(pv), k -> new ArrayList<>())
          .add(pv);
    }
    byClass.replaceAll((k, l) -> List.copyOf(l));
    PersistentVolumeLister pvs =
        new PersistentVolumeLister() {
          @Override
          public Optional<PersistentVolume> get(String name) {
            return Optional.ofNullable(v.get(name));
          }

          @Override
          public List<PersistentVolume> list() {
            return all;
          }

          @Override
          public List<PersistentVolume> listByStorageClass(String storageClassName) {
            return byClass.getOrDefault(storageClassName, List.of());
          }
        };
    return new VolumeListers(
        (namespace, name) -> Optional.ofNullable(c.get(namespace + "/" + name)),
        pvs,
        name -> Optional.ofNullable(s.get(name)));
  }

  private static <T extends HasMetadata> Map<String, T> index(
      Collection<T> objects, String kind, boolean namespaced) {
    Map<String, T> byKey = new TreeMap<>();
    List<T> list = new ArrayList<>(objects);
    for (int i = 0; i < list.size(); i++) {
      T o = list.get(i);
      String name = o.getMetadata() == null ? null : o.getMetadata().getName();
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException(kind + " [" + i + "]: metadata.name: must not be empty");
      }
      String key = name;
      if (namespaced) {
        String ns = o.getMetadata().getNamespace();
        key = (ns == null ? "" : ns) + "/" + name;
      }
      if (byKey.putIfAbsent(key, o) != null) {
        throw new IllegalArgumentException(kind + " " + key + ": given twice");
      }
    }
    return byKey;
  }
}
