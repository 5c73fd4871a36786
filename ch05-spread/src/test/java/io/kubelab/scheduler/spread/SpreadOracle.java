package io.kubelab.scheduler.spread;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A naive statement of SelectorSpreadPriority for Services only, written from upstream's rule and
 * sharing no code with the module: recount everything from the raw objects for every question.
 */
final class SpreadOracle {

  private SpreadOracle() {}

  static final String BETA_ZONE = "failure-domain.beta.kubernetes.io/zone";

  /** Node name → final score for {@code pod} over {@code nodes} (all of them scored). */
  static Map<String, Long> selectorSpread(
      Pod pod, List<Node> nodes, List<Pod> pods, List<Service> services) {
    String ns = pod.getMetadata().getNamespace();
    Map<String, String> podLabels =
        pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    // The union of the selectors of the Services that select the pod.
    Map<String, String> selector = new HashMap<>();
    for (Service s : services) {
      Map<String, String> sel = s.getSpec().getSelector();
      if (!s.getMetadata().getNamespace().equals(ns) || sel == null) {
        continue;
      }
      boolean selects = true;
      for (Map.Entry<String, String> e : sel.entrySet()) {
        selects &= e.getValue().equals(podLabels.get(e.getKey()));
      }
      if (selects) {
        selector.putAll(sel);
      }
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    for (Node n : nodes) {
      long c = 0;
      for (Pod p : pods) {
        if (!p.getSpec().getNodeName().equals(n.getMetadata().getName())
            || !p.getMetadata().getNamespace().equals(ns)
            || p.getMetadata().getDeletionTimestamp() != null
            || selector.isEmpty()) {
          continue;
        }
        boolean matches = true;
        for (Map.Entry<String, String> e : selector.entrySet()) {
          matches &= e.getValue().equals(p.getMetadata().getLabels().get(e.getKey()));
        }
        c += matches ? 1 : 0;
      }
      counts.put(n.getMetadata().getName(), c);
    }
    return reduce(nodes, counts);
  }

  /** The reduce: 1/3 node, 2/3 zone when the node has a zone, as floating point, truncated. */
  static Map<String, Long> reduce(List<Node> nodes, Map<String, Long> counts) {
    long maxNode = 0;
    Map<String, Long> zoneCounts = new HashMap<>();
    for (Node n : nodes) {
      long c = counts.get(n.getMetadata().getName());
      maxNode = Math.max(maxNode, c);
      String z = zone(n);
      if (z != null) {
        zoneCounts.merge(z, c, Long::sum);
      }
    }
    long maxZone = zoneCounts.values().stream().mapToLong(Long::longValue).max().orElse(0);
    Map<String, Long> out = new LinkedHashMap<>();
    for (Node n : nodes) {
      long c = counts.get(n.getMetadata().getName());
      double score = maxNode == 0 ? 100.0 : 100.0 * ((double) (maxNode - c) / (double) maxNode);
      String z = zone(n);
      if (z != null) {
        double zoneScore =
            maxZone == 0
                ? 100.0
                : 100.0 * ((double) (maxZone - zoneCounts.get(z)) / (double) maxZone);
        score = score * (1.0 - 2.0 / 3.0) + (2.0 / 3.0) * zoneScore;
      }
      out.put(n.getMetadata().getName(), (long) score);
    }
    return out;
  }

  /** The beta zone label (the only one the generators set), or null. */
  static String zone(Node n) {
    Map<String, String> l = n.getMetadata().getLabels();
    String z = l == null ? null : l.get(BETA_ZONE);
    return z == null || z.isEmpty() ? null : z;
  }
}
