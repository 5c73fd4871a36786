package io.kubelab.apimachinery.exercises;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.resource.Resource;

/**
 * Write it (chapter 00): the request a pod is <em>scored</em> with.
 *
 * <p>Upstream: the {@code non0CPU} and {@code non0Mem} results of {@code calculateResource} in
 * {@code pkg/scheduler/nodeinfo/node_info.go} and {@code GetNonzeroRequests} in {@code
 * pkg/scheduler/util/non_zero.go} (v1.18). The rules:
 *
 * <ul>
 *   <li>each container counts its CPU request in millicores, or {@code 100} when its requests leave
 *       CPU out; and its memory request in bytes, or {@code 200 * 1024 * 1024} when they leave
 *       memory out. A request written as {@code 0} stays 0: only a missing one gets the default;
 *   <li>the regular containers are summed;
 *   <li>each init container (counted the same way) can only raise the result: take the maximum, per
 *       resource, of the sum and each init container;
 *   <li>{@code spec.overhead}'s {@code cpu} and {@code memory}, where present, are added last.
 * </ul>
 *
 * <p>Read quantities with {@code Quantities.milliValue(q, what)} and {@code Quantities.value(q,
 * what)}, and return {@code Resource.of(milliCpu, memoryBytes)}. Do not call {@code
 * PodRequests.nonZero}: that is the chapter's own answer.
 */
final class NonZeroRequestExercise {

  private NonZeroRequestExercise() {}

  /** The pod's non-zero CPU (millicores) and memory (bytes) request. */
  static Resource nonZeroRequest(Pod pod) {
    throw new UnsupportedOperationException("exercise");
  }
}
