package io.kubelab.scheduler.priorities;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.apimachinery.testing.Generators;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.generators.Generate;

/**
 * Clusters for this chapter's properties: apimachinery's generated clusters, with what scoring
 * reacts to and the shared generators leave out. Every extra is drawn from QuickTheories'
 * randomness source, so cases shrink and a fixed seed reproduces them:
 *
 * <ul>
 *   <li>container images nodes hold (ImageLocality), some without a tag;
 *   <li>nodes with zero or absent allocatable CPU or memory;
 *   <li>{@code preferAvoidPods} annotations naming the controller of some pod;
 *   <li>preferred node affinity on the generated label keys;
 *   <li>preferred pod affinity and anti-affinity by zone or host, and required pod affinity on
 *       bound pods (the symmetric weight).
 * </ul>
 */
final class ScoringGenerators {

  private ScoringGenerators() {}

  /** Nodes, and pods bound to them or pending. */
  record Scenario(List<Node> nodes, List<Pod> pods) {
    List<Pod> bound() {
      return pods.stream().filter(p -> p.getSpec().getNodeName() != null).toList();
    }

    List<Pod> pending() {
      return pods.stream().filter(p -> p.getSpec().getNodeName() == null).toList();
    }

    Node node(String name) {
      return nodes.stream()
          .filter(n -> n.getMetadata().getName().equals(name))
          .findFirst()
          .orElseThrow();
    }

    @Override
    public String toString() {
      return "Scenario[nodes="
          + nodes.stream()
              .map(
                  n ->
                      n.getMetadata().getName()
                          + n.getStatus().getAllocatable()
                          + n.getMetadata().getLabels())
              .toList()
          + ", pods="
          + pods.stream()
              .map(p -> p.getMetadata().getName() + "@" + p.getSpec().getNodeName())
              .toList()
          + "]";
    }
  }

  private static <T> T draw(Gen<T> gen, RandomnessSource in) {
    return gen.generate(in);
  }

  private static int between(RandomnessSource in, int lo, int hi) {
    return draw(Generate.range(lo, hi), in);
  }

  private static boolean percent(RandomnessSource in, int p) {
    return between(in, 1, 100) <= p;
  }

  private static <T> T pick(RandomnessSource in, List<T> from) {
    return draw(Generate.pick(from), in);
  }

  /** The images containers are given: those nodes hold, one untagged, one no node has. */
  static final List<String> IMAGES =
      List.of(
          "registry.k8s.io/pause:3.2",
          "nginx:1.19",
          "redis:6",
          "postgres:13",
          "tensorflow/tensorflow:2.3.0-gpu",
          "busybox",
          "example.com/never:1");

  static Gen<Scenario> scenarios(int minNodes, int maxNodes, int minPods, int maxPods) {
    return scenarios(minNodes, maxNodes, minPods, maxPods, false);
  }

  /**
   * Scenarios where most pods can go somewhere: most containers ask for at most half a core and 512
   * MiB, and most pods lose their node selector and required node affinity. For end-to-end runs,
   * where a pod that fits nowhere tests nothing about scoring.
   */
  static Gen<Scenario> schedulableScenarios(int minNodes, int maxNodes, int minPods, int maxPods) {
    return scenarios(minNodes, maxNodes, minPods, maxPods, true);
  }

  private static Gen<Scenario> scenarios(
      int minNodes, int maxNodes, int minPods, int maxPods, boolean modest) {
    Gen<Generators.Cluster> clusters = Generators.clusters(minNodes, maxNodes, minPods, maxPods);
    Gen<Scenario> g =
        in -> {
          Generators.Cluster c = clusters.generate(in);
          List<Pod> pods = new ArrayList<>();
          for (Pod p : c.pods()) {
            Pod copy = decorate(new PodBuilder(p).build(), in);
            if (modest) {
              moderate(copy, in);
            }
            pods.add(copy);
          }
          List<Node> nodes = new ArrayList<>();
          for (Node n : c.nodes()) {
            nodes.add(decorate(new NodeBuilder(n).build(), pods, in));
          }
          return new Scenario(nodes, pods);
        };
    return g.describedAs(Scenario::toString);
  }

  private static void moderate(Pod p, RandomnessSource in) {
    for (Container c : p.getSpec().getContainers()) {
      if (c.getResources() != null && c.getResources().getRequests() != null && percent(in, 80)) {
        Map<String, Quantity> r = new LinkedHashMap<>(c.getResources().getRequests());
        r.replace("cpu", new Quantity(between(in, 0, 500) + "m"));
        r.replace("memory", new Quantity(between(in, 0, 512) + "Mi"));
        r.keySet().retainAll(List.of("cpu", "memory"));
        c.getResources().setRequests(r);
      }
    }
    p.getSpec().getInitContainers().clear();
    if (percent(in, 70)) {
      p.getSpec().setNodeSelector(new LinkedHashMap<>());
      if (p.getSpec().getAffinity() != null
          && p.getSpec().getAffinity().getNodeAffinity() != null) {
        p.getSpec()
            .getAffinity()
            .getNodeAffinity()
            .setRequiredDuringSchedulingIgnoredDuringExecution(null);
      }
    }
  }

