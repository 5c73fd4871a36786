package io.kubelab.apimachinery.resource;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.List;
import java.util.Map;

/**
 * What a pod asks of a node, computed as the v1.17 and v1.18 scheduler computes it.
 *
 * <p>Upstream: {@code GetResourceRequest} in {@code
 * pkg/scheduler/algorithm/predicates/predicates.go} (v1.17; {@code computePodResourceRequest} in
 * v1.18's NodeResourcesFit plugin) for {@link #of}, and {@code GetNonzeroRequests} in {@code
 * pkg/scheduler/util/non_zero.go} for {@link #containerNonZero}. The request of a pod that asks to
 * be placed is the sum over its containers, then the per-resource maximum with each init container
 * (init containers run one at a time, before the others), plus {@code spec.overhead}.
 *
 * <p>What a node's pods already use is a different sum: in v1.17 and v1.18.0 {@code NodeInfo}
 * counts regular containers only (its {@code calculateResource}); the scheduler cache builds that
 * from {@link #containerRequests} and {@link #containerNonZero}.
 */
public final class PodRequests {

  /** {@code DefaultMilliCPURequest}: what scoring assumes for a container with no CPU request. */
  public static final long DEFAULT_MILLI_CPU_REQUEST = 100;

  /** {@code DefaultMemoryRequest}: 200 MiB, assumed for a container with no memory request. */
  public static final long DEFAULT_MEMORY_REQUEST = 200L * 1024 * 1024;

  private PodRequests() {}

  /**
   * The resource request of a pod that asks to be placed: sum(containers), max with each init
   * container, plus {@code spec.overhead}. Overhead counts whenever the pod carries it, as with the
   * PodOverhead feature gate on (its default from v1.18); with the gate off, as in a default v1.17
   * cluster, the API server drops the field before the scheduler sees the pod.
   */
  public static Resource of(Pod pod) {
    PodSpec spec = spec(pod);
    String id = describe(pod);
    Resource sum = Resource.ZERO;
    List<Container> containers = spec.getContainers();
    for (int i = 0; i < containers.size(); i++) {
      sum = sum.add(containerRequests(containers.get(i), id, "spec.containers[" + i + "]"));
    }
    List<Container> inits = spec.getInitContainers();
    for (int i = 0; i < inits.size(); i++) {
      sum = sum.max(containerRequests(inits.get(i), id, "spec.initContainers[" + i + "]"));
    }
    Map<String, Quantity> overhead = spec.getOverhead();
    if (overhead != null && !overhead.isEmpty()) {
      sum = sum.add(Resource.of(overhead, id + ": spec.overhead"));
    }
    return sum;
  }

  /**
   * The request the v1.17 resource priorities score the incoming pod with (upstream's {@code
   * calculatePodResourceRequest} in {@code
   * pkg/scheduler/algorithm/priorities/resource_allocation.go} and {@code
   * GetNonzeroRequestForResource} in {@code priorities/util/non_zero.go}): the sum over the regular
   * containers only (init containers are not looked at), where a container without a CPU or memory
   * request counts {@value #DEFAULT_MILLI_CPU_REQUEST}m and 200 MiB (an explicit zero stays zero),
   * ephemeral storage and scalar resources count as requested; then {@code spec.overhead}. Upstream
   * adds each overhead with {@code Quantity.Value()}, whole units rounded up, so an overhead of
   * {@code 250m} CPU adds 1 to the milli-CPU sum; we keep that. Other resource names are validated
   * and ignored.
   */
  public static Resource scoringRequest(Pod pod) {
    PodSpec spec = spec(pod);
    String id = describe(pod);
    Resource sum = Resource.ZERO;
    List<Container> containers = spec.getContainers();
    for (int i = 0; i < containers.size(); i++) {
      String field = "spec.containers[" + i + "]";
      Resource nonZero = containerNonZero(containers.get(i), id, field);
      Resource r = containerRequests(containers.get(i), id, field);
      sum =
          sum.add(
              new Resource(
                  nonZero.milliCpu(),
                  nonZero.memory(),
                  r.ephemeralStorage(),
                  0,
                  r.scalarResources()));
    }
    Map<String, Quantity> overhead = spec.getOverhead();
    if (overhead != null && !overhead.isEmpty()) {
      long cpu = 0;
      long mem = 0;
      long eph = 0;
      Map<String, Long> scalars = new java.util.TreeMap<>();
      for (Map.Entry<String, Quantity> e : overhead.entrySet()) {
        long v = Quantities.value(e.getValue(), id + ": spec.overhead." + e.getKey());
        switch (e.getKey()) {
          case ResourceNames.CPU -> cpu += v;
          case ResourceNames.MEMORY -> mem += v;
          case ResourceNames.EPHEMERAL_STORAGE -> eph += v;
          default -> {
            if (ResourceNames.isScalarResourceName(e.getKey())) {
              scalars.merge(e.getKey(), v, Long::sum);
            }
          }
        }
      }
      sum = sum.add(new Resource(cpu, mem, eph, 0, scalars));
    }
    return sum;
  }

  /** One container's requests, parsed; errors name the pod and the container's field. */
  public static Resource containerRequests(Container c, String podId, String field) {
    ResourceRequirements rr = c.getResources();
    if (rr == null || rr.getRequests() == null) {
      return Resource.ZERO;
    }
    return Resource.of(rr.getRequests(), podId + ": " + field + ".resources.requests");
  }

  /** One container's limits, parsed; errors name the pod and the container's field. */
  public static Resource containerLimits(Container c, String podId, String field) {
    ResourceRequirements rr = c.getResources();
    if (rr == null || rr.getLimits() == null) {
      return Resource.ZERO;
    }
    return Resource.of(rr.getLimits(), podId + ": " + field + ".resources.limits");
  }

  /**
   * One container's "non-zero" request, used for scoring: CPU and memory only, with {@value
   * #DEFAULT_MILLI_CPU_REQUEST}m CPU and 200 MiB memory when the request omits them; an explicit
   * zero stays zero. Upstream's {@code GetNonzeroRequests}.
   */
  public static Resource containerNonZero(Container c, String podId, String field) {
    ResourceRequirements rr = c.getResources();
    Map<String, Quantity> req = rr == null ? null : rr.getRequests();
    String prefix = podId + ": " + field + ".resources.requests.";
    long cpu =
        req != null && req.containsKey(ResourceNames.CPU)
            ? Quantities.milliValue(req.get(ResourceNames.CPU), prefix + ResourceNames.CPU)
            : DEFAULT_MILLI_CPU_REQUEST;
    long mem =
        req != null && req.containsKey(ResourceNames.MEMORY)
            ? Quantities.value(req.get(ResourceNames.MEMORY), prefix + ResourceNames.MEMORY)
            : DEFAULT_MEMORY_REQUEST;
    return Resource.of(cpu, mem);
  }

  private static PodSpec spec(Pod pod) {
    if (pod == null) {
      throw new IllegalArgumentException("pod must not be null");
    }
    if (pod.getSpec() == null) {
      throw new IllegalArgumentException(describe(pod) + ": spec is missing");
    }
    return pod.getSpec();
  }

  /** {@code Pod namespace/name}, the way errors name a pod. */
  public static String describe(Pod pod) {
    if (pod == null || pod.getMetadata() == null) {
      return "Pod <unnamed>";
    }
    String ns = pod.getMetadata().getNamespace();
    return "Pod " + (ns == null || ns.isEmpty() ? "" : ns + "/") + pod.getMetadata().getName();
  }
}
