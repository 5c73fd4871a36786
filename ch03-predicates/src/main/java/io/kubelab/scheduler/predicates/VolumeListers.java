package io.kubelab.scheduler.predicates;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the volume-count predicate needs to know about storage objects: claims, volumes and the
 * provisioner of a storage class.
 *
 * <p>Upstream: the {@code PersistentVolumeClaimLister}, {@code PersistentVolumeLister} and {@code
 * StorageClassLister} handed to {@code NewCSIMaxVolumeLimitPredicate} in {@code
 * pkg/scheduler/algorithm/predicates/csi_volume_predicate.go} (v1.17). A storage class is reduced
 * to its provisioner, the only field the predicate reads, so this chapter needs no storage model.
 */
public interface VolumeListers {

  Optional<PersistentVolumeClaim> persistentVolumeClaim(String namespace, String name);

  Optional<PersistentVolume> persistentVolume(String name);

  /** The provisioner of the named storage class, if the class exists. */
  Optional<String> storageClassProvisioner(String storageClassName);

  /** No storage objects at all: every claim is unknown, so no CSI volume is counted. */
  VolumeListers NONE = of(Map.of(), Map.of(), Map.of());

  /**
   * Listers over fixed maps.
   *
   * @param claims keyed by {@code namespace/name}
   * @param volumes keyed by name
   * @param provisioners storage class name → provisioner
   */
  static VolumeListers of(
      Map<String, PersistentVolumeClaim> claims,
      Map<String, PersistentVolume> volumes,
      Map<String, String> provisioners) {
    Map<String, PersistentVolumeClaim> c = new HashMap<>(claims);
    Map<String, PersistentVolume> v = new HashMap<>(volumes);
    Map<String, String> p = new HashMap<>(provisioners);
    return new VolumeListers() {
      @Override
      public Optional<PersistentVolumeClaim> persistentVolumeClaim(String namespace, String name) {
        return Optional.ofNullable(c.get(namespace + "/" + name));
      }

      @Override
      public Optional<PersistentVolume> persistentVolume(String name) {
        return Optional.ofNullable(v.get(name));
      }

      @Override
      public Optional<String> storageClassProvisioner(String storageClassName) {
        return Optional.ofNullable(p.get(storageClassName));
      }
    };
  }
}
