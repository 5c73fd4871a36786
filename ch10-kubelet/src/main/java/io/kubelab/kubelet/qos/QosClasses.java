package io.kubelab.kubelet.qos;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kubelab.apimachinery.resource.Quantities;
import io.kubelab.apimachinery.resource.ResourceNames;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Computes a pod's QoS class.
 *
 * <p>Upstream: {@code pkg/apis/core/v1/helper/qos/qos.go} ({@code GetPodQOS}, {@code
 * supportedQoSComputeResources}). Only CPU and memory count, and only positive quantities. Requests
 * and limits are summed per resource over the containers and init containers. A pod with neither is
 * BestEffort. It is Guaranteed when every container has positive CPU and memory limits and the
 * summed requests equal the summed limits, resource by resource; otherwise Burstable. The pod is
 * taken as given: the API server's defaulting (requests copied from limits) is not applied here.
 */
public final class QosClasses {
  private QosClasses() {}

  /** Upstream {@code GetPodQOS}. */
  public static QosClass getPodQos(Pod pod) {
    Map<String, BigDecimal> requests = new HashMap<>();
    Map<String, BigDecimal> limits = new HashMap<>();
    boolean isGuaranteed = true;
    List<Container> all = new ArrayList<>(pod.getSpec().getContainers());
    all.addAll(pod.getSpec().getInitContainers());
    String podName = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    for (Container c : all) {
      String where = "Pod " + podName + ": container " + c.getName() + " resources.";
      Map<String, Quantity> req = c.getResources() == null ? null : c.getResources().getRequests();
      Map<String, Quantity> lim = c.getResources() == null ? null : c.getResources().getLimits();
      addPositive(req, requests, where + "requests");
      List<String> limitsFound = addPositive(lim, limits, where + "limits");
      if (!limitsFound.contains(ResourceNames.CPU) || !limitsFound.contains(ResourceNames.MEMORY)) {
        isGuaranteed = false;
      }
    }
    if (requests.isEmpty() && limits.isEmpty()) {
      return QosClass.BEST_EFFORT;
    }
    if (isGuaranteed) {
      for (Map.Entry<String, BigDecimal> r : requests.entrySet()) {
        BigDecimal l = limits.get(r.getKey());
        if (l == null || l.compareTo(r.getValue()) != 0) {
          isGuaranteed = false;
          break;
        }
      }
    }
    return isGuaranteed && requests.size() == limits.size()
        ? QosClass.GUARANTEED
        : QosClass.BURSTABLE;
  }

  /** Adds the positive CPU and memory quantities of {@code list} to {@code sums}; returns them. */
  private static List<String> addPositive(
      Map<String, Quantity> list, Map<String, BigDecimal> sums, String where) {
    List<String> found = new ArrayList<>(2);
    if (list == null) {
      return found;
    }
    for (Map.Entry<String, Quantity> e : list.entrySet()) {
      String name = e.getKey();
      if (!ResourceNames.CPU.equals(name) && !ResourceNames.MEMORY.equals(name)) {
        continue; // supportedQoSComputeResources: extended resources never change the class
      }
      BigDecimal v = Quantities.parse(e.getValue(), where + "." + name);
      if (v.signum() > 0) {
        found.add(name);
        sums.merge(name, v, BigDecimal::add);
      }
    }
    return found;
  }
}
