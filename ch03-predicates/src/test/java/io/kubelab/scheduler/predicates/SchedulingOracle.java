package io.kubelab.scheduler.predicates;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.kubelab.apimachinery.labels.LabelSelectors;
import io.kubelab.apimachinery.labels.NodeSelectors;
import io.kubelab.apimachinery.resource.Quantities;
import io.kubelab.apimachinery.taints.Tolerations;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An independent, deliberately naive statement of what the predicates forbid: it scans every pod
 * for every question and shares no code with the module under test (only apimachinery's label,
 * node-selector and toleration matching, the project's single definitions of those).
 *
 * <p>{@link #violations} lists, in words, every rule that placing {@code pod} on {@code node} would
 * break given the pods already placed.
 */
final class SchedulingOracle {

  private final List<Node> nodes;
  private final Map<String, Node> byName = new HashMap<>();

  SchedulingOracle(List<Node> nodes) {
    this.nodes = nodes;
    for (Node n : nodes) {
      byName.put(n.getMetadata().getName(), n);
    }
  }

  List<String> violations(Pod pod, Node node, List<Pod> placed) {
    List<String> v = new ArrayList<>();
    String nodeName = node.getMetadata().getName();
    List<Pod> onNode =
        placed.stream().filter(p -> nodeName.equals(p.getSpec().getNodeName())).toList();
    if (Boolean.TRUE.equals(node.getSpec().getUnschedulable())
        && !Tolerations.tolerationsTolerateTaint(
            pod.getSpec().getTolerations(),
            new TaintBuilder()
                .withKey("node.kubernetes.io/unschedulable")
                .withEffect("NoSchedule")
                .build())) {
      v.add("cordoned");
    }
    for (Taint t : node.getSpec().getTaints()) {
      if (("NoSchedule".equals(t.getEffect()) || "NoExecute".equals(t.getEffect()))
          && !Tolerations.tolerationsTolerateTaint(pod.getSpec().getTolerations(), t)) {
        v.add("untolerated taint " + t.getKey());
      }
    }
    resources(pod, node, onNode, v);
    ports(pod, onNode, v);
    Map<String, String> labels = labels(node);
    pod.getSpec()
        .getNodeSelector()
        .forEach(
            (k, val) -> {
              if (!val.equals(labels.get(k))) {
                v.add("nodeSelector " + k);
              }
            });
    if (pod.getSpec().getAffinity() != null
        && pod.getSpec().getAffinity().getNodeAffinity() != null
        && pod.getSpec()
                .getAffinity()
                .getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
            != null
        && !NodeSelectors.matches(
            pod.getSpec()
                .getAffinity()
                .getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution(),
            node)) {
      v.add("node affinity");
    }
    disks(pod, onNode, v);
    csi(pod, node, onNode, v);
    interPod(pod, node, placed, v);
    spread(pod, node, placed, v);
    return v;
  }

  private void resources(Pod pod, Node node, List<Pod> onNode, List<String> v) {
    Map<String, Long> alloc = new HashMap<>();
    node.getStatus()
        .getAllocatable()
        .forEach(
            (k, q) ->
                alloc.put(
                    k, "cpu".equals(k) ? Quantities.milliValue(q, k) : Quantities.value(q, k)));
    if (onNode.size() + 1 > alloc.getOrDefault("pods", 0L)) {
      v.add("too many pods");
    }
    Map<String, Long> want = PodFitsResourcesPropertyTest.requests(pod);
    if (PodFitsResourcesPropertyTest.requestsNothing(want)) {
      return;
    }
    Map<String, Long> used = new HashMap<>();
    for (Pod e : onNode) {
      PodFitsResourcesPropertyTest.usage(e).forEach((k, x) -> used.merge(k, x, Long::sum));
    }
    want.forEach(
        (k, x) -> {
          if (alloc.getOrDefault(k, 0L) - used.getOrDefault(k, 0L) < x) {
            v.add("short of " + k);
          }
        });
  }

  private static void ports(Pod pod, List<Pod> onNode, List<String> v) {
    for (ContainerPort want : GeneralPredicates.containerPorts(pod)) {
      for (Pod e : onNode) {
        for (ContainerPort have : GeneralPredicates.containerPorts(e)) {
          if (want.getHostPort() != null
              && want.getHostPort() > 0
              && Objects.equals(want.getHostPort(), have.getHostPort())
              && proto(want).equals(proto(have))
              && (ip(want).equals(ip(have))
                  || ip(want).equals("0.0.0.0")
                  || ip(have).equals("0.0.0.0"))) {
            v.add("host port " + want.getHostPort());
          }
        }
      }
    }
  }

  private static String proto(ContainerPort p) {
    return p.getProtocol() == null || p.getProtocol().isEmpty() ? "TCP" : p.getProtocol();
  }

  private static String ip(ContainerPort p) {
    return p.getHostIP() == null || p.getHostIP().isEmpty() ? "0.0.0.0" : p.getHostIP();
  }

  private static void disks(Pod pod, List<Pod> onNode, List<String> v) {
    for (Volume a : pod.getSpec().getVolumes()) {
      if (a.getGcePersistentDisk() == null) {
        continue;
      }
      for (Pod e : onNode) {
        for (Volume b : e.getSpec().getVolumes()) {
          if (b.getGcePersistentDisk() != null
              && a.getGcePersistentDisk().getPdName().equals(b.getGcePersistentDisk().getPdName())
              && !(Boolean.TRUE.equals(a.getGcePersistentDisk().getReadOnly())
                  && Boolean.TRUE.equals(b.getGcePersistentDisk().getReadOnly()))) {
            v.add("disk " + a.getGcePersistentDisk().getPdName());
          }
        }
      }
    }
  }

  /** The generator's claims c0..c3 are CSI volumes {@code h-<namespace>-<n>} of one driver. */
  private static void csi(Pod pod, Node node, List<Pod> onNode, List<String> v) {
    Quantity limit =
        node.getStatus()
            .getAllocatable()
            .get(
                CsiMaxVolumeLimitPredicate.CSI_ATTACH_LIMIT_PREFIX
                    + PredicateGenerators.CSI_DRIVER);
    if (limit == null) {
      return;
    }
    Set<String> attached = new HashSet<>();
    for (Pod e : onNode) {
      attached.addAll(handles(e));
    }
    Set<String> added = new HashSet<>(handles(pod));
    added.removeAll(attached);
    if (!added.isEmpty() && attached.size() + added.size() > Quantities.value(limit, "limit")) {
      v.add("too many CSI volumes");
    }
  }

  private static Set<String> handles(Pod p) {
    Set<String> h = new HashSet<>();
    for (Volume vol : p.getSpec().getVolumes()) {
      if (vol.getPersistentVolumeClaim() != null) {
        h.add("h-" + ns(p) + "-" + vol.getPersistentVolumeClaim().getClaimName().substring(1));
      }
    }
    return h;
  }

  private static boolean inTerm(Pod owner, PodAffinityTerm t, Pod candidate) {
    Set<String> ns =
        t.getNamespaces() == null || t.getNamespaces().isEmpty()
            ? Set.of(ns(owner))
            : new HashSet<>(t.getNamespaces());
    return ns.contains(ns(candidate))
        && LabelSelectors.compile(t.getLabelSelector(), "oracle")
            .matches(candidate.getMetadata().getLabels());
  }

  private boolean sameDomain(Node a, String otherNode, String key) {
    Node b = byName.get(otherNode);
    String va = labels(a).get(key);
    return va != null && b != null && va.equals(labels(b).get(key));
  }

  private void interPod(Pod pod, Node node, List<Pod> placed, List<String> v) {
    for (Pod e : placed) {
      for (PodAffinityTerm t : AffinityTerms.requiredAntiAffinityTerms(e)) {
        if (inTerm(e, t, pod) && sameDomain(node, e.getSpec().getNodeName(), t.getTopologyKey())) {
          v.add("existing anti-affinity of " + e.getMetadata().getName());
        }
      }
    }
    for (PodAffinityTerm t : AffinityTerms.requiredAntiAffinityTerms(pod)) {
      for (Pod e : placed) {
        if (inTerm(pod, t, e) && sameDomain(node, e.getSpec().getNodeName(), t.getTopologyKey())) {
          v.add("anti-affinity to " + e.getMetadata().getName());
        }
      }
    }
    List<PodAffinityTerm> aff = AffinityTerms.requiredAffinityTerms(pod);
    if (aff.isEmpty()) {
      return;
    }
    List<Pod> matchingAll =
        placed.stream().filter(e -> aff.stream().allMatch(t -> inTerm(pod, t, e))).toList();
    boolean everyTermSatisfied =
        aff.stream()
            .allMatch(
                t ->
                    matchingAll.stream()
                        .anyMatch(
                            e -> sameDomain(node, e.getSpec().getNodeName(), t.getTopologyKey())));
    if (everyTermSatisfied) {
      return;
    }
    // The first of a self-affine group: nothing that matches sits anywhere a term's key exists.
    boolean noneAnywhere =
        matchingAll.stream()
            .noneMatch(
                e ->
                    aff.stream()
                        .anyMatch(
                            t ->
                                labels(byName.get(e.getSpec().getNodeName()))
                                    .containsKey(t.getTopologyKey())));
    boolean matchesItself = aff.stream().allMatch(t -> inTerm(pod, t, pod));
    if (!(noneAnywhere && matchesItself)) {
      v.add("affinity");
    }
  }

  private void spread(Pod pod, Node node, List<Pod> placed, List<String> v) {
    List<TopologySpreadConstraint> hard =
        pod.getSpec().getTopologySpreadConstraints() == null
            ? List.of()
            : pod.getSpec().getTopologySpreadConstraints().stream()
                .filter(c -> "DoNotSchedule".equals(c.getWhenUnsatisfiable()))
                .toList();
    if (hard.isEmpty()) {
      return;
    }
    List<Node> eligible =
        nodes.stream()
            .filter(n -> hard.stream().allMatch(c -> labels(n).containsKey(c.getTopologyKey())))
            .filter(n -> oracleNodeSelection(pod, n))
            .toList();
    if (eligible.isEmpty()) {
      return;
    }
    for (TopologySpreadConstraint c : hard) {
      String key = c.getTopologyKey();
      if (!labels(node).containsKey(key)) {
        v.add("missing spread key " + key);
        return;
      }
      Map<String, Integer> count = new HashMap<>();
      for (Node n : eligible) {
        count.putIfAbsent(labels(n).get(key), 0);
      }
      // Constraints on the same key share one counter upstream; add every such constraint's
      // matches.
      for (TopologySpreadConstraint same : hard) {
        if (!same.getTopologyKey().equals(key)) {
          continue;
        }
        for (Pod e : placed) {
          Node en = byName.get(e.getSpec().getNodeName());
          if (eligible.contains(en)
              && ns(e).equals(ns(pod))
              && LabelSelectors.compile(same.getLabelSelector(), "oracle")
                  .matches(e.getMetadata().getLabels())) {
            count.merge(labels(en).get(key), 1, Integer::sum);
          }
        }
      }
      int min = count.values().stream().min(Integer::compare).orElse(0);
      int self =
          LabelSelectors.compile(c.getLabelSelector(), "oracle")
                  .matches(pod.getMetadata().getLabels())
              ? 1
              : 0;
      if (count.getOrDefault(labels(node).get(key), 0) + self - min > c.getMaxSkew()) {
        v.add("skew on " + key);
      }
    }
  }

  private static boolean oracleNodeSelection(Pod pod, Node n) {
    Map<String, String> labels = labels(n);
    for (Map.Entry<String, String> e : pod.getSpec().getNodeSelector().entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    var a = pod.getSpec().getAffinity();
    if (a != null
        && a.getNodeAffinity() != null
        && a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() != null) {
      return NodeSelectors.matches(
          a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution(), n);
    }
    return true;
  }

  private static Map<String, String> labels(Node n) {
    return n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels();
  }

  private static String ns(Pod p) {
    return p.getMetadata().getNamespace() == null ? "" : p.getMetadata().getNamespace();
  }
}
