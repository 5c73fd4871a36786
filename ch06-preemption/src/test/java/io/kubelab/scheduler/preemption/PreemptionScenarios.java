package io.kubelab.scheduler.preemption;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget;
import io.kubelab.apimachinery.testing.Fixtures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.generators.Generate;

/**
 * Generated preemption scenarios: small, crowded clusters (1 to 6 nodes, up to 24 running pods of
 * mixed priorities, sizes, host ports and required anti-affinity), PodDisruptionBudgets, pods
 * nominated to nodes, and one preemptor. Every rule the preemptor meets here is monotone in the
 * pods on a node (resources, ports, taints, existing pods' anti-affinity, its own anti-affinity):
 * removing pods never makes it fit worse, which is what "every victim is needed" relies on.
 */
final class PreemptionScenarios {

  private PreemptionScenarios() {}

  static final List<Integer> PRIORITIES = List.of(-100, 0, 100, 1000);
  static final List<String> APPS = List.of("web", "db", "cache");

  record Scenario(
      List<Node> nodes,
      List<Pod> running,
      Map<String, List<Pod>> nominated,
      List<PodDisruptionBudget> pdbs,
      Pod preemptor) {
    @Override
    public String toString() {
      StringBuilder b = new StringBuilder("Scenario[");
      for (Node n : nodes) {
        b.append(n.getMetadata().getName())
            .append(n.getStatus().getAllocatable())
            .append(n.getSpec().getTaints().isEmpty() ? "" : " tainted")
            .append(' ');
      }
      for (Pod p : running) {
        b.append(describe(p)).append('@').append(p.getSpec().getNodeName()).append(' ');
      }
      b.append("nominated=").append(nominated.keySet());
      b.append(" pdbs=").append(pdbs.size());
      b.append(" preemptor=").append(describe(preemptor)).append(']');
      return b.toString();
    }
  }

  static String describe(Pod p) {
    return p.getMetadata().getName()
        + "(prio "
        + p.getSpec().getPriority()
        + ", "
        + p.getSpec().getContainers().get(0).getResources().getRequests()
        + ", "
        + p.getMetadata().getLabels()
        + (p.getSpec().getAffinity() == null ? "" : ", anti-affinity")
        + ")";
  }

  private static int between(RandomnessSource in, int lo, int hi) {
    return Generate.range(lo, hi).generate(in);
  }

  private static <T> T pick(RandomnessSource in, List<T> from) {
    return Generate.pick(from).generate(in);
  }

  private static boolean percent(RandomnessSource in, int p) {
    return between(in, 1, 100) <= p;
  }

  static Gen<Scenario> scenarios() {
    return in -> {
      int nodeCount = between(in, 1, 6);
      List<Node> nodes = new ArrayList<>();
      for (int i = 0; i < nodeCount; i++) {
        Fixtures.NodeFixture f =
            Fixtures.node("node-" + i)
                .allocatable(between(in, 1, 4) * 1000 + "m", between(in, 1, 4) + "Gi")
                .pods(pick(in, List.of(4, 8, 110)))
                .zone(pick(in, List.of("zone-a", "zone-b")));
        if (percent(in, 15)) {
          f.taint("dedicated", "infra", "NoSchedule");
        }
        nodes.add(f.build());
      }
      int podCount = between(in, 0, 24);
      List<Pod> running = new ArrayList<>();
      for (int i = 0; i < podCount; i++) {
        String node = "node-" + between(in, 0, nodeCount - 1);
        running.add(pod(in, "pod-" + i, node, true));
      }
      Map<String, List<Pod>> nominated = new LinkedHashMap<>();
      int nominatedCount = between(in, 0, 2);
      for (int i = 0; i < nominatedCount; i++) {
        String node = "node-" + between(in, 0, nodeCount - 1);
        nominated
            .computeIfAbsent(node, k -> new ArrayList<>())
            .add(pod(in, "nom-" + i, null, false));
      }
      List<PodDisruptionBudget> pdbs = new ArrayList<>();
      int pdbCount = between(in, 0, 2);
      for (int i = 0; i < pdbCount; i++) {
        pdbs.add(
            PdbViolationsTest.pdb(
                "default", Fixtures.matchLabels("app", pick(in, APPS)), between(in, 0, 1)));
      }
      Pod preemptor = pod(in, "preemptor", null, false);
      preemptor.getSpec().setPriority(pick(in, List.of(0, 100, 1000, 10000)));
      return new Scenario(nodes, running, nominated, pdbs, preemptor);
    };
  }

  private static Pod pod(RandomnessSource in, String name, String nodeName, boolean started) {
    Fixtures.PodFixture f =
        Fixtures.pod(name)
            .label("app", pick(in, APPS))
            .priority(pick(in, PRIORITIES))
            .requests(between(in, 1, 12) * 100 + "m", between(in, 1, 8) * 128 + "Mi");
    if (percent(in, 15)) {
      f.hostPort(pick(in, List.of(80, 8080)));
    }
    if (percent(in, 15)) {
      f.requiredPodAntiAffinity(
          Fixtures.affinityTerm(
              pick(in, List.of(Fixtures.LABEL_HOSTNAME, Fixtures.LABEL_ZONE)),
              Fixtures.matchLabels("app", pick(in, APPS))));
    }
    if (nodeName != null) {
      f.nodeName(nodeName);
    }
    Pod p = f.build();
    if (started && percent(in, 90)) {
      p.getStatus().setStartTime(String.format("2019-01-%02dT00:00:00Z", between(in, 1, 28)));
    }
    return p;
  }
}
