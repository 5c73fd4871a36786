package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.framework.Code;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FilterPlugin;
import io.kubelab.scheduler.framework.FrameworkHandle;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.predicates.SchedulerVolumeBinder;
import io.kubelab.scheduler.predicates.VolumeBindingPredicate;
import io.kubelab.scheduler.predicates.VolumeListers;

/**
 * The pod's bound volumes must be reachable from the node, and its unbound claims must find a
 * volume there or be provisionable.
 *
 * <p>Upstream: {@code pkg/scheduler/framework/plugins/volumebinding/volume_binding.go} (v1.18), a
 * Filter over the volume binder's {@code FindPodVolumes}: UnschedulableAndUnresolvable with
 * "node(s) had volume node affinity conflict" when bound volumes do not fit, "node(s) didn't find
 * available persistent volumes to bind" when unbound claims do not, or both. In v1.18 the plugin is
 * a Filter only: assuming and binding the volumes stay with the scheduler's volume binder. The rule
 * is chapter 03's {@link VolumeBindingPredicate} over its {@link SchedulerVolumeBinder}, built on
 * the {@link VolumeListers} component (none given: no PVCs, PVs or storage classes are known).
 */
public final class VolumeBinding implements FilterPlugin {

  /** {@code Name}. */
  public static final String NAME = "VolumeBinding";

  private final VolumeBindingPredicate predicate;

  VolumeBinding(FrameworkHandle handle) {
    this.predicate =
        new VolumeBindingPredicate(
            new SchedulerVolumeBinder(handle.componentOr(VolumeListers.class, VolumeListers.NONE)));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status filter(CycleState state, Pod pod, NodeInfo nodeInfo) {
    // Upstream checks the node before it looks at the pod's claims.
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
