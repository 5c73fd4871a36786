package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.framework.Code;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FilterPlugin;
import io.kubelab.scheduler.framework.FrameworkHandle;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.predicates.CsiMaxVolumeLimitPredicate;
import io.kubelab.scheduler.predicates.VolumeListers;

/**
 * The CSI attach limit: the node's {@code attachable-volumes-csi-<driver>} allocatable bounds the
 * CSI volumes of all its pods together.
 *
 * <p>Upstream: {@code pkg/scheduler/framework/plugins/nodevolumelimits/csi.go} (v1.18), the plugin
 * named {@code NodeVolumeLimits}: Unschedulable, "node(s) exceed max volume count". The rule is
 * chapter 03's {@link CsiMaxVolumeLimitPredicate}; the storage objects come from the {@link
 * VolumeListers} component (none given: no PVCs, PVs or storage classes are known).
 */
public final class NodeVolumeLimits implements FilterPlugin {

  /** {@code CSIName}. */
  public static final String NAME = "NodeVolumeLimits";

  private final CsiMaxVolumeLimitPredicate predicate;

  NodeVolumeLimits(FrameworkHandle handle) {
    this.predicate =
        new CsiMaxVolumeLimitPredicate(handle.componentOr(VolumeListers.class, VolumeListers.NONE));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status filter(CycleState state, Pod pod, NodeInfo nodeInfo) {
    return PredicateStatus.of(predicate.check(pod, null, nodeInfo), Code.UNSCHEDULABLE);
  }

  /** A pod without volumes passes on every node. */
  @Override
  public boolean filterPassesEveryNode(CycleState state, Pod pod) {
    return PredicateStatus.noVolumes(pod);
  }
}
