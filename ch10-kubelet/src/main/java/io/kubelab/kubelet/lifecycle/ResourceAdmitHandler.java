package io.kubelab.kubelet.lifecycle;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kubelab.apimachinery.resource.PodRequests;
import io.kubelab.apimachinery.resource.Resource;
import io.kubelab.apimachinery.resource.ResourceNames;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Refuses a pod that does not fit in what the node can allocate, next to the pods already active.
 *
 * <p>Upstream: {@code pkg/kubelet/lifecycle/predicate.go} ({@code predicateAdmitHandler.Admit}),
 * whose {@code GeneralPredicates} run the scheduler's {@code PodFitsResources} first: the pod
 * count, then CPU, memory, ephemeral storage and scalar resources, the first shortfall giving
 * reason {@code OutOf<resource>} and message {@code Node didn't have enough resource: cpu,
 * requested: 500, used: 3600, capacity: 4000} (milli-CPU, bytes, counts). The other general
 * predicates (host name, host ports, node selector) are the scheduler's rules of chapter 3 and are
 * not repeated here, and the critical-pod preemption that may follow a refusal is not modelled.
 *
 * <p>Before the predicates, upstream's {@code removeMissingExtendedResources} drops from the pod's
 * (regular, not init) containers every request of an extended resource the node does not list in
 * its allocatable: such a resource is a cluster-level one the node knows nothing of, and it must
 * not keep the pod out.
 */
public final class ResourceAdmitHandler implements PodAdmitHandler {

  /**
   * Upstream {@code --max-pods}'s default, which the kubelet reports as the node's pod capacity.
   */
  public static final int DEFAULT_MAX_PODS = 110;

  private final java.util.function.Supplier<Node> node;

  /**
   * @param node the node as the API holds it; an allocatable without {@code pods} means the
   *     kubelet's default of {@value #DEFAULT_MAX_PODS} (the kubelet would have reported that)
   */
  public ResourceAdmitHandler(Node node) {
    allocatable(node); // bad input fails here, not at the first admission
    this.node = () -> node;
  }

  /**
   * @param node the node as the kubelet currently reports it (upstream {@code getNodeAnyWay}), read
   *     at every admission
   */
  public ResourceAdmitHandler(java.util.function.Supplier<Node> node) {
    this.node = node;
  }

  private static Resource allocatable(Node node) {
    Map<String, io.fabric8.kubernetes.api.model.Quantity> a =
        node.getStatus() == null ? null : node.getStatus().getAllocatable();
    Resource r = Resource.of(a, "Node " + node.getMetadata().getName() + ": status.allocatable");
    if (a == null || !a.containsKey("pods")) {
      r =
          new Resource(
              r.milliCpu(),
              r.memory(),
              r.ephemeralStorage(),
              DEFAULT_MAX_PODS,
              r.scalarResources());
    }
    return r;
  }

  @Override
  public Result admit(Attributes attrs) {
    Resource allocatable = allocatable(node.get());
    long pods = attrs.otherPods().size();
    if (pods + 1 > allocatable.allowedPodNumber()) {
      return insufficient("pods", 1, pods, allocatable.allowedPodNumber());
    }
    Resource request = PodRequests.of(withoutMissingExtendedResources(attrs.pod(), allocatable));
    Resource used = Resource.ZERO;
    for (Pod p : attrs.otherPods()) {
      used = used.add(PodRequests.of(p));
    }
    if (request.milliCpu() == 0
        && request.memory() == 0
        && request.ephemeralStorage() == 0
        && request.scalarResources().isEmpty()) {
      return Result.ADMIT;
    }
    if (allocatable.milliCpu() < request.milliCpu() + used.milliCpu()) {
      return insufficient("cpu", request.milliCpu(), used.milliCpu(), allocatable.milliCpu());
    }
    if (allocatable.memory() < request.memory() + used.memory()) {
      return insufficient("memory", request.memory(), used.memory(), allocatable.memory());
    }
    if (allocatable.ephemeralStorage() < request.ephemeralStorage() + used.ephemeralStorage()) {
      return insufficient(
          "ephemeral-storage",
          request.ephemeralStorage(),
          used.ephemeralStorage(),
          allocatable.ephemeralStorage());
    }
    for (Map.Entry<String, Long> e : request.scalarResources().entrySet()) {
      long have = allocatable.scalarResources().getOrDefault(e.getKey(), 0L);
      long taken = used.scalarResources().getOrDefault(e.getKey(), 0L);
      if (have < e.getValue() + taken) {
        return insufficient(e.getKey(), e.getValue(), taken, have);
      }
    }
    return Result.ADMIT;
  }

  /** Upstream {@code removeMissingExtendedResources}: a copy, the pod itself is not changed. */
  private static Pod withoutMissingExtendedResources(Pod pod, Resource allocatable) {
    Pod copy = new PodBuilder(pod).build();
    for (Container c : copy.getSpec().getContainers()) {
      if (c.getResources() != null && c.getResources().getRequests() != null) {
        Map<String, Quantity> requests = new LinkedHashMap<>(c.getResources().getRequests());
        requests.keySet().removeIf(r -> missingExtendedResource(r, allocatable));
        c.getResources().setRequests(requests);
      }
    }
    return copy;
  }

  private static boolean missingExtendedResource(String name, Resource allocatable) {
    return ResourceNames.isExtendedResourceName(name)
        && !allocatable.scalarResources().containsKey(name);
  }

  private static Result insufficient(String resource, long requested, long used, long capacity) {
    return Result.reject(
        "OutOf" + resource,
        "Node didn't have enough resource: "
            + resource
            + ", requested: "
            + requested
            + ", used: "
            + used
            + ", capacity: "
            + capacity);
  }
}