  private static Pod decorate(Pod p, RandomnessSource in) {
    for (Container c : p.getSpec().getContainers()) {
      if (percent(in, 60)) {
        c.setImage(pick(in, IMAGES));
      }
    }
    String app = pick(in, List.of("web", "db"));
    if (percent(in, 50)) {
      p.getMetadata().getLabels().put("app", app);
    }
    Fixtures.PodFixture extra = Fixtures.pod("extra");
    boolean any = false;
    if (percent(in, 20)) {
      extra.preferredPodAffinity(
          between(in, 1, 100),
          Fixtures.affinityTerm(
              pick(in, List.of(Fixtures.LABEL_ZONE, Fixtures.LABEL_HOSTNAME)),
              Fixtures.matchLabels("app", pick(in, List.of("web", "db")))));
      any = true;
    }
    if (percent(in, 20)) {
      extra.preferredPodAntiAffinity(
          between(in, 1, 100),
          Fixtures.affinityTerm(
              pick(in, List.of(Fixtures.LABEL_ZONE, Fixtures.LABEL_HOSTNAME)),
              Fixtures.matchLabels("app", pick(in, List.of("web", "db")))));
      any = true;
    }
    int nodeTerms = percent(in, 50) ? between(in, 1, 3) : 0;
    for (int i = 0; i < nodeTerms; i++) {
      extra.preferredNodeAffinity(
          between(in, 1, 100),
          Fixtures.term(
              Fixtures.expr(
                  pick(in, Generators.LABEL_KEYS), "In", pick(in, Generators.LABEL_VALUES))));
      any = true;
    }
    if (p.getSpec().getNodeName() != null && percent(in, 10)) {
      extra.requiredPodAffinity(
          Fixtures.affinityTerm(Fixtures.LABEL_ZONE, Fixtures.matchLabels("app", app)));
      any = true;
    }
    if (any) {
      mergeAffinity(p, extra.build());
    }
    return p;
  }

  /** Adds the pod-affinity terms of {@code from} to {@code p}'s. */
  private static void mergeAffinity(Pod p, Pod from) {
    var a = from.getSpec().getAffinity();
    if (p.getSpec().getAffinity() == null) {
      p.getSpec().setAffinity(a);
      return;
    }
    var target = p.getSpec().getAffinity();
    if (a.getNodeAffinity() != null) {
      if (target.getNodeAffinity() == null) {
        target.setNodeAffinity(a.getNodeAffinity());
      } else {
        addAll(
            target.getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution(),
            a.getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution(),
            target.getNodeAffinity()::setPreferredDuringSchedulingIgnoredDuringExecution);
      }
    }
    if (a.getPodAffinity() != null) {
      if (target.getPodAffinity() == null) {
        target.setPodAffinity(a.getPodAffinity());
      } else {
        addAll(
            target.getPodAffinity().getPreferredDuringSchedulingIgnoredDuringExecution(),
            a.getPodAffinity().getPreferredDuringSchedulingIgnoredDuringExecution(),
            target.getPodAffinity()::setPreferredDuringSchedulingIgnoredDuringExecution);
        addAll(
            target.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution(),
            a.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution(),
            target.getPodAffinity()::setRequiredDuringSchedulingIgnoredDuringExecution);
      }
    }
    if (a.getPodAntiAffinity() != null) {
      if (target.getPodAntiAffinity() == null) {
        target.setPodAntiAffinity(a.getPodAntiAffinity());
      } else {
        addAll(
            target.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution(),
            a.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution(),
            target.getPodAntiAffinity()::setPreferredDuringSchedulingIgnoredDuringExecution);
      }
    }
  }

  private static <T> void addAll(
      List<T> into, List<T> more, java.util.function.Consumer<List<T>> set) {
    List<T> all = new ArrayList<>(into == null ? List.of() : into);
    if (more != null) {
      all.addAll(more);
    }
    set.accept(all);
  }

  private static Node decorate(Node n, List<Pod> pods, RandomnessSource in) {
    Map<String, Quantity> alloc = new LinkedHashMap<>(n.getStatus().getAllocatable());
    int zero = between(in, 1, 100);
    if (zero <= 5) {
      alloc.put("cpu", new Quantity("0"));
    } else if (zero <= 10) {
      alloc.remove("memory");
    } else if (zero <= 13) {
      alloc.put("cpu", new Quantity("0"));
      alloc.put("memory", new Quantity("0"));
    }
    n.getStatus().setAllocatable(alloc);
    List<OwnerReference> owners = new ArrayList<>();
    for (Pod p : pods) {
      owners.addAll(p.getMetadata().getOwnerReferences());
    }
    if (!owners.isEmpty() && percent(in, 20)) {
      OwnerReference o = pick(in, owners);
      String kind = percent(in, 80) ? o.getKind() : "ReplicationController";
      Map<String, String> annotations =
          n.getMetadata().getAnnotations() == null
              ? new LinkedHashMap<>()
              : new LinkedHashMap<>(n.getMetadata().getAnnotations());
      annotations.put(
          NodePreferAvoidPods.PREFER_AVOID_PODS_ANNOTATION_KEY,
          "{\"preferAvoidPods\": [{\"podSignature\": {\"podController\": {\"kind\": \""
              + kind
              + "\", \"uid\": \""
              + o.getUid()
              + "\"}}}]}");
      n.getMetadata().setAnnotations(annotations);
    }
    return n;
  }
}
