package io.kubelab.scheduler.priorities;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.kubelab.apimachinery.labels.LabelSelectors;
import io.kubelab.apimachinery.labels.NodeSelectors;
import io.kubelab.apimachinery.resource.Quantities;
import io.kubelab.apimachinery.taints.Tolerations;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An independent, deliberately naive statement of the v1.17 default priorities: every score is
 * recomputed from the raw pods and nodes (no NodeInfo, no metadata, no snapshot), by the formulas
 * of the upstream Go files, written again from scratch. It shares no code with the module under
 * test; it uses only apimachinery's quantity parsing, selector matching and toleration matching,
 * the project's single definitions of those.
 */
final class ScoringOracle {

  private static final long MAX = 100;
  private static final long MI = 1024L * 1024;

  private final List<Node> nodes;
  private final List<Pod> placed;
  private final int hardPodAffinityWeight;
  private final boolean imageCountsAsAdded;

  /**
   * @param nodes every node of the cluster, in the order they were added to the scheduler's cache
   * @param placed every pod bound to a node
   * @param imageCountsAsAdded how many nodes have an image is known as of each node's addition
   *     (upstream's cache computes a node's {@code ImageStateSummary} when the node is added or
   *     updated, and keeps it): node k counts only nodes 0..k. False: every node counts, as in a
   *     snapshot built from the whole list at once.
   */
  ScoringOracle(
      List<Node> nodes, List<Pod> placed, int hardPodAffinityWeight, boolean imageCountsAsAdded) {
    this.nodes = nodes;
    this.placed = placed;
    this.hardPodAffinityWeight = hardPodAffinityWeight;
    this.imageCountsAsAdded = imageCountsAsAdded;
  }

  // ---- quantities, from the text -------------------------------------------------------------

  private static long ceil(BigDecimal v) {
    return v.setScale(0, RoundingMode.CEILING).longValueExact();
  }

  private static long milli(Quantity q) {
    return ceil(Quantities.parse(q, "oracle").movePointRight(3));
  }

  private static long units(Quantity q) {
    return ceil(Quantities.parse(q, "oracle"));
  }

  private static Map<String, Quantity> requests(Container c) {
    return c.getResources() == null || c.getResources().getRequests() == null
        ? Map.of()
        : c.getResources().getRequests();
  }

  /** {cpu milli, memory bytes} a node charges for a pod it runs: containers, then overhead. */
  static long[] nodeCharge(Pod p) {
    long cpu = 0;
    long mem = 0;
    for (Container c : p.getSpec().getContainers()) {
      Map<String, Quantity> r = requests(c);
      cpu += r.containsKey("cpu") ? milli(r.get("cpu")) : 100;
      mem += r.containsKey("memory") ? units(r.get("memory")) : 200 * MI;
    }
    Map<String, Quantity> o = p.getSpec().getOverhead();
    if (o != null) {
      cpu += o.containsKey("cpu") ? milli(o.get("cpu")) : 0;
      mem += o.containsKey("memory") ? units(o.get("memory")) : 0;
    }
    return new long[] {cpu, mem};
  }

  /** {cpu milli, memory bytes} the incoming pod is scored with: overhead in whole units. */
  static long[] incomingCharge(Pod p) {
    long cpu = 0;
    long mem = 0;
    for (Container c : p.getSpec().getContainers()) {
      Map<String, Quantity> r = requests(c);
      cpu += r.containsKey("cpu") ? milli(r.get("cpu")) : 100;
      mem += r.containsKey("memory") ? units(r.get("memory")) : 200 * MI;
    }
    Map<String, Quantity> o = p.getSpec().getOverhead();
    if (o != null) {
      cpu += o.containsKey("cpu") ? units(o.get("cpu")) : 0;
      mem += o.containsKey("memory") ? units(o.get("memory")) : 0;
    }
    return new long[] {cpu, mem};
  }

  /** {cpu milli, memory bytes} a node can allocate; absent is 0. */
  static long[] allocatable(Node n) {
    Map<String, Quantity> a = n.getStatus().getAllocatable();
    return new long[] {
      a.containsKey("cpu") ? milli(a.get("cpu")) : 0,
      a.containsKey("memory") ? units(a.get("memory")) : 0
    };
  }

  private List<Pod> podsOn(Node n) {
    String name = n.getMetadata().getName();
    return placed.stream().filter(p -> name.equals(p.getSpec().getNodeName())).toList();
  }

  /** {cpu, memory} requested on the node with the pod added. */
  long[] requestedWith(Pod pod, Node n) {
    long[] r = incomingCharge(pod);
    for (Pod p : podsOn(n)) {
      long[] c = nodeCharge(p);
      r[0] += c[0];
      r[1] += c[1];
    }
    return r;
  }

  // ---- the resource priorities ---------------------------------------------------------------

  long leastRequested(Pod pod, Node n) {
    long[] req = requestedWith(pod, n);
    long[] cap = allocatable(n);
    long sum = 0;
    for (int i = 0; i < 2; i++) {
      sum += cap[i] == 0 || req[i] > cap[i] ? 0 : (cap[i] - req[i]) * MAX / cap[i];
    }
    return sum / 2;
  }

