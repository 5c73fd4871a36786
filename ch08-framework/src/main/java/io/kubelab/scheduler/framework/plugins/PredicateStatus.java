package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.PredicateFailureReason;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.framework.Code;
import io.kubelab.scheduler.framework.Status;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a chapter 03 predicate's verdict into a filter status: the same reasons, with the code the
 * v1.18 plugin returns.
 *
 * <p>Upstream 1.17 had a generic wrapper ({@code migration.PredicateResultToFrameworkStatus}); the
 * 1.18 plugins each build their status by hand, with the reasons of the old predicates. Keeping the
 * predicates as the one place of each rule and converting here is what makes the plugins thin.
 */
final class PredicateStatus {

  private PredicateStatus() {}

  /**
   * A pod without volumes: every volume Filter (VolumeRestrictions, VolumeBinding, VolumeZone, the
   * volume limits) passes it on every node with a Node.
   */
  static boolean noVolumes(Pod pod) {
    List<io.fabric8.kubernetes.api.model.Volume> volumes = pod.getSpec().getVolumes();
    return volumes == null || volumes.isEmpty();
  }

  /** Success for a fit; otherwise {@code code} with every reason, in order. */
  static Status of(PredicateResult r, Code code) {
    if (r.fits()) {
      return Status.SUCCESS;
    }
    return Status.of(code, reasons(r.reasons()));
  }

  static List<String> reasons(List<? extends PredicateFailureReason> reasons) {
    List<String> out = new ArrayList<>(reasons.size());
    for (PredicateFailureReason f : reasons) {
      out.add(f.getReason());
    }
    return out;
  }
}
