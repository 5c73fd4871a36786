package io.kubelab.scheduler;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * An independent reading of a final placement: what each pod asks for and each node offers, in
 * milli-CPU, bytes and pod slots, computed from the API objects with fabric8's quantity parser and
 * nothing of the scheduler's. A pod asks for the larger of its containers' sum and its largest init
 * container, plus its overhead (requests only: the in-memory cluster does no defaulting of requests
 * from limits).
 */
final class PlacementOracle {

  private PlacementOracle() {}

  /** {cpu milli, memory bytes}: what the pod needs free on a node to be placed there. */
  static long[] request(Pod pod) {
    long[] sum = containersSum(pod);
    List<Container> inits = pod.getSpec().getInitContainers();
    if (inits != null) {
      for (Container c : inits) {
        long[] r = requests(c);
        sum[0] = Math.max(sum[0], r[0]);
        sum[1] = Math.max(sum[1], r[1]);
      }
    }
    addOverhead(sum, pod);
    return sum;
  }

  /**
   * {cpu milli, memory bytes}: what the pod holds on its node once placed. Init containers have
   * finished by then and count for nothing, as a v1.18 node's accounting counts them.
   */
  static long[] usage(Pod pod) {
    long[] sum = containersSum(pod);
    addOverhead(sum, pod);
    return sum;
  }

  private static long[] containersSum(Pod pod) {
    long[] sum = new long[2];
    for (Container c : pod.getSpec().getContainers()) {
      add(sum, requests(c));
    }
    return sum;
  }

  private static void addOverhead(long[] sum, Pod pod) {
    Map<String, Quantity> overhead = pod.getSpec().getOverhead();
    if (overhead != null) {
      add(sum, new long[] {milli(overhead.get("cpu")), bytes(overhead.get("memory"))});
    }
  }

  private static long[] requests(Container c) {
    Map<String, Quantity> r = c.getResources() == null ? null : c.getResources().getRequests();
    if (r == null) {
      return new long[2];
    }
    return new long[] {milli(r.get("cpu")), bytes(r.get("memory"))};
  }

  private static void add(long[] to, long[] r) {
    to[0] += r[0];
    to[1] += r[1];
  }

  /** {cpu milli, memory bytes, pods}. */
  static long[] allocatable(Node node) {
    Map<String, Quantity> a = node.getStatus().getAllocatable();
    return new long[] {milli(a.get("cpu")), bytes(a.get("memory")), bytes(a.get("pods"))};
  }

  /** A pod without tolerations may land here: not cordoned, no NoSchedule or NoExecute taint. */
  static boolean openToPlainPods(Node node) {
    if (Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
      return false;
    }
    List<Taint> taints = node.getSpec().getTaints();
    if (taints != null) {
      for (Taint t : taints) {
        if ("NoSchedule".equals(t.getEffect()) || "NoExecute".equals(t.getEffect())) {
          return false;
        }
      }
    }
    return true;
  }

  private static long milli(Quantity q) {
    return q == null
        ? 0
        : Quantity.getAmountInBytes(q)
            .multiply(BigDecimal.valueOf(1000))
            .setScale(0, java.math.RoundingMode.CEILING)
            .longValueExact();
  }

  private static long bytes(Quantity q) {
    return q == null
        ? 0
        : Quantity.getAmountInBytes(q).setScale(0, java.math.RoundingMode.CEILING).longValueExact();
  }
}
