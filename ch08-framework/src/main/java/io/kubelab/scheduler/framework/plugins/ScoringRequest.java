package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kubelab.apimachinery.resource.PodRequests;
import io.kubelab.apimachinery.resource.Quantities;
import io.kubelab.apimachinery.resource.Resource;
import io.kubelab.apimachinery.resource.ResourceNames;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The request the v1.18 resource score plugins score the incoming pod with.
 *
 * <p>Upstream: {@code calculatePodResourceRequest} in {@code
 * pkg/scheduler/framework/plugins/noderesources/resource_allocation.go} (v1.18), per resource: the
 * sum over the regular containers of {@code GetNonzeroRequestForResource} (100m CPU and 200 MiB for
 * a missing request), raised to any init container's value that is larger, then {@code
 * spec.overhead} added with {@code Quantity.Value()}. v1.17's priorities (chapter 04, {@link
 * PodRequests#scoringRequest}) look at the regular containers only: this is the one place where the
 * two versions score the same pod differently.
 */
final class ScoringRequest {

  private ScoringRequest() {}

  static Resource of(Pod pod) {
    PodSpec spec = pod.getSpec();
    String id = PodRequests.describe(pod);
    Resource sum = Resource.ZERO;
    List<Container> containers = spec.getContainers();
    for (int i = 0; i < containers.size(); i++) {
      sum = sum.add(container(containers.get(i), id, "spec.containers[" + i + "]"));
    }
    List<Container> inits = spec.getInitContainers();
    for (int i = 0; i < inits.size(); i++) {
      sum = sum.max(container(inits.get(i), id, "spec.initContainers[" + i + "]"));
    }
    Map<String, Quantity> overhead = spec.getOverhead();
    if (overhead != null && !overhead.isEmpty()) {
      long cpu = 0;
      long mem = 0;
      long eph = 0;
      Map<String, Long> scalars = new TreeMap<>();
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

  /** One container: non-zero CPU and memory, ephemeral storage and scalars as requested. */
  private static Resource container(Container c, String id, String field) {
    Resource nonZero = PodRequests.containerNonZero(c, id, field);
    Resource r = PodRequests.containerRequests(c, id, field);
    return new Resource(
        nonZero.milliCpu(), nonZero.memory(), r.ephemeralStorage(), 0, r.scalarResources());
  }
}
