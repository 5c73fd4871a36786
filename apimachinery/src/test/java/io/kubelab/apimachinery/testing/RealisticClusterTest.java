package io.kubelab.apimachinery.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The realistic cluster is what it says: varied, consistent (nothing over-committed, nothing placed
 * where it could not run) and reproducible. The checks here are plain arithmetic over the
 * manifests, not the scheduler's code.
 */
class RealisticClusterTest {

  private static RealisticCluster cluster;

  @BeforeAll
  static void generate() {
    cluster = RealisticCluster.generate(600, 7);
  }

  @Test
  void theSameSeedGivesTheSameClusterAndAnotherSeedAnother() {
    RealisticCluster small = RealisticCluster.generate(40, 3);
    assertThat(RealisticCluster.generate(40, 3)).isEqualTo(small);
    assertThat(RealisticCluster.generate(40, 4).pods()).isNotEqualTo(small.pods());
    assertThat(small.nodes()).hasSize(40);
    assertThatThrownBy(() -> RealisticCluster.generate(19, 1))
        .hasMessageContaining("at least 20 nodes");
  }

  @Test
  void aboutEighteenPodsPerNodeEachItsOwnObject() {
    assertThat(cluster.pods().size())
        .isBetween(600 * RealisticCluster.PODS_PER_NODE, 600 * RealisticCluster.PODS_PER_NODE + 40);
    Map<PodSpec, Boolean> specs = new IdentityHashMap<>();
    Set<String> uids = new HashSet<>();
    Set<String> names = new HashSet<>();
    for (Pod p : cluster.pods()) {
      specs.put(p.getSpec(), true);
      uids.add(p.getMetadata().getUid());
      names.add(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName());
    }
    assertThat(specs).hasSize(cluster.pods().size());
    assertThat(uids).hasSize(cluster.pods().size());
    assertThat(names).hasSize(cluster.pods().size());
    // Workloads differ: many distinct request shapes, not one template.
    Set<String> shapes = new HashSet<>();
    for (Pod p : cluster.pods()) {
      shapes.add(String.valueOf(requestsOf(p.getSpec().getContainers().get(0))));
    }
    assertThat(shapes.size()).isGreaterThanOrEqualTo(10);
  }

  @Test
  void theMixHasEveryFeatureASchedulerTreatsDifferently() {
    Map<String, Integer> seen = new HashMap<>();
    for (Pod p : cluster.pods()) {
      PodSpec s = p.getSpec();
      count(seen, "init containers", !s.getInitContainers().isEmpty());
      count(seen, "sidecars", s.getContainers().size() > 1);
      count(seen, "best effort", requests(p).isEmpty());
      count(seen, "host ports", !ports(p).isEmpty());
      count(seen, "node selector", !s.getNodeSelector().isEmpty());
      count(
          seen,
          "node affinity",
          s.getAffinity() != null && s.getAffinity().getNodeAffinity() != null);
      count(
          seen,
          "pod affinity",
          s.getAffinity() != null && s.getAffinity().getPodAffinity() != null);
      count(
          seen,
          "required pod anti-affinity",
          s.getAffinity() != null
              && s.getAffinity().getPodAntiAffinity() != null
              && !s.getAffinity()
                  .getPodAntiAffinity()
                  .getRequiredDuringSchedulingIgnoredDuringExecution()
                  .isEmpty());
      count(seen, "spread constraints", !s.getTopologySpreadConstraints().isEmpty());
      count(seen, "tolerations", !s.getTolerations().isEmpty());
      count(
          seen, "pvc", s.getVolumes().stream().anyMatch(v -> v.getPersistentVolumeClaim() != null));
      count(
          seen, "gce pd", s.getVolumes().stream().anyMatch(v -> v.getGcePersistentDisk() != null));
      count(seen, "gpu", requests(p).containsKey(RealisticCluster.GPU));
      count(seen, "priority", s.getPriority() != null);
    }
    assertThat(seen).allSatisfy((feature, n) -> assertThat(n).as(feature).isPositive());
    assertThat(seen).hasSize(14);

    Map<String, Integer> nodes = new HashMap<>();
    Set<String> zones = new HashSet<>();
    for (Node n : cluster.nodes()) {
      zones.add(n.getMetadata().getLabels().get(Fixtures.LABEL_ZONE));
      count(nodes, "cordoned", Boolean.TRUE.equals(n.getSpec().getUnschedulable()));
      count(nodes, "tainted", !n.getSpec().getTaints().isEmpty());
      count(nodes, "gpu", n.getStatus().getAllocatable().containsKey(RealisticCluster.GPU));
      count(nodes, "images", n.getStatus().getImages().size() > 4);
    }
    assertThat(nodes).allSatisfy((feature, n) -> assertThat(n).as(feature).isPositive());
    assertThat(zones).containsExactlyInAnyOrderElementsOf(RealisticCluster.ZONES);
    assertThat(cluster.claims()).isNotEmpty();
    assertThat(cluster.volumes()).hasSize(cluster.claims().size() - 1);
    assertThat(cluster.services()).isNotEmpty();
  }

