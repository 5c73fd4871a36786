package io.kubelab.scheduler.predicates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kubelab.apimachinery.resource.Quantities;
import io.kubelab.apimachinery.resource.ResourceNames;
import io.kubelab.scheduler.algorithm.PredicateFailureReason;
import io.kubelab.scheduler.algorithm.PredicateFailureReason.InsufficientResourceError;
import io.kubelab.scheduler.cache.NodeInfo;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * PodFitsResources against a direct computation over the manifests' maps: for every resource the
 * pod requests, free = allocatable − Σ requests of the node's pods; short where free &lt; request.
 */
class PodFitsResourcesPropertyTest {

  @Test
  void agreesWithAllocatableMinusRequested() {
    qt().withFixedSeed(0x9e50_41cL)
        .withShrinkCycles(30)
        .withExamples(300)
        .forAll(PredicateGenerators.scenarios(1, 3, 1, 24))
        .checkAssert(
            s -> {
              for (Node n : s.nodes()) {
                List<Pod> onNode =
                    s.bound().stream()
                        .filter(p -> p.getSpec().getNodeName().equals(n.getMetadata().getName()))
                        .toList();
                NodeInfo ni = TestSupport.nodeInfo(n, onNode.toArray(Pod[]::new));
                for (Pod pod : s.pending()) {
                  checkTight(pod, onNode, n);
                  List<PredicateFailureReason> got =
                      GeneralPredicates.podFitsResources(pod, null, ni).reasons();
                  assertThat(
                          got.stream()
                              .map(r -> ((InsufficientResourceError) r).resourceName())
                              .toList())
                      .as("%s on %s", pod.getMetadata().getName(), n.getMetadata().getName())
                      .containsExactlyElementsOf(expectedShort(pod, onNode, n));
                }
              }
            });
  }

  /**
   * The boundary the random quantities rarely hit: a copy of the node whose allocatable is exactly
   * what is used plus what the pod asks, then one unit less, then one more.
   */
  private static void checkTight(Pod pod, List<Pod> onNode, Node n) {
    Map<String, Long> want = requests(pod);
    Map<String, Long> used = new TreeMap<>();
    for (Pod e : onNode) {
      usage(e).forEach((k, v) -> used.merge(k, v, Long::sum));
    }
    for (long delta : new long[] {0, -1, 1}) {
      Node tight = new io.fabric8.kubernetes.api.model.NodeBuilder(n).build();
      Map<String, Quantity> alloc = new TreeMap<>(tight.getStatus().getAllocatable());
      for (String r : List.of("cpu", "memory")) {
        long amount = Math.max(0, used.getOrDefault(r, 0L) + want.getOrDefault(r, 0L) + delta);
        alloc.put(r, new Quantity("cpu".equals(r) ? amount + "m" : String.valueOf(amount)));
      }
      alloc.put("pods", new Quantity(String.valueOf(onNode.size() + (delta < 0 ? 0 : 1))));
      tight.getStatus().setAllocatable(alloc);
      NodeInfo ni = TestSupport.nodeInfo(tight, onNode.toArray(Pod[]::new));
      List<PredicateFailureReason> got =
          GeneralPredicates.podFitsResources(pod, null, ni).reasons();
      assertThat(got.stream().map(x -> ((InsufficientResourceError) x).resourceName()).toList())
          .as(
              "%s on tight %s (delta %d)",
              pod.getMetadata().getName(), n.getMetadata().getName(), delta)
          .containsExactlyElementsOf(expectedShort(pod, onNode, tight));
      if (delta == 0) {
        assertThat(got.stream().map(x -> ((InsufficientResourceError) x).resourceName()))
            .as("exactly full is not short of cpu, memory or pods")
            .doesNotContain("cpu", "memory", "pods");
      }
    }
  }

  /** The names of the short resources, in the predicate's order. */
  static List<String> expectedShort(Pod pod, List<Pod> existing, Node node) {
    Map<String, Long> want = requests(pod);
    Map<String, Long> used = new TreeMap<>();
    for (Pod e : existing) {
      usage(e).forEach((k, v) -> used.merge(k, v, Long::sum));
    }
    Map<String, Long> alloc = new TreeMap<>();
    node.getStatus().getAllocatable().forEach((k, q) -> alloc.put(k, amount(k, q)));
    List<String> order = new java.util.ArrayList<>();
    if (existing.size() + 1 > alloc.getOrDefault("pods", 0L)) {
      order.add("pods");
    }
    if (requestsNothing(want)) {
      return order;
    }
    TreeSet<String> scalars = new TreeSet<>(want.keySet());
    scalars.removeAll(List.of("cpu", "memory", "ephemeral-storage", "pods"));
    List<String> names = new java.util.ArrayList<>(List.of("cpu", "memory", "ephemeral-storage"));
    names.addAll(scalars);
    for (String r : names) {
      long free = alloc.getOrDefault(r, 0L) - used.getOrDefault(r, 0L);
      if (free < want.getOrDefault(r, 0L)) {
        order.add(r);
      }
    }
    return order;
  }

  /**
   * What a pod already on the node uses (v1.17 / v1.18.0 NodeInfo): Σ containers plus overhead;
   * init containers do not count.
   */
  static Map<String, Long> usage(Pod pod) {
    return sum(pod, false);
  }

  /**
   * Upstream's early return: no cpu, memory or ephemeral storage and no scalar resource named at
   * all. A scalar named with zero still counts as named (len(ScalarResources) in Go).
   */
  static boolean requestsNothing(Map<String, Long> want) {
    return want.keySet().stream()
        .allMatch(
            k ->
                (k.equals("cpu") || k.equals("memory") || k.equals("ephemeral-storage"))
                    && want.get(k) == 0);
  }

  /**
   * Σ containers, then max with each init container, plus overhead; a regular container's explicit
   * zero names its resource, an init container's does not.
   */
  static Map<String, Long> requests(Pod pod) {
    return sum(pod, true);
  }

  private static Map<String, Long> sum(Pod pod, boolean withInit) {
    Map<String, Long> sum = new TreeMap<>();
    for (Container c : pod.getSpec().getContainers()) {
      requestsOf(c).forEach((k, v) -> sum.merge(k, v, Long::sum));
    }
    for (Container c : withInit ? pod.getSpec().getInitContainers() : List.<Container>of()) {
      // SetMaxResource: an init container's amount is taken only above what is there (0 when the
      // name is absent), so its explicit zero names nothing.
      requestsOf(c)
          .forEach(
              (k, v) -> {
                if (v > sum.getOrDefault(k, 0L)) {
                  sum.put(k, v);
                }
              });
    }
    if (pod.getSpec().getOverhead() != null) {
      pod.getSpec().getOverhead().forEach((k, q) -> sum.merge(k, amount(k, q), Long::sum));
    }
    sum.keySet()
        .removeIf(
            k ->
                !k.equals("cpu")
                    && !k.equals("memory")
                    && !k.equals("ephemeral-storage")
                    && !ResourceNames.isScalarResourceName(k));
    return sum;
  }

  private static Map<String, Long> requestsOf(Container c) {
    Map<String, Long> m = new TreeMap<>();
    if (c.getResources() != null && c.getResources().getRequests() != null) {
      c.getResources().getRequests().forEach((k, q) -> m.put(k, amount(k, q)));
    }
    return m;
  }

  private static long amount(String name, Quantity q) {
    return "cpu".equals(name) ? Quantities.milliValue(q, name) : Quantities.value(q, name);
  }
}
