package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.resource.Resource;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FrameworkHandle;
import io.kubelab.scheduler.framework.ScorePlugin;
import io.kubelab.scheduler.priorities.ResourceAllocationPriority;

/**
 * The resource score plugins: NodeResourcesLeastAllocated, NodeResourcesMostAllocated,
 * NodeResourcesBalancedAllocation and RequestedToCapacityRatio, each chapter 04's {@link
 * ResourceAllocationPriority} scorer applied to the v1.18 {@link ScoringRequest}.
 *
 * <p>Upstream: {@code resourceAllocationScorer} in {@code
 * pkg/scheduler/framework/plugins/noderesources/resource_allocation.go} and the plugin files next
 * to it (v1.18). None has a NormalizeScore: the scorers already give 0..100.
 */
public final class ResourceScorePlugin implements ScorePlugin {

  /** {@code LeastAllocatedName}. */
  public static final String LEAST_ALLOCATED = "NodeResourcesLeastAllocated";

  /** {@code MostAllocatedName}. */
  public static final String MOST_ALLOCATED = "NodeResourcesMostAllocated";

  /** {@code BalancedAllocationName}. */
  public static final String BALANCED_ALLOCATION = "NodeResourcesBalancedAllocation";

  /** {@code RequestedToCapacityRatioName}. */
  public static final String REQUESTED_TO_CAPACITY_RATIO = "RequestedToCapacityRatio";

  private final String name;
  private final ResourceAllocationPriority scorer;
  private final FrameworkHandle handle;
  private final PerPod<Resource> request = new PerPod<>(ScoringRequest::of);

  ResourceScorePlugin(String name, ResourceAllocationPriority scorer, FrameworkHandle handle) {
    this.name = name;
    this.scorer = scorer;
    this.handle = handle;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long score(CycleState state, Pod pod, String nodeName) {
    return score(state, pod, Snapshots.nodeInfo(handle, nodeName));
  }

  @Override
  public long score(CycleState state, Pod pod, NodeInfo nodeInfo) {
    return scorer.score(request.get(pod), nodeInfo);
  }
}