  long mostRequested(Pod pod, Node n) {
    long[] req = requestedWith(pod, n);
    long[] cap = allocatable(n);
    long sum = 0;
    for (int i = 0; i < 2; i++) {
      sum += cap[i] == 0 || req[i] > cap[i] ? 0 : req[i] * MAX / cap[i];
    }
    return sum / 2;
  }

  long balanced(Pod pod, Node n) {
    long[] req = requestedWith(pod, n);
    long[] cap = allocatable(n);
    double cpu = cap[0] == 0 ? 1 : (double) req[0] / cap[0];
    double mem = cap[1] == 0 ? 1 : (double) req[1] / cap[1];
    if (cpu >= 1 || mem >= 1) {
      return 0;
    }
    return (long) ((1 - Math.abs(cpu - mem)) * MAX);
  }

  /** The default shape {0 → 100, 100 → 0}, over cpu and memory. */
  long requestedToCapacityRatioDefault(Pod pod, Node n) {
    long[] req = requestedWith(pod, n);
    long[] cap = allocatable(n);
    long sum = 0;
    long weights = 0;
    for (int i = 0; i < 2; i++) {
      long utilization =
          cap[i] == 0 || req[i] > cap[i] ? 100 : 100 - (cap[i] - req[i]) * 100 / cap[i];
      long score = 100 - utilization; // the line from (0, 100) to (100, 0), exactly
      if (score > 0) {
        sum += score;
        weights++;
      }
    }
    return weights == 0 ? 0 : Math.round((double) sum / weights);
  }

  // ---- the others ----------------------------------------------------------------------------

  long preferAvoid(Pod pod, Node n) {
    OwnerReference controller = null;
    for (OwnerReference o : pod.getMetadata().getOwnerReferences()) {
      if (Boolean.TRUE.equals(o.getController())) {
        controller = o;
        break;
      }
    }
    if (controller == null
        || !List.of("ReplicationController", "ReplicaSet").contains(controller.getKind())) {
      return MAX;
    }
    Map<String, String> a = n.getMetadata().getAnnotations();
    String text = a == null ? null : a.get("scheduler.alpha.kubernetes.io/preferAvoidPods");
    if (text == null) {
      return MAX;
    }
    JsonNode root = JsonMapper.builder().build().readTree(text);
    for (JsonNode e : root.get("preferAvoidPods")) {
      JsonNode c = e.get("podSignature").get("podController");
      if (controller.getKind().equals(c.get("kind").asString())
          && controller.getUid().equals(c.get("uid").asString())) {
        return 0;
      }
    }
    return MAX;
  }

  /** The raw sum of matching preferred-term weights (before the reduce). */
  long nodeAffinityRaw(Pod pod, Node n) {
    Affinity a = pod.getSpec().getAffinity();
    if (a == null
        || a.getNodeAffinity() == null
        || a.getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution() == null) {
      return 0;
    }
    Map<String, String> labels = labels(n);
    long sum = 0;
    for (PreferredSchedulingTerm t :
        a.getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution()) {
      NodeSelectorTerm exprs = new NodeSelectorTerm();
      exprs.setMatchExpressions(t.getPreference().getMatchExpressions());
      if (t.getWeight() != 0
          && NodeSelectors.matchesTerm(exprs, labels, n.getMetadata().getName())) {
        sum += t.getWeight();
      }
    }
    return sum;
  }

  long intolerablePreferNoScheduleTaints(Pod pod, Node n) {
    List<Toleration> tolerations =
        pod.getSpec().getTolerations().stream()
            .filter(
                t ->
                    t.getEffect() == null
                        || t.getEffect().isEmpty()
                        || t.getEffect().equals("PreferNoSchedule"))
            .toList();
    long count = 0;
    for (Taint t : n.getSpec().getTaints()) {
      if ("PreferNoSchedule".equals(t.getEffect())
          && tolerations.stream().noneMatch(tol -> Tolerations.toleratesTaint(tol, t))) {
        count++;
      }
    }
    return count;
  }

  long imageLocality(Pod pod, Node n) {
    long sum = 0;
    for (Container c : pod.getSpec().getContainers()) {
      String image = c.getImage();
      int colon = image.lastIndexOf(':');
      int slash = image.lastIndexOf('/');
      String name = colon > slash ? image : image + ":latest";
      Long size = sizeOn(n, name);
      if (size == null) {
        continue;
      }
      List<Node> counted = imageCountsAsAdded ? nodes.subList(0, nodes.indexOf(n) + 1) : nodes;
      long withImage = counted.stream().filter(m -> sizeOn(m, name) != null).count();
      sum += (long) (size * ((double) withImage / nodes.size()));
    }
    long lo = 23 * MI;
    long hi = 1000 * MI;
    long clamped = Math.max(lo, Math.min(hi, sum));
    return MAX * (clamped - lo) / (hi - lo);
  }

