package io.kubelab.scheduler.predicates;

import io.fabric8.kubernetes.api.model.GCEPersistentDiskVolumeSource;
import io.fabric8.kubernetes.api.model.ISCSIVolumeSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.RBDVolumeSource;
import io.fabric8.kubernetes.api.model.Volume;
import io.kubelab.scheduler.algorithm.PredicateMetadata;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.cache.NodeInfo;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@code NoDiskConflict}: a network disk that allows one writer cannot be mounted by two pods on
 * the same node unless every mount is read-only.
 *
 * <p>Upstream: {@code NoDiskConflict}, {@code isVolumeConflict} and {@code haveOverlap} in {@code
 * pkg/scheduler/algorithm/predicates/predicates.go} (v1.17):
 *
 * <ul>
 *   <li>GCE PD: same {@code pdName} conflicts unless both mounts are read-only;
 *   <li>AWS EBS: same {@code volumeID} always conflicts;
 *   <li>iSCSI: same {@code iqn} conflicts unless both are read-only;
 *   <li>Ceph RBD: a shared monitor, same pool and same image conflict unless both are read-only.
 * </ul>
 */
public final class NoDiskConflict {

  private NoDiskConflict() {}

  /** The predicate. */
  public static PredicateResult noDiskConflict(Pod pod, PredicateMetadata meta, NodeInfo nodeInfo) {
    List<Volume> volumes = pod.getSpec().getVolumes();
    if (volumes == null) {
      return PredicateResult.FIT;
    }
    for (Volume v : volumes) {
      if (!isDisk(v)) {
        // isVolumeConflict is false for it with every pod: skip the node's pods.
        continue;
      }
      for (Pod existing : nodeInfo.pods()) {
        if (isVolumeConflict(v, existing)) {
          return PredicateResult.fail(PredicateErrors.ERR_DISK_CONFLICT);
        }
      }
    }
    return PredicateResult.FIT;
  }

  /** One of the four kinds of disk that can conflict. */
  private static boolean isDisk(Volume volume) {
    return volume.getGcePersistentDisk() != null
        || volume.getAwsElasticBlockStore() != null
        || volume.getRbd() != null
        || volume.getIscsi() != null;
  }

  /** Upstream's {@code isVolumeConflict}; the caller has already skipped non-disk volumes. */
  static boolean isVolumeConflict(Volume volume, Pod existingPod) {
    List<Volume> existingVolumes = existingPod.getSpec().getVolumes();
    if (existingVolumes == null) {
      return false;
    }
    for (Volume ev : existingVolumes) {
      GCEPersistentDiskVolumeSource disk = volume.getGcePersistentDisk();
      GCEPersistentDiskVolumeSource existingDisk = ev.getGcePersistentDisk();
      if (disk != null && existingDisk != null) {
        if (Objects.equals(disk.getPdName(), existingDisk.getPdName())
            && !(ro(disk.getReadOnly()) && ro(existingDisk.getReadOnly()))) {
          return true;
        }
      }
      if (volume.getAwsElasticBlockStore() != null && ev.getAwsElasticBlockStore() != null) {
        if (Objects.equals(
            volume.getAwsElasticBlockStore().getVolumeID(),
            ev.getAwsElasticBlockStore().getVolumeID())) {
          return true;
        }
      }
      ISCSIVolumeSource iscsi = volume.getIscsi();
      ISCSIVolumeSource existingIscsi = ev.getIscsi();
      if (iscsi != null && existingIscsi != null) {
        if (Objects.equals(iscsi.getIqn(), existingIscsi.getIqn())
            && !(ro(iscsi.getReadOnly()) && ro(existingIscsi.getReadOnly()))) {
          return true;
        }
      }
      RBDVolumeSource rbd = volume.getRbd();
      RBDVolumeSource existingRbd = ev.getRbd();
      if (rbd != null && existingRbd != null) {
        if (haveOverlap(rbd.getMonitors(), existingRbd.getMonitors())
            && Objects.equals(rbd.getPool(), existingRbd.getPool())
            && Objects.equals(rbd.getImage(), existingRbd.getImage())
            && !(ro(rbd.getReadOnly()) && ro(existingRbd.getReadOnly()))) {
          return true;
        }
      }
    }
    return false;
  }

  static boolean haveOverlap(List<String> a, List<String> b) {
    if (a == null || b == null) {
      return false;
    }
    Set<String> s = new HashSet<>(a);
    for (String x : b) {
      if (s.contains(x)) {
        return true;
      }
    }
    return false;
  }

  private static boolean ro(Boolean b) {
    return Boolean.TRUE.equals(b);
  }
}
