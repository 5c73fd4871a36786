package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.framework.Code;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FilterPlugin;
import io.kubelab.scheduler.framework.FrameworkHandle;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.predicates.MaxPDVolumeCountChecker;
import io.kubelab.scheduler.predicates.MaxPDVolumeCountChecker.VolumeFilter;
import io.kubelab.scheduler.predicates.PredicateSettings;
import io.kubelab.scheduler.predicates.VolumeListers;

/**
 * The cloud-disk attach limits: a node can attach only so many AWS EBS, GCE PD, Azure Disk or
 * Cinder volumes, counted by volume ID over all its pods.
 *
 * <p>Upstream: {@code nonCSILimits} in {@code
 * pkg/scheduler/framework/plugins/nodevolumelimits/non_csi.go} (v1.18), one type behind four
 * plugins named {@value #EBS_NAME}, {@value #GCE_PD_NAME}, {@value #AZURE_DISK_NAME} and {@value
 * #CINDER_NAME}: Unschedulable, "node(s) exceed max volume count". The rule (which volumes count,
 * the limits, {@code KUBE_MAX_PD_VOLS}, the node's {@code attachable-volumes-*} allocatable) is
 * chapter 03's {@link MaxPDVolumeCountChecker}; the storage objects come from the {@link
 * VolumeListers} component (none given: no PVCs, PVs or storage classes are known), {@code
 * KUBE_MAX_PD_VOLS} from a {@link PredicateSettings} component (none given: unset). A claim or
 * volume the listers do not have is an Error status naming it, as upstream's.
 */
public final class NonCsiLimits implements FilterPlugin {

  /** {@code EBSName}. */
  public static final String EBS_NAME = "EBSLimits";

  /** {@code GCEPDName}. */
  public static final String GCE_PD_NAME = "GCEPDLimits";

  /** {@code AzureDiskName}. */
  public static final String AZURE_DISK_NAME = "AzureDiskLimits";

  /** {@code CinderName}. */
  public static final String CINDER_NAME = "CinderLimits";

  private final String name;
  private final MaxPDVolumeCountChecker checker;

  /** {@code newNonCSILimits} with the filter of {@code name}. */
  NonCsiLimits(String name, VolumeFilter filter, FrameworkHandle handle) {
    this.name = name;
    this.checker =
        new MaxPDVolumeCountChecker(
            filter,
            handle.componentOr(VolumeListers.class, VolumeListers.NONE),
            handle.hasComponent(PredicateSettings.class)
                ? handle.component(PredicateSettings.class).kubeMaxPdVols()
                : null);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Status filter(CycleState state, Pod pod, NodeInfo nodeInfo) {
    return PredicateStatus.of(checker.check(pod, null, nodeInfo), Code.UNSCHEDULABLE);
  }

  /** A pod without volumes passes on every node. */
  @Override
  public boolean filterPassesEveryNode(CycleState state, Pod pod) {
    return PredicateStatus.noVolumes(pod);
  }
}
