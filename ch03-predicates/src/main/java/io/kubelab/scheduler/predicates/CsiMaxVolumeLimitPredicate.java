package io.kubelab.scheduler.predicates;

import io.fabric8.kubernetes.api.model.CSIPersistentVolumeSource;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.kubelab.scheduler.algorithm.FitPredicate;
import io.kubelab.scheduler.algorithm.PredicateMetadata;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.cache.NodeInfo;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code MaxCSIVolumeCountPred}: a node takes at most {@code attachable-volumes-csi-<driver>}
 * volumes of each CSI driver, as the node reports in its allocatable.
 *
 * <p>Upstream: {@code CSIMaxVolumeLimitChecker.attachableLimitPredicate}, {@code
 * filterAttachableVolumes}, {@code getCSIDriverInfo}, {@code getCSIDriverInfoFromSC} in {@code
 * pkg/scheduler/algorithm/predicates/csi_volume_predicate.go}, {@code GetCSIAttachLimitKey} in
 * {@code pkg/volume/util/attach_limit.go} and {@code NodeInfo.VolumeLimits} (v1.17). Only volumes
 * reached through a PVC count. A bound claim counts as {@code driver/volumeHandle} of its CSI PV;
 * an unbound one (or one whose PV is gone) counts as a fresh volume of its storage class's
 * provisioner. A volume shared with a pod already on the node is counted once. The pod fails when
 * {@code attached + new > limit} for some driver.
 *
 * <p>Where we differ: no {@code CSINode} objects (limits come from node allocatable only, the v1.17
 * fallback) and no in-tree-to-CSI migration (in-tree PVs and in-tree provisioners are not counted,
 * which is what v1.17 does while the per-plugin migration gates are off, their default). The
 * AttachVolumeLimit gate is taken as on (its v1.17 default).
 */
public final class CsiMaxVolumeLimitPredicate implements FitPredicate {

  /** {@code CSIAttachLimitPrefix}. */
  public static final String CSI_ATTACH_LIMIT_PREFIX = "attachable-volumes-csi-";

  /** {@code ResourceNameLengthLimit}: keys this long are shortened with a SHA-1 of the driver. */
  static final int RESOURCE_NAME_LENGTH_LIMIT = 63;

  private static final int DRIVER_NAME_CHARS_IN_LONG_KEY = 23;
  private static final int HASH_CHARS_IN_LONG_KEY = 16;

  // In-tree plugins that v1.17 could migrate to CSI; without migration their volumes are counted
  // by the MaxEBS/GCEPD/... predicates, not by this one.
  private static final Set<String> MIGRATABLE_IN_TREE_PROVISIONERS =
      Set.of(
          "kubernetes.io/aws-ebs",
          "kubernetes.io/gce-pd",
          "kubernetes.io/cinder",
          "kubernetes.io/azure-disk",
          "kubernetes.io/azure-file");

  // Upstream prefixes unbound claims with 32 random characters so they never collide with a real
  // volume handle; a NUL character cannot appear in one either, and keeps runs reproducible.
  private static final String UNBOUND_VOLUME_PREFIX = "\u0000unbound-";

  private final VolumeListers listers;

  public CsiMaxVolumeLimitPredicate(VolumeListers listers) {
    this.listers = listers;
  }

  @Override
  public PredicateResult check(Pod pod, PredicateMetadata meta, NodeInfo nodeInfo) {
    List<Volume> volumes = pod.getSpec().getVolumes();
    if (volumes == null || volumes.isEmpty()) {
      return PredicateResult.FIT;
    }
    GeneralPredicates.requireNode(pod, nodeInfo, "MaxCSIVolumeCountPred");
    Map<String, String> newVolumes = new HashMap<>();
    filterAttachableVolumes(pod, newVolumes);
    if (newVolumes.isEmpty()) {
      return PredicateResult.FIT;
    }
    Map<String, Long> limits = VolumeLimits.of(nodeInfo);
    if (limits.isEmpty()) {
      return PredicateResult.FIT;
    }
    Map<String, String> attachedVolumes = new HashMap<>();
    for (Pod existing : nodeInfo.pods()) {
      filterAttachableVolumes(existing, attachedVolumes);
    }
    Map<String, Integer> attachedCount = new HashMap<>();
    for (Map.Entry<String, String> e : attachedVolumes.entrySet()) {
      // A volume the node already has attached costs nothing more.
      newVolumes.remove(e.getKey());
      attachedCount.merge(e.getValue(), 1, Integer::sum);
    }
    Map<String, Integer> newCount = new TreeMap<>();
    for (String limitKey : newVolumes.values()) {
      newCount.merge(limitKey, 1, Integer::sum);
    }
    for (Map.Entry<String, Integer> e : newCount.entrySet()) {
      Long max = limits.get(e.getKey());
      if (max != null && attachedCount.getOrDefault(e.getKey(), 0) + e.getValue() > max) {
        return PredicateResult.fail(PredicateErrors.ERR_MAX_VOLUME_COUNT_EXCEEDED);
      }
    }
    return PredicateResult.FIT;
  }