  private static Long sizeOn(Node n, String name) {
    if (n.getStatus().getImages() == null) {
      return null;
    }
    for (ContainerImage i : n.getStatus().getImages()) {
      if (i.getNames() != null && i.getNames().contains(name)) {
        return i.getSizeBytes();
      }
    }
    return null;
  }

  /** The raw inter-pod affinity sum of node {@code n}, walking every placed pod. */
  long interPodAffinityRaw(Pod pod, Node n) {
    long score = 0;
    Map<String, String> here = labels(n);
    for (Pod e : placed) {
      Node m = nodeOf(e);
      Map<String, String> there = labels(m);
      Affinity pa = pod.getSpec().getAffinity();
      if (pa != null && pa.getPodAffinity() != null) {
        score +=
            weighted(
                pod,
                pa.getPodAffinity().getPreferredDuringSchedulingIgnoredDuringExecution(),
                e,
                there,
                here,
                1);
      }
      if (pa != null && pa.getPodAntiAffinity() != null) {
        score +=
            weighted(
                pod,
                pa.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution(),
                e,
                there,
                here,
                -1);
      }
      Affinity ea = e.getSpec().getAffinity();
      if (ea != null && ea.getPodAffinity() != null) {
        List<PodAffinityTerm> req =
            ea.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
        if (hardPodAffinityWeight > 0 && req != null) {
          for (PodAffinityTerm t : req) {
            if (termHolds(e, t, pod, there, here)) {
              score += hardPodAffinityWeight;
            }
          }
        }
        score +=
            weighted(
                e,
                ea.getPodAffinity().getPreferredDuringSchedulingIgnoredDuringExecution(),
                pod,
                there,
                here,
                1);
      }
      if (ea != null && ea.getPodAntiAffinity() != null) {
        score +=
            weighted(
                e,
                ea.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution(),
                pod,
                there,
                here,
                -1);
      }
    }
    return score;
  }

  private long weighted(
      Pod owner,
      List<WeightedPodAffinityTerm> terms,
      Pod other,
      Map<String, String> otherNodeLabels,
      Map<String, String> candidateLabels,
      int sign) {
    long s = 0;
    if (terms == null) {
      return 0;
    }
    for (WeightedPodAffinityTerm w : terms) {
      if (termHolds(owner, w.getPodAffinityTerm(), other, otherNodeLabels, candidateLabels)) {
        s += (long) sign * w.getWeight();
      }
    }
    return s;
  }

  /**
   * The term of {@code owner} matches {@code other}, and the node of the existing pod shares the
   * term's topology value with the candidate node.
   */
  private static boolean termHolds(
      Pod owner,
      PodAffinityTerm t,
      Pod other,
      Map<String, String> existingNodeLabels,
      Map<String, String> candidateLabels) {
    List<String> ns =
        t.getNamespaces() == null || t.getNamespaces().isEmpty()
            ? List.of(owner.getMetadata().getNamespace())
            : t.getNamespaces();
    if (!ns.contains(other.getMetadata().getNamespace())) {
      return false;
    }
    if (!LabelSelectors.compile(t.getLabelSelector(), "oracle")
        .matches(other.getMetadata().getLabels())) {
      return false;
    }
    String value = existingNodeLabels.get(t.getTopologyKey());
    return value != null && value.equals(candidateLabels.get(t.getTopologyKey()));
  }

  private Node nodeOf(Pod p) {
    return nodes.stream()
        .filter(n -> n.getMetadata().getName().equals(p.getSpec().getNodeName()))
        .findFirst()
        .orElseThrow();
  }

  private static Map<String, String> labels(Node n) {
    return n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels();
  }

  // ---- normalizations and the total ----------------------------------------------------------

  /** The combined score of each candidate under the DefaultProvider set this chapter has. */
  Map<String, Long> totals(Pod pod, List<Node> candidates) {
    Map<String, Long> total = new HashMap<>();
    long maxAffinity = 0;
    long maxTaints = 0;
    long maxIpa = 0;
    long minIpa = 0;
    for (Node n : candidates) {
      maxAffinity = Math.max(maxAffinity, nodeAffinityRaw(pod, n));
      maxTaints = Math.max(maxTaints, intolerablePreferNoScheduleTaints(pod, n));
      maxIpa = Math.max(maxIpa, interPodAffinityRaw(pod, n));
      minIpa = Math.min(minIpa, interPodAffinityRaw(pod, n));
    }
    for (Node n : candidates) {
      long affinity = maxAffinity == 0 ? 0 : MAX * nodeAffinityRaw(pod, n) / maxAffinity;
      long taints =
          maxTaints == 0 ? MAX : MAX - MAX * intolerablePreferNoScheduleTaints(pod, n) / maxTaints;
      long ipa =
          maxIpa - minIpa == 0
              ? 0
              : (long)
                  (100.0 * ((double) (interPodAffinityRaw(pod, n) - minIpa) / (maxIpa - minIpa)));
      long sum =
          leastRequested(pod, n)
              + balanced(pod, n)
              + 10000 * preferAvoid(pod, n)
              + affinity
              + taints
              + imageLocality(pod, n)
              + ipa;
      total.put(n.getMetadata().getName(), sum);
    }
    return total;
  }
}
