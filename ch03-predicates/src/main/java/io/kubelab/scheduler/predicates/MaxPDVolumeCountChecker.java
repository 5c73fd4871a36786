package io.kubelab.scheduler.predicates;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeSpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.kubelab.scheduler.algorithm.FitPredicate;
import io.kubelab.scheduler.algorithm.PredicateMetadata;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.cache.NodeInfo;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * {@code MaxEBSVolumeCount}, {@code MaxGCEPDVolumeCount}, {@code MaxAzureDiskVolumeCount} and
 * {@code MaxCinderVolumeCount}: a cloud VM can attach only so many disks of its provider's kind.
 *
 * <p>Upstream: {@code MaxPDVolumeCountChecker}, {@code NewMaxPDVolumeCountPredicate}, {@code
 * filterVolumes}, {@code matchProvisioner}, {@code getMaxVolumeFunc}, {@code getMaxEBSVolume},
 * {@code getMaxVolLimitFromEnv} and the four {@code VolumeFilter}s in {@code
 * pkg/scheduler/algorithm/predicates/predicates.go}; the constants in {@code
 * pkg/volume/util/attach_limit.go} (v1.17).
 *
 * <p>The pod's relevant volumes are counted by ID: inline disks of the filter's kind, and claims
 * whose PV is such a disk. A claim that is unbound, or whose PV is gone, counts as a volume of its
 * own when its storage class names the filter's in-tree provisioner. Volumes the node's pods
 * already use cost nothing more. The pod fails when {@code existing + new > limit}: the limit is
 * {@code KUBE_MAX_PD_VOLS} when set to a positive number, else the kind's default (EBS 39, 25 on
 * Nitro instance types; GCE PD 16; Azure Disk 16; Cinder 256), and the node's {@code
 * attachable-volumes-<kind>} allocatable overrides both.
 *
 * <p>Where we differ: there are no {@code CSINode} objects, so no plugin is ever migrated to CSI
 * (v1.17's behaviour while the {@code CSIMigration<Plugin>} gates are off, their default); the
 * prefix of the IDs invented for unbound claims is fixed instead of 32 random characters.
 */
public final class MaxPDVolumeCountChecker implements FitPredicate {

  private static final Logger LOG = Logger.getLogger(MaxPDVolumeCountChecker.class.getName());

  /** {@code KubeMaxPDVols}: the environment variable that overrides every default limit. */
  public static final String KUBE_MAX_PD_VOLS = "KUBE_MAX_PD_VOLS";

  /** {@code DefaultMaxEBSVolumes}: AWS recommends at most 40, the root volume takes one. */
  public static final int DEFAULT_MAX_EBS_VOLUMES = 39;

  /** {@code DefaultMaxEBSNitroVolumeLimit}. */
  public static final int DEFAULT_MAX_EBS_NITRO_VOLUME_LIMIT = 25;

  /** {@code DefaultMaxGCEPDVolumes}. */
  public static final int DEFAULT_MAX_GCE_PD_VOLUMES = 16;

  /** {@code DefaultMaxAzureDiskVolumes}. */
  public static final int DEFAULT_MAX_AZURE_DISK_VOLUMES = 16;

  /** {@code DefaultMaxCinderVolumes}. */
  public static final int DEFAULT_MAX_CINDER_VOLUMES = 256;

  /**
   * {@code EBSNitroLimitRegex}. Go's {@code MatchString} searches, so this is used with {@link
   * java.util.regex.Matcher#find()}: {@code t3} and {@code z1d} match anywhere.
   */
  static final Pattern EBS_NITRO_LIMIT_REGEX = Pattern.compile("^[cmr]5.*|t3|z1d");

  /** {@code LabelInstanceType}. */
  static final String LABEL_INSTANCE_TYPE = "beta.kubernetes.io/instance-type";

  /** {@code LabelInstanceTypeStable}. */
  static final String LABEL_INSTANCE_TYPE_STABLE = "node.kubernetes.io/instance-type";

  // Upstream prefixes invented IDs with 32 random characters so they never equal a real volume
  // ID; a NUL cannot appear in one either, and keeps runs reproducible.
  static final String UNBOUND_VOLUME_PREFIX = "\u0000unbound";

  /** Which disks one predicate counts: upstream's {@code VolumeFilter}s. */
  public enum VolumeFilter {
    /** {@code EBSVolumeFilter}, filter type {@code "EBS"}. */
    EBS(
        "EBS",
        "kubernetes.io/aws-ebs",
        "attachable-volumes-aws-ebs",
        v -> v.getAwsElasticBlockStore() == null ? null : v.getAwsElasticBlockStore().getVolumeID(),
        s ->
            s.getAwsElasticBlockStore() == null ? null : s.getAwsElasticBlockStore().getVolumeID()),
    /** {@code GCEPDVolumeFilter}, filter type {@code "GCE"}. */
    GCE_PD(
        "GCE",
        "kubernetes.io/gce-pd",
        "attachable-volumes-gce-pd",
        v -> v.getGcePersistentDisk() == null ? null : v.getGcePersistentDisk().getPdName(),
        s -> s.getGcePersistentDisk() == null ? null : s.getGcePersistentDisk().getPdName()),
    /** {@code AzureDiskVolumeFilter}, filter type {@code "AzureDisk"}. */
    AZURE_DISK(
        "AzureDisk",
        "kubernetes.io/azure-disk",
        "attachable-volumes-azure-disk",
        v -> v.getAzureDisk() == null ? null : v.getAzureDisk().getDiskName(),
        s -> s.getAzureDisk() == null ? null : s.getAzureDisk().getDiskName()),
    /** {@code CinderVolumeFilter}, filter type {@code "Cinder"}. */
    CINDER(
        "Cinder",
        "kubernetes.io/cinder",
        "attachable-volumes-cinder",
        v -> v.getCinder() == null ? null : v.getCinder().getVolumeID(),
        s -> s.getCinder() == null ? null : s.getCinder().getVolumeID());

    private final String filterType;
    private final String inTreePluginName;
    private final String volumeLimitKey;
    private final Function<Volume, String> inlineId;
    private final Function<PersistentVolumeSpec, String> persistentId;

    VolumeFilter(
        String filterType,
        String inTreePluginName,
        String volumeLimitKey,
        Function<Volume, String> inlineId,
        Function<PersistentVolumeSpec, String> persistentId) {
      this.filterType = filterType;
      this.inTreePluginName = inTreePluginName;
      this.volumeLimitKey = volumeLimitKey;
      this.inlineId = inlineId;
      this.persistentId = persistentId;
    }

    /** Upstream's filter type name ({@code EBSVolumeFilterType} …). */
    public String filterType() {
      return filterType;
    }

    /** The in-tree provisioner whose storage classes this filter counts. */
    public String inTreePluginName() {
      return inTreePluginName;
    }

    /** The node allocatable that overrides the default limit ({@code EBSVolumeLimitKey} …). */
    public String volumeLimitKey() {
      return volumeLimitKey;
    }

    /** {@code FilterVolume}: the volume's ID when it is an inline disk of this kind. */
    String filterVolume(Volume v) {
      return inlineId.apply(v);
    }

    /** {@code FilterPersistentVolume}. */
    String filterPersistentVolume(PersistentVolume pv) {
      return pv.getSpec() == null ? null : persistentId.apply(pv.getSpec());
    }
  }

  private final VolumeFilter filter;
  private final VolumeListers listers;
  private final long maxVolumesFromEnv;

  /**
   * @param kubeMaxPdVols the scheduler's {@code KUBE_MAX_PD_VOLS}, or null when unset
   */
  public MaxPDVolumeCountChecker(VolumeFilter filter, VolumeListers listers, String kubeMaxPdVols) {
    this.filter = filter;
    this.listers = listers;
    this.maxVolumesFromEnv = maxVolLimitFromEnv(kubeMaxPdVols);
  }

  public VolumeFilter filter() {
    return filter;
  }

  @Override
  public PredicateResult check(Pod pod, PredicateMetadata meta, NodeInfo nodeInfo) {
    List<Volume> volumes = VolumeUtil.volumes(pod);
    if (volumes.isEmpty()) {
      return PredicateResult.FIT;
    }
    Set<String> newVolumes = new HashSet<>();
    filterVolumes(pod, newVolumes);
    if (newVolumes.isEmpty()) {
      return PredicateResult.FIT;
    }
    GeneralPredicates.requireNode(pod, nodeInfo, predicateName());
    Node node = nodeInfo.node();
    Set<String> existingVolumes = new HashSet<>();
    for (Pod existing : nodeInfo.pods()) {
      filterVolumes(existing, existingVolumes);
    }
    int numExistingVolumes = existingVolumes.size();
    newVolumes.removeAll(existingVolumes);
    int numNewVolumes = newVolumes.size();
    long maxAttachLimit = maxVolumes(node);
    Long fromAllocatable = VolumeLimits.of(nodeInfo).get(filter.volumeLimitKey());
    if (fromAllocatable != null) {
      maxAttachLimit = fromAllocatable;
    }
    if (numExistingVolumes + numNewVolumes > maxAttachLimit) {
      return PredicateResult.fail(PredicateErrors.ERR_MAX_VOLUME_COUNT_EXCEEDED);
    }
    return PredicateResult.FIT;
  }

  private String predicateName() {
    return switch (filter) {
      case EBS -> "MaxEBSVolumeCount";
      case GCE_PD -> "MaxGCEPDVolumeCount";
      case AZURE_DISK -> "MaxAzureDiskVolumeCount";
      case CINDER -> "MaxCinderVolumeCount";
    };
  }

  /** Upstream's {@code filterVolumes}: the IDs of the pod's volumes of this kind. */
  private void filterVolumes(Pod pod, Set<String> into) {
    List<Volume> volumes = VolumeUtil.volumes(pod);
    String namespace = AffinityTerms.namespace(pod);
    for (int i = 0; i < volumes.size(); i++) {
      Volume vol = volumes.get(i);
      String id = filter.filterVolume(vol);
      if (id != null) {
        into.add(id);
        continue;
      }
      if (vol.getPersistentVolumeClaim() == null) {
        continue;
      }
      String pvcName = VolumeUtil.claimName(pod, i, vol);
      // Until the real volume is known, the claim stands for one volume of its own.
      String pvId = UNBOUND_VOLUME_PREFIX + "-" + namespace + "/" + pvcName;
      PersistentVolumeClaim pvc = listers.claims().get(namespace, pvcName).orElse(null);
      if (pvc == null) {
        // No claim, no guarantee the volume is of this kind: not counted.
        continue;
      }
      String pvName = pvc.getSpec() == null ? null : pvc.getSpec().getVolumeName();
      if (pvName == null || pvName.isEmpty()) {
        // Unbound (or forcefully unbound): the pod may still get the original volume.
        if (matchProvisioner(pvc)) {
          into.add(pvId);
        }
        continue;
      }
      PersistentVolume pv = listers.volumes().get(pvName).orElse(null);
      if (pv == null) {
        if (matchProvisioner(pvc)) {
          into.add(pvId);
        }
        continue;
      }
      String pvVolumeId = filter.filterPersistentVolume(pv);
      if (pvVolumeId != null) {
        into.add(pvVolumeId);
      }
    }
  }

  /**
   * {@code matchProvisioner}: does the claim's class use this filter's in-tree provisioner? Unlike
   * the other volume predicates upstream reads only {@code spec.storageClassName} here, not the
   * beta annotation.
   */
  private boolean matchProvisioner(PersistentVolumeClaim pvc) {
    String scName = pvc.getSpec() == null ? null : pvc.getSpec().getStorageClassName();
    if (scName == null) {
      return false;
    }
    StorageClass sc = listers.classes().get(scName).orElse(null);
    return sc != null && filter.inTreePluginName().equals(sc.getProvisioner());
  }

  /** {@code getMaxVolumeFunc}: the limit before the node's allocatable is consulted. */
  long maxVolumes(Node node) {
    if (maxVolumesFromEnv > 0) {
      return maxVolumesFromEnv;
    }
    return switch (filter) {
      case EBS -> maxEbsVolumes(instanceType(node));
      case GCE_PD -> DEFAULT_MAX_GCE_PD_VOLUMES;
      case AZURE_DISK -> DEFAULT_MAX_AZURE_DISK_VOLUMES;
      case CINDER -> DEFAULT_MAX_CINDER_VOLUMES;
    };
  }

  /**
   * The node's instance type. Upstream ranges over the label map and takes whichever of the two
   * labels it meets first; Go's map order is random, so a node with two different values gets
   * either. We take the beta label first.
   */
  private static String instanceType(Node node) {
    Map<String, String> labels = node.getMetadata().getLabels();
    if (labels == null) {
      return "";
    }
    String beta = labels.get(LABEL_INSTANCE_TYPE);
    if (beta != null) {
      return beta;
    }
    String stable = labels.get(LABEL_INSTANCE_TYPE_STABLE);
    return stable == null ? "" : stable;
  }

  /** {@code getMaxEBSVolume}: Nitro instance types attach fewer EBS volumes. */
  static int maxEbsVolumes(String nodeInstanceType) {
    return EBS_NITRO_LIMIT_REGEX.matcher(nodeInstanceType).find()
        ? DEFAULT_MAX_EBS_NITRO_VOLUME_LIMIT
        : DEFAULT_MAX_EBS_VOLUMES;
  }

  /**
   * {@code getMaxVolLimitFromEnv}: the value of {@code KUBE_MAX_PD_VOLS} when it is a positive
   * integer, else -1 (logged when set but unusable).
   */
  static long maxVolLimitFromEnv(String raw) {
    if (raw == null || raw.isEmpty()) {
      return -1;
    }
    long parsed;
    try {
      parsed = Long.parseLong(raw);
    } catch (NumberFormatException e) {
      LOG.severe(() -> "Unable to parse maximum PD volumes value, using default: \"" + raw + "\"");
      return -1;
    }
    if (parsed <= 0) {
      LOG.severe("Maximum PD volumes must be a positive value, using default");
      return -1;
    }
    return parsed;
  }
}
