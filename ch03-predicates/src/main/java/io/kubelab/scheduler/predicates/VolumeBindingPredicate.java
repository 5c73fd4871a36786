package io.kubelab.scheduler.predicates;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.kubelab.scheduler.algorithm.FitPredicate;
import io.kubelab.scheduler.algorithm.PredicateFailureReason;
import io.kubelab.scheduler.algorithm.PredicateMetadata;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.cache.NodeInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code CheckVolumeBinding}: the pod's bound volumes must be usable on the node, and its unbound
 * claims must find volumes (or be provisionable) there.
 *
 * <p>Upstream: {@code VolumeBindingChecker.predicate} and {@code podHasPVCs} in {@code
 * pkg/scheduler/algorithm/predicates/predicates.go} (v1.17), which asks the volume binder's {@code
 * FindPodVolumes} ({@link SchedulerVolumeBinder}) and turns its two answers into reasons: bound
 * volumes unsatisfied is "node(s) had volume node affinity conflict", unbound claims unsatisfied is
 * "node(s) didn't find available persistent volumes to bind"; both can be reported at once. A pod
 * without claims passes without asking the binder.
 */
public final class VolumeBindingPredicate implements FitPredicate {

  private final SchedulerVolumeBinder binder;

  public VolumeBindingPredicate(SchedulerVolumeBinder binder) {
    this.binder = binder;
  }

  @Override
  public PredicateResult check(Pod pod, PredicateMetadata meta, NodeInfo nodeInfo) {
    if (!podHasPvcs(pod)) {
      return PredicateResult.FIT;
    }
    GeneralPredicates.requireNode(pod, nodeInfo, "CheckVolumeBinding");
    SchedulerVolumeBinder.PodVolumes volumes = binder.findPodVolumes(pod, nodeInfo.node());
    List<PredicateFailureReason> reasons = new ArrayList<>(2);
    if (!volumes.boundVolumesSatisfied()) {
      reasons.add(PredicateErrors.ERR_VOLUME_NODE_CONFLICT);
    }
    if (!volumes.unboundVolumesSatisfied()) {
      reasons.add(PredicateErrors.ERR_VOLUME_BIND_CONFLICT);
    }
    return GeneralPredicates.result(reasons);
  }

  static boolean podHasPvcs(Pod pod) {
    for (Volume v : VolumeUtil.volumes(pod)) {
      if (v.getPersistentVolumeClaim() != null) {
        return true;
      }
    }
    return false;
  }
}
