package io.kubelab.scheduler.priorities;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.resource.PodRequests;
import io.kubelab.scheduler.algorithm.PriorityMetadataProducer;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@link PodPriorityMetadata} of one pod, once per scheduling cycle, before any map
 * function runs.
 *
 * <p>Upstream: {@code MetadataFactory} and {@code PriorityMetadata} in {@code
 * pkg/scheduler/algorithm/priorities/metadata.go} (v1.17), registered by {@code
 * register_priorities.go} with the scheduler's hard pod affinity symmetric weight. No pod, no
 * metadata. {@code totalNumNodes} counts every node of the snapshot; the inter-pod affinity table
 * is built here, once, instead of per node.
 *
 * <p>Errors in the pod (a malformed quantity, selector or node-selector expression) throw, naming
 * the pod and the field; upstream either cannot decode such a pod at all or logs and goes on
 * without the affected part.
 */
public final class MetadataFactory implements PriorityMetadataProducer {

  private final int hardPodAffinityWeight;
  private final Parallelizer parallelizer;
  private final Map<MetadataExtension<?>, MetadataPart<?>> parts;

  /** A sequential factory with the default symmetric weight (1) and no extensions. */
  public MetadataFactory() {
    this(1, null, Map.of());
  }

  /**
   * @param hardPodAffinityWeight the Policy's {@code hardPodAffinitySymmetricWeight}; 0 turns the
   *     symmetric term off
   * @param parallelizer scans nodes for inter-pod affinity in parallel when non-null; the caller
   *     owns and closes it
   * @param parts the extensions' parts, built for this scheduler
   */
  public MetadataFactory(
      int hardPodAffinityWeight,
      Parallelizer parallelizer,
      Map<MetadataExtension<?>, MetadataPart<?>> parts) {
    this.hardPodAffinityWeight = hardPodAffinityWeight;
    this.parallelizer = parallelizer;
    this.parts = new LinkedHashMap<>(parts);
  }

  /**
   * {@code PriorityMetadata(pod, filteredNodes, sharedLister)}.
   *
   * @return null for a null pod, or when a part is {@link MetadataPart.Unavailable}
   */
  @Override
  public PodPriorityMetadata produce(Pod pod, List<NodeInfo> filteredNodes, Snapshot snapshot) {
    return produce(pod, filteredNodes, snapshot, parallelizer);
  }

  /**
   * The same, scanning the nodes for inter-pod affinity, and computing the extensions' parts, on
   * {@code workers} (the generic scheduler's), or on this factory's own parallelizer when {@code
   * workers} is null.
   */
  @Override
  public PodPriorityMetadata produce(
      Pod pod, List<NodeInfo> filteredNodes, Snapshot snapshot, Parallelizer workers) {
    Parallelizer scan = workers != null ? workers : parallelizer;
    if (pod == null) {
      return null;
    }
    Map<MetadataExtension<?>, Object> values = new HashMap<>();
    for (Map.Entry<MetadataExtension<?>, MetadataPart<?>> e : parts.entrySet()) {
      try {
        values.put(e.getKey(), e.getValue().compute(pod, filteredNodes, snapshot, scan));
      } catch (MetadataPart.Unavailable u) {
        return null;
      }
    }
    return new PodPriorityMetadata(
        PodRequests.scoringRequest(pod),
        ResourceLimits.getResourceLimits(pod),
        TaintToleration.getAllTolerationPreferNoSchedule(pod.getSpec().getTolerations()),
        pod.getSpec().getAffinity(),
        NodeAffinity.preferredTerms(pod, pod.getSpec().getAffinity()),
        NodePreferAvoidPods.getControllerOf(pod),
        ImageLocality.imageNames(pod),
        snapshot == null ? 0 : snapshot.numNodes(),
        snapshot == null
            ? Map.of()
            : InterPodAffinity.buildTopologyPairToScore(pod, snapshot, hardPodAffinityWeight, scan),
        values);
  }
}
