package io.kubelab.apimachinery.exercises;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.resource.Resource;

/**
 * Write it (chapter 00): the request a pod on a node counts for scoring.
 *
 * <p>Upstream: the {@code non0CPU} and {@code non0Mem} results of {@code calculateResource} in
 * {@code pkg/scheduler/nodeinfo/node_info.go} and {@code GetNonzeroRequests} in {@code
 * pkg/scheduler/util/non_zero.go} (v1.18.0). The rules:
 *
 * <ul>
 *   <li>each regular container counts its CPU request in millicores, or {@code 100} when its
 *       requests leave CPU out; and its memory request in bytes, or {@code 200 * 1024 * 1024} when
 *       they leave memory out. A request written as {@code 0} stays 0: only a missing one gets the
 *       default;
 *   <li>the regular containers are summed; init containers are not counted at all (v1.18.0 counts
 *       them only when it checks whether a pod fits, not once the pod is on a node);
 *   <li>{@code spec.overhead}'s {@code cpu} and {@code memory}, where present, are added.
 * </ul>
 *
 * <p>Read quantities with {@code Quantities.milliValue(q, what)} and {@code Quantities.value(q,
 * what)}, and return {@code Resource.of(milliCpu, memoryBytes)}. Do not call {@code
 * PodRequests.containerNonZero}: it is half the answer.
 */
final class NonZeroRequestExercise {

  private NonZeroRequestExercise() {}

  /** The pod's non-zero CPU (millicores) and memory (bytes) request, as its node counts it. */
  static Resource nonZeroRequest(Pod pod) {
    throw new UnsupportedOperationException("exercise");
  }
}
