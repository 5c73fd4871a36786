package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.framework.Code;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FilterPlugin;
import io.kubelab.scheduler.framework.FrameworkHandle;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.predicates.VolumeListers;
import io.kubelab.scheduler.predicates.VolumeZonePredicate;

/**
 * A pod whose bound volumes live in a zone (or region) runs only on nodes of that zone.
 *
 * <p>Upstream: {@code pkg/scheduler/framework/plugins/volumezone/volume_zone.go} (v1.18):
 * UnschedulableAndUnresolvable, "node(s) had no available volume zone"; a claim or volume the
 * listers do not have is an Error status naming it. A pod without volumes passes before the node is
 * looked at. The rule is chapter 03's {@link VolumeZonePredicate} over the {@link VolumeListers}
 * component (none given: no PVCs, PVs or storage classes are known).
 */
public final class VolumeZone implements FilterPlugin {

  /** {@code Name}. */
  public static final String NAME = "VolumeZone";

  private final VolumeZonePredicate predicate;

  VolumeZone(FrameworkHandle handle) {
    this.predicate =
        new VolumeZonePredicate(handle.componentOr(VolumeListers.class, VolumeListers.NONE));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status filter(CycleState state, Pod pod, NodeInfo nodeInfo) {
    boolean noVolumes = pod.getSpec().getVolumes() == null || pod.getSpec().getVolumes().isEmpty();
    if (noVolumes) {
      return Status.SUCCESS;
    }
    if (nodeInfo == null || nodeInfo.node() == null) {
      return Status.error("node not found");
    }
    return PredicateStatus.of(
        predicate.check(pod, null, nodeInfo), Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
  }

  /** A pod without volumes passes on every node. */
  @Override
  public boolean filterPassesEveryNode(CycleState state, Pod pod) {
    return PredicateStatus.noVolumes(pod);
  }
}
