package io.kubelab.scheduler.priorities;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.List;

/**
 * A piece of the priority metadata that a later chapter computes once per pod, next to this
 * chapter's: the pod's spreading selector, its first service's selector, its soft topology-spread
 * counts (chapter 05). {@link MetadataFactory} runs every registered part and {@link
 * PodPriorityMetadata#part} hands the result to the priority that asked for it.
 *
 * <p>Upstream: the fields {@code podSelector}, {@code podFirstServiceSelector} and {@code
 * podTopologySpreadMap} of {@code priorityMetadata} and the functions that fill them, called from
 * {@code MetadataFactory.PriorityMetadata} in {@code
 * pkg/scheduler/algorithm/priorities/metadata.go} (v1.17). Upstream returns no metadata at all when
 * the topology-spread map cannot be built; a part does the same by throwing {@link Unavailable}.
 *
 * @param <T> what it computes
 */
@FunctionalInterface
public interface MetadataPart<T> {

  /**
   * Computes the part for {@code pod}.
   *
   * @param filteredNodes the nodes that passed filtering
   * @param snapshot the cycle's snapshot
   * @return the value, or null
   * @throws Unavailable to make the whole metadata null, so every priority takes its no-metadata
   *     path
   */
  T compute(Pod pod, List<NodeInfo> filteredNodes, Snapshot snapshot);

  /**
   * The same, given the scheduler's workers for a part that upstream computes in parallel (v1.17's
   * {@code buildPodTopologySpreadMap} runs {@code workqueue.ParallelizeUntil} over all nodes). The
   * metadata factory calls this form; a part with nothing to parallelise need not override it.
   *
   * @param workers the scheduler's parallelizer, owned by the caller, or null
   */
  default T compute(
      Pod pod, List<NodeInfo> filteredNodes, Snapshot snapshot, Parallelizer workers) {
    return compute(pod, filteredNodes, snapshot);
  }

  /** The four-argument form of {@link #compute}, for {@link #withWorkers}. */
  @FunctionalInterface
  interface WithWorkers<T> {
    T compute(Pod pod, List<NodeInfo> filteredNodes, Snapshot snapshot, Parallelizer workers);
  }

  /**
   * A part that uses the scheduler's workers when it is given them and runs on the caller's thread
   * (workers null) when it is not.
   */
  static <T> MetadataPart<T> withWorkers(WithWorkers<T> part) {
    return new MetadataPart<>() {
      @Override
      public T compute(Pod pod, List<NodeInfo> filteredNodes, Snapshot snapshot) {
        return part.compute(pod, filteredNodes, snapshot, null);
      }

      @Override
      public T compute(
          Pod pod, List<NodeInfo> filteredNodes, Snapshot snapshot, Parallelizer workers) {
        return part.compute(pod, filteredNodes, snapshot, workers);
      }
    };
  }

  /** Thrown by a part that cannot be computed; the producer then returns no metadata. */
  final class Unavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Unavailable(String message) {
      super(message);
    }
  }
}
