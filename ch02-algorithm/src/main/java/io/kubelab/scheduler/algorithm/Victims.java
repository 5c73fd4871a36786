package io.kubelab.scheduler.algorithm;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * The pods preemption would evict from one node, and how many of them a PodDisruptionBudget
 * protects.
 *
 * <p>Upstream: {@code Victims} in {@code pkg/scheduler/apis/extender/v1/types.go} (v1.17), the type
 * the generic scheduler's preemption (ch06) produces per candidate node and that extenders receive
 * and return through {@link SchedulerExtender#processPreemption}. ch07 maps it to the wire as
 * upstream's {@code Victims} ({@code Pods}, {@code NumPDBViolations}) or, for node-cache-capable
 * extenders, {@code MetaVictims} (the pods' UIDs only).
 *
 * @param pods the victims; the generic scheduler lists them in the order it chose them (the
 *     PDB-violating ones first, each group from the highest priority down)
 * @param numPDBViolations how many of {@code pods} a PodDisruptionBudget protects
 */
public record Victims(List<Pod> pods, long numPDBViolations) {

  /** No victims: the pod fits on the node as it is. */
  public static final Victims NONE = new Victims(List.of(), 0);

  public Victims {
    pods = List.copyOf(pods);
    if (numPDBViolations < 0) {
      throw new IllegalArgumentException("numPDBViolations must be >= 0, got " + numPDBViolations);
    }
  }
}
