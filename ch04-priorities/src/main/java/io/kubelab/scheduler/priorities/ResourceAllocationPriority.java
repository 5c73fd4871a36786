package io.kubelab.scheduler.priorities;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.resource.PodRequests;
import io.kubelab.apimachinery.resource.Resource;
import io.kubelab.scheduler.algorithm.PriorityMapFunction;
import io.kubelab.scheduler.algorithm.PriorityMetadata;
import io.kubelab.scheduler.cache.NodeInfo;
import java.util.Objects;

/**
 * The shared base of the resource-based priorities: for each resource of its {@link
 * ResourceToWeightMap}, what the node would have requested with the pod on it and what it can
 * allocate; a {@link Scorer} turns the two into the node's score (a {@link CpuMemoryScorer} when
 * the resources are the default CPU and memory).
 *
 * <p>Upstream: {@code ResourceAllocationPriority}, {@code PriorityMap} and {@code
 * calculateResourceAllocatableRequest} in {@code
 * pkg/scheduler/algorithm/priorities/resource_allocation.go} (v1.17). The requested amount is the
 * node's aggregate plus the pod's {@linkplain PodRequests#scoringRequest scoring request}; for CPU
 * and memory the node side is {@link NodeInfo#nonZeroRequest()} (pods that request nothing count
 * 100m and 200 MiB, so that they are not invisible to scoring), for ephemeral storage and scalar
 * resources it is {@link NodeInfo#requestedResource()}. Any other resource name reads 0 on both
 * sides. LeastRequested, MostRequested, BalancedResourceAllocation and RequestedToCapacityRatio are
 * instances of it with different scorers.
 *
 * <p>Upstream passes volume counts to the scorer when the BalanceAttachedNodeVolumes gate (alpha,
 * off in v1.17) is on and the NodeInfo carries {@code TransientInfo}; our NodeInfo has none, so
 * {@link #map} always asks for the two-resource formula, and a {@link CpuMemoryScorer} has no
 * volume arguments at all.
 */
public final class ResourceAllocationPriority implements PriorityMapFunction {

  /**
   * Turns a node's requested and allocatable amounts into its score. The arrays are indexed like
   * the priority's {@link ResourceToWeightMap}. Upstream: the {@code scorer} field.
   */
  @FunctionalInterface
  public interface Scorer {
    long score(
        long[] requested,
        long[] allocatable,
        boolean includeVolumes,
        int requestedVolumes,
        int allocatableVolumes);
  }

  /**
   * A scorer of the {@linkplain ResourceToWeightMap#DEFAULT_REQUESTED_RATIO_RESOURCES default
   * resources}, CPU and memory, given the four amounts themselves: what a {@link Scorer} computes
   * from the two arrays, without building them. LeastRequested, MostRequested and
   * BalancedResourceAllocation read only these two resources, and the arrays were the bulk of a
   * scheduling cycle's allocations (two per node and priority).
   */
  @FunctionalInterface
  public interface CpuMemoryScorer {
    long score(
        long cpuRequested, long cpuAllocatable, long memoryRequested, long memoryAllocatable);
  }

  private final String name;
  // Exactly one of the two is set.
  private final Scorer scorer;
  private final CpuMemoryScorer cpuMemoryScorer;
  private final ResourceToWeightMap resourceToWeightMap;

  /**
   * @param name upstream's label for logs, e.g. {@code LeastResourceAllocation}
   * @param scorer built for {@code resourceToWeightMap}'s order
   * @param resourceToWeightMap the resources to read
   */
  public ResourceAllocationPriority(
      String name, Scorer scorer, ResourceToWeightMap resourceToWeightMap) {
    this.name = Objects.requireNonNull(name, "name");
    this.scorer = Objects.requireNonNull(scorer, "scorer");
    this.cpuMemoryScorer = null;
    this.resourceToWeightMap = Objects.requireNonNull(resourceToWeightMap, "resourceToWeightMap");
  }

  /**
   * A priority over the {@linkplain ResourceToWeightMap#DEFAULT_REQUESTED_RATIO_RESOURCES default
   * resources}, CPU and memory.
   *
   * @param name upstream's label for logs, e.g. {@code LeastResourceAllocation}
   */
  public ResourceAllocationPriority(String name, CpuMemoryScorer scorer) {
    this.name = Objects.requireNonNull(name, "name");
    this.scorer = null;
    this.cpuMemoryScorer = Objects.requireNonNull(scorer, "scorer");
    this.resourceToWeightMap = ResourceToWeightMap.DEFAULT_REQUESTED_RATIO_RESOURCES;
  }

  public String name() {
    return name;
  }

  public ResourceToWeightMap resourceToWeightMap() {
    return resourceToWeightMap;
  }

  /**
   * Upstream's {@code PriorityMap}.
   *
   * @throws IllegalStateException {@code node not found} for a NodeInfo without a node
   */
  @Override
  public long map(Pod pod, PriorityMetadata meta, NodeInfo nodeInfo) {
    Priorities.requireNode(nodeInfo);
    return score(podRequest(pod, meta), nodeInfo);
  }

  /**
   * The score of a node for a pod with this scoring request: the body of {@link #map}, for callers
   * that compute the request themselves (chapter 08's resource plugins, whose v1.18 request also
   * counts init containers).
   */
  public long score(Resource podRequest, NodeInfo nodeInfo) {
    if (cpuMemoryScorer != null) {
      // The CPU and MEMORY cases below, for a map of those two alone.
      return cpuMemoryScorer.score(
          nodeInfo.nonZeroMilliCpu() + podRequest.milliCpu(),
          nodeInfo.allocatableMilliCpu(),
          nodeInfo.nonZeroMemory() + podRequest.memory(),
          nodeInfo.allocatableMemory());
    }
    int n = resourceToWeightMap.size();
    long[] requested = new long[n];
    long[] allocatable = new long[n];
    for (int i = 0; i < n; i++) {
      String resource = resourceToWeightMap.name(i);
      switch (resourceToWeightMap.kind(i)) {
        // CPU, memory and ephemeral storage from the NodeInfo's own copies (one object per node).
        case CPU -> {
          allocatable[i] = nodeInfo.allocatableMilliCpu();
          requested[i] = nodeInfo.nonZeroMilliCpu() + podRequest.milliCpu();
        }
        case MEMORY -> {
          allocatable[i] = nodeInfo.allocatableMemory();
          requested[i] = nodeInfo.nonZeroMemory() + podRequest.memory();
        }
        case EPHEMERAL_STORAGE -> {
          allocatable[i] = nodeInfo.allocatableEphemeralStorage();
          requested[i] = nodeInfo.requestedEphemeralStorage() + podRequest.ephemeralStorage();
        }
        case SCALAR -> {
          allocatable[i] = nodeInfo.allocatableResource().scalar(resource);
          requested[i] =
              nodeInfo.requestedResource().scalar(resource) + podRequest.scalar(resource);
        }
        case NONE -> {
          // "requested resource %v not considered for node score calculation": 0 and 0.
        }
      }
    }
    return scorer.score(requested, allocatable, false, 0, 0);
  }

  /** The pod's scoring request: from the metadata when there is one, computed otherwise. */
  static Resource podRequest(Pod pod, PriorityMetadata meta) {
    return meta instanceof PodPriorityMetadata m ? m.podRequest() : PodRequests.scoringRequest(pod);
  }

  @Override
  public String toString() {
    return name + resourceToWeightMap;
  }
}
