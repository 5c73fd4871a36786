package io.kubelab.scheduler.priorities;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.resource.PodRequests;
import io.kubelab.apimachinery.resource.Resource;
import io.kubelab.scheduler.algorithm.PriorityMetadata;
import io.kubelab.scheduler.cache.NodeInfo;
import java.util.List;

/**
 * ResourceLimitsPriority: 1 for a node that could hold the pod's CPU or memory limit at all, 0
 * otherwise; a tie-breaker for LeastRequested and MostRequested. Registered only with the
 * ResourceLimitsPriorityFunction feature gate (alpha, off in v1.17).
 *
 * <p>Upstream: {@code resource_limits.go} (v1.17). A resource counts when the pod's limit and the
 * node's allocatable are both non-zero and the limit fits in the allocatable; the pod's limits are
 * the sum over its containers, then the per-resource maximum with each init container.
 */
public final class ResourceLimits {

  private ResourceLimits() {}

  /** {@code ResourceLimitsPriorityMap}. */
  public static long resourceLimitsPriorityMap(Pod pod, PriorityMetadata meta, NodeInfo nodeInfo) {
    Priorities.requireNode(nodeInfo);
    Resource podLimits =
        meta instanceof PodPriorityMetadata m ? m.podLimits() : getResourceLimits(pod);
    return score(podLimits, nodeInfo);
  }

  /**
   * The score of a node for a pod with these limits: 1 when the CPU or the memory limit is set and
   * fits the node's allocatable amount. Chapter 08's NodeResourceLimits plugin scores with it.
   */
  public static long score(Resource podLimits, NodeInfo nodeInfo) {
    Resource allocatable = nodeInfo.allocatableResource();
    long cpuScore = computeScore(podLimits.milliCpu(), allocatable.milliCpu());
    long memScore = computeScore(podLimits.memory(), allocatable.memory());
    return cpuScore == 1 || memScore == 1 ? 1 : 0;
  }

  /** 1 when {@code limit} is set, the node advertises the resource and the limit fits. */
  static long computeScore(long limit, long allocatable) {
    if (limit != 0 && allocatable != 0 && limit <= allocatable) {
      return 1;
    }
    return 0;
  }

  /** {@code getResourceLimits}: sum(containers), then max with each init container. */
  public static Resource getResourceLimits(Pod pod) {
    String id = PodRequests.describe(pod);
    Resource result = Resource.ZERO;
    List<Container> containers = pod.getSpec().getContainers();
    for (int i = 0; i < containers.size(); i++) {
      result =
          result.add(
              PodRequests.containerLimits(containers.get(i), id, "spec.containers[" + i + "]"));
    }
    List<Container> inits = pod.getSpec().getInitContainers();
    for (int i = 0; i < inits.size(); i++) {
      result =
          result.max(
              PodRequests.containerLimits(inits.get(i), id, "spec.initContainers[" + i + "]"));
    }
    return result;
  }
}
