package io.kubelab.scheduler.priorities;

import static io.kubelab.scheduler.algorithm.NodeScoreList.MAX_NODE_SCORE;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.kubelab.apimachinery.taints.Tolerations;
import io.kubelab.scheduler.algorithm.PriorityMetadata;
import io.kubelab.scheduler.algorithm.PriorityReduceFunction;
import io.kubelab.scheduler.cache.NodeInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * TaintTolerationPriority: the fewer {@code PreferNoSchedule} taints of a node the pod does not
 * tolerate, the better.
 *
 * <p>Upstream: {@code taint_toleration.go} (v1.17). The map counts the node's {@code
 * PreferNoSchedule} taints that none of the pod's tolerations with effect {@code PreferNoSchedule}
 * or empty tolerates; the reduce is {@link NormalizeReduce} reversed, so a node with no such taint
 * scores 100 and the node with the most scores 0. {@code NoSchedule} and {@code NoExecute} taints
 * are the predicates' business (chapter 03).
 */
public final class TaintToleration {

  private TaintToleration() {}

  /** {@code ComputeTaintTolerationPriorityReduce}. */
  public static final PriorityReduceFunction COMPUTE_TAINT_TOLERATION_PRIORITY_REDUCE =
      new NormalizeReduce(MAX_NODE_SCORE, true);

  /** {@code ComputeTaintTolerationPriorityMap}. */
  public static long computeTaintTolerationPriorityMap(
      Pod pod, PriorityMetadata meta, NodeInfo nodeInfo) {
    Priorities.requireNode(nodeInfo);
    List<Toleration> tolerationsPreferNoSchedule =
        meta instanceof PodPriorityMetadata m
            ? m.podTolerations()
            : getAllTolerationPreferNoSchedule(pod.getSpec().getTolerations());
    return countIntolerableTaintsPreferNoSchedule(nodeInfo.taints(), tolerationsPreferNoSchedule);
  }

  /** {@code countIntolerableTaintsPreferNoSchedule}. */
  public static int countIntolerableTaintsPreferNoSchedule(
      List<Taint> taints, List<Toleration> tolerations) {
    int intolerableTaints = 0;
    for (Taint taint : taints) {
      if (!Tolerations.EFFECT_PREFER_NO_SCHEDULE.equals(taint.getEffect())) {
        continue;
      }
      if (!Tolerations.tolerationsTolerateTaint(tolerations, taint)) {
        intolerableTaints++;
      }
    }
    return intolerableTaints;
  }

  /**
   * {@code getAllTolerationPreferNoSchedule}: the tolerations with effect {@code PreferNoSchedule}
   * or empty (an empty effect tolerates every effect).
   */
  public static List<Toleration> getAllTolerationPreferNoSchedule(List<Toleration> tolerations) {
    List<Toleration> out = new ArrayList<>();
    if (tolerations == null) {
      return out;
    }
    for (Toleration t : tolerations) {
      String effect = t.getEffect();
      if (effect == null
          || effect.isEmpty()
          || Tolerations.EFFECT_PREFER_NO_SCHEDULE.equals(effect)) {
        out.add(t);
      }
    }
    return out;
  }
}