  /** unique volume name ({@code driver/handle}) → limit key, for the pod's CSI claims. */
  private void filterAttachableVolumes(Pod pod, Map<String, String> result) {
    List<Volume> volumes = pod.getSpec().getVolumes();
    if (volumes == null) {
      return;
    }
    String namespace = AffinityTerms.namespace(pod);
    for (int i = 0; i < volumes.size(); i++) {
      Volume vol = volumes.get(i);
      if (vol.getPersistentVolumeClaim() == null) {
        continue;
      }
      String claimName = VolumeUtil.claimName(pod, i, vol);
      PersistentVolumeClaim pvc = listers.claims().get(namespace, claimName).orElse(null);
      if (pvc == null) {
        continue;
      }
      String[] driverAndHandle = csiDriverInfo(namespace, claimName, pvc);
      if (driverAndHandle == null) {
        continue;
      }
      result.put(
          driverAndHandle[0] + "/" + driverAndHandle[1], getCsiAttachLimitKey(driverAndHandle[0]));
    }
  }

  private String[] csiDriverInfo(String namespace, String claimName, PersistentVolumeClaim pvc) {
    String pvName = pvc.getSpec() == null ? null : pvc.getSpec().getVolumeName();
    if (pvName == null || pvName.isEmpty()) {
      return csiDriverInfoFromStorageClass(namespace, claimName, pvc);
    }
    PersistentVolume pv = listers.volumes().get(pvName).orElse(null);
    if (pv == null) {
      // Deleted, or the claim was pre-bound to a volume not created yet: count it by class.
      return csiDriverInfoFromStorageClass(namespace, claimName, pvc);
    }
    CSIPersistentVolumeSource csi = pv.getSpec() == null ? null : pv.getSpec().getCsi();
    if (csi == null || empty(csi.getDriver()) || empty(csi.getVolumeHandle())) {
      return null;
    }
    return new String[] {csi.getDriver(), csi.getVolumeHandle()};
  }

  private String[] csiDriverInfoFromStorageClass(
      String namespace, String claimName, PersistentVolumeClaim pvc) {
    String scName = VolumeUtil.persistentVolumeClaimClass(pvc);
    // Without a class the claim binds immediately, so it is bound before scheduling: skip it.
    if (scName.isEmpty()) {
      return null;
    }
    StorageClass sc = listers.classes().get(scName).orElse(null);
    String provisioner = sc == null ? null : sc.getProvisioner();
    if (provisioner == null
        || provisioner.isEmpty()
        || MIGRATABLE_IN_TREE_PROVISIONERS.contains(provisioner)) {
      return null;
    }
    return new String[] {provisioner, UNBOUND_VOLUME_PREFIX + namespace + "/" + claimName};
  }

  /**
   * Upstream's {@code GetCSIAttachLimitKey}: {@code attachable-volumes-csi-<driver>}; when that
   * would reach the 63-character limit of a resource name, the prefix plus the driver's first 23
   * characters plus the first 16 hex digits of the driver name's SHA-1 (62 characters).
   */
  public static String getCsiAttachLimitKey(String driverName) {
    if (CSI_ATTACH_LIMIT_PREFIX.length() + driverName.length() < RESOURCE_NAME_LENGTH_LIMIT) {
      return CSI_ATTACH_LIMIT_PREFIX + driverName;
    }
    try {
      byte[] sum =
          MessageDigest.getInstance("SHA-1").digest(driverName.getBytes(StandardCharsets.UTF_8));
      return CSI_ATTACH_LIMIT_PREFIX
          + driverName.substring(0, DRIVER_NAME_CHARS_IN_LONG_KEY)
          + HexFormat.of().formatHex(sum).substring(0, HASH_CHARS_IN_LONG_KEY);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required by every Java platform", e);
    }
  }

  private static boolean empty(String s) {
    return s == null || s.isEmpty();
  }
}
