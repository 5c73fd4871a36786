package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.framework.Code;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FilterPlugin;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.predicates.NoDiskConflict;

/**
 * Volumes that cannot be mounted twice (GCE PD read-write, AWS EBS, RBD, iSCSI) conflict with the
 * same volume already used on the node.
 *
 * <p>Upstream: {@code pkg/scheduler/framework/plugins/volumerestrictions/volume_restrictions.go}
 * (v1.18): Unschedulable, "node(s) had no available disk". The rule is chapter 03's {@link
 * NoDiskConflict#noDiskConflict}.
 */
public final class VolumeRestrictions implements FilterPlugin {

  /** {@code Name}. */
  public static final String NAME = "VolumeRestrictions";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status filter(CycleState state, Pod pod, NodeInfo nodeInfo) {
    return PredicateStatus.of(
        NoDiskConflict.noDiskConflict(pod, null, nodeInfo), Code.UNSCHEDULABLE);
  }

  /** A pod without volumes passes on every node. */
  @Override
  public boolean filterPassesEveryNode(CycleState state, Pod pod) {
    return PredicateStatus.noVolumes(pod);
  }
}