  @Test
  void noNodeIsOverCommittedAndEveryPodCouldRunWhereItIs() {
    Map<String, Node> byName = new HashMap<>();
    cluster.nodes().forEach(n -> byName.put(n.getMetadata().getName(), n));
    Map<String, List<Pod>> onNode = new HashMap<>();
    for (Pod p : cluster.pods()) {
      assertThat(byName).containsKey(p.getSpec().getNodeName());
      onNode.computeIfAbsent(p.getSpec().getNodeName(), k -> new ArrayList<>()).add(p);
    }
    for (Map.Entry<String, List<Pod>> e : onNode.entrySet()) {
      Node node = byName.get(e.getKey());
      Map<String, BigDecimal> used = new HashMap<>();
      Set<String> hostPorts = new HashSet<>();
      Map<String, Integer> antiApps = new HashMap<>();
      for (Pod p : e.getValue()) {
        requests(p).forEach((k, v) -> used.merge(k, v, BigDecimal::add));
        for (ContainerPort cp : ports(p)) {
          assertThat(hostPorts.add(cp.getProtocol() + "/" + cp.getHostPort()))
              .as("host port %s twice on %s", cp.getHostPort(), e.getKey())
              .isTrue();
        }
        if (p.getSpec().getAffinity() != null
            && p.getSpec().getAffinity().getPodAntiAffinity() != null
            && !p.getSpec()
                .getAffinity()
                .getPodAntiAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .isEmpty()) {
          antiApps.merge(p.getMetadata().getLabels().get("app"), 1, Integer::sum);
        }
        Map<String, String> labels = node.getMetadata().getLabels();
        p.getSpec()
            .getNodeSelector()
            .forEach(
                (k, v) -> assertThat(labels).as(p.getMetadata().getName()).containsEntry(k, v));
        for (Taint t : node.getSpec().getTaints()) {
          if (!t.getKey().startsWith("node.kubernetes.io/") && "NoSchedule".equals(t.getEffect())) {
            assertThat(tolerates(p.getSpec().getTolerations(), t))
                .as("%s on %s tolerates %s", p.getMetadata().getName(), e.getKey(), t.getKey())
                .isTrue();
          }
        }
      }
      assertThat(e.getValue().size()).isLessThanOrEqualTo(110);
      assertThat(antiApps).allSatisfy((app, n) -> assertThat(n).as(app).isEqualTo(1));
      Map<String, Quantity> alloc = node.getStatus().getAllocatable();
      used.forEach(
          (k, v) ->
              assertThat(v)
                  .as("%s on %s", k, e.getKey())
                  .isLessThanOrEqualTo(alloc.get(k).getNumericalAmount()));
    }
  }

  @Test
  void incomingPodsAreUnboundAndOneOfEachKind() {
    assertThat(cluster.incoming().keySet()).containsExactlyElementsOf(RealisticCluster.INCOMING);
    for (String kind : RealisticCluster.INCOMING) {
      Pod p = cluster.incoming(kind);
      assertThat(p.getSpec().getNodeName()).as(kind).isNull();
      assertThat(cluster.pods()).doesNotContain(p);
    }
    assertThat(cluster.incoming("gpu").getSpec().getTolerations()).isNotEmpty();
    assertThat(cluster.incoming("spread").getSpec().getTopologySpreadConstraints()).hasSize(1);
    assertThatThrownBy(() -> cluster.incoming("nope")).hasMessageContaining("INCOMING");
  }

  private static void count(Map<String, Integer> seen, String feature, boolean has) {
    seen.merge(feature, has ? 1 : 0, Integer::sum);
  }

  private static List<ContainerPort> ports(Pod p) {
    List<ContainerPort> out = new ArrayList<>();
    for (Container c : p.getSpec().getContainers()) {
      for (ContainerPort cp : c.getPorts()) {
        if (cp.getHostPort() != null && cp.getHostPort() > 0) {
          out.add(cp);
        }
      }
    }
    return out;
  }

  /** Σ containers, max with each init container: what the kubelet admits against. */
  private static Map<String, BigDecimal> requests(Pod p) {
    Map<String, BigDecimal> sum = new HashMap<>();
    for (Container c : p.getSpec().getContainers()) {
      requestsOf(c).forEach((k, q) -> sum.merge(k, q.getNumericalAmount(), BigDecimal::add));
    }
    for (Container c : p.getSpec().getInitContainers()) {
      requestsOf(c).forEach((k, q) -> sum.merge(k, q.getNumericalAmount(), BigDecimal::max));
    }
    return Collections.unmodifiableMap(sum);
  }

  private static Map<String, Quantity> requestsOf(Container c) {
    return c.getResources() == null ? Map.of() : c.getResources().getRequests();
  }

  private static boolean tolerates(List<Toleration> tolerations, Taint t) {
    Predicate<Toleration> ok =
        tol ->
            (tol.getKey() == null || tol.getKey().equals(t.getKey()))
                && (tol.getEffect() == null || tol.getEffect().equals(t.getEffect()))
                && ("Exists".equals(tol.getOperator()) || t.getValue().equals(tol.getValue()));
    return tolerations.stream().anyMatch(ok);
  }
}
