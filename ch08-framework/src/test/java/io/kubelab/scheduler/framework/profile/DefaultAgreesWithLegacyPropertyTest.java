package io.kubelab.scheduler.framework.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.apimachinery.testing.Generators;
import io.kubelab.scheduler.algorithm.AlgorithmConfig;
import io.kubelab.scheduler.algorithm.GenericScheduler;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.algorithm.PredicateMetadata;
import io.kubelab.scheduler.algorithm.PriorityMetadata;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.framework.core.FrameworkGenericScheduler;
import io.kubelab.scheduler.spread.InMemoryListers;
import io.kubelab.scheduler.spread.SpreadListers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The key property of the chapter: for generated clusters and pods, the {@value
 * Profiles#DEFAULT_118} framework profile and the {@value Profiles#LEGACY_117} predicates and
 * priorities agree on which nodes are feasible and on every feasible node's total score.
 *
 * <p>Where v1.18's defaults differ from v1.17's the inputs are made equal: the pods have no init
 * containers, whose requests v1.18's resource scores count and v1.17's do not. Everything else the
 * generators draw (requests, overhead, host ports, selectors, required and preferred node and pod
 * affinity, taints and tolerations, unschedulable nodes, images, owner references, zones and
 * regions) is scored by both. The outside world is the same for both: in every namespace a
 * ReplicaSet selecting the pods that have an {@code app} label and a Service selecting {@code
 * tier=db}, so that SelectorSpreadPriority and DefaultPodTopologySpread spread pods over nodes and
 * zones. The generated pods carry no volumes and no topology spread constraints: the volume plugins
 * pass every node on both sides, and PodTopologySpread (v1.18 only) scores every node 0. Each
 * pending pod is then placed on a feasible node, so later pods meet earlier ones; half the clusters
 * start empty, with every generated pod placed in turn.
 */
class DefaultAgreesWithLegacyPropertyTest {

  @Test
  void feasibleNodesAndTotalScoresAgree() {
    int[] seen = new int[4];
    qt().withFixedSeed(0x118_117L)
        .withExamples(120)
        .withShrinkCycles(20)
        .forAll(Generators.clusters(2, 8, 4, 24))
        .checkAssert(c -> check(c, seen));
    System.out.println(
        "default-1.18 vs legacy-1.17: pods "
            + seen[0]
            + ", infeasible (pod, node) pairs "
            + seen[1]
            + ", pods scored on 2+ nodes "
            + seen[2]
            + ", of them spread by a selector "
            + seen[3]);
    assertThat(seen[1]).isGreaterThan(50);
    assertThat(seen[2]).isGreaterThan(100);
    assertThat(seen[3]).isGreaterThan(10);
  }

  private static void check(Generators.Cluster c, int[] seen) {
    Snapshot legacySnapshot = new Snapshot();
    Snapshot frameworkSnapshot = new Snapshot();
    SpreadListers listers = services();
    AlgorithmConfig legacy =
        Profiles.legacy117(legacySnapshot, Map.of(SpreadListers.class, listers));
    try (SchedulerCache cache = new SchedulerCache(new FakeClock());
        Parallelizer par = new Parallelizer("agreement", 2);
        GenericScheduler legacyScheduler =
            GenericScheduler.builder(cache, legacySnapshot)
                .algorithm(legacy)
                .random(new Random(1))
                .parallelism(1)
                .build()) {
      FrameworkImpl fwk =
          Profiles.newMap(
                  Profiles.default118(),
                  () ->
                      FrameworkImpl.builder(Profiles.registry())
                          .snapshot(frameworkSnapshot)
                          .clock(new FakeClock())
                          .component(SpreadListers.class, listers)
                          .parallelizer(par))
              .get("default-scheduler");
      FrameworkGenericScheduler fs =
          new FrameworkGenericScheduler(cache, frameworkSnapshot, par, null, 100, new Random(1));
      c.nodes().forEach(cache::addNode);
      // Half the clusters start empty and every pod is placed in turn: more pods meet a choice.
      boolean fromScratch = c.nodes().size() % 2 == 0;
      List<Pod> queue = new ArrayList<>();
      for (Pod p : c.pods()) {
        if (fromScratch || p.getSpec().getNodeName() == null) {
          queue.add(new PodBuilder(p).editSpec().withNodeName(null).endSpec().build());
        } else {
          cache.addPod(p);
        }
      }
      for (Pod generated : queue) {
        Pod pod =
            new PodBuilder(generated).editSpec().withInitContainers(List.of()).endSpec().build();
        cache.updateSnapshot(legacySnapshot);
        cache.updateSnapshot(frameworkSnapshot);
        seen[0]++;

        PredicateMetadata pm = legacy.predicateMetadataProducer().produce(pod, legacySnapshot);
        List<NodeInfo> legacyFeasible = new ArrayList<>();
        for (NodeInfo ni : legacySnapshot.list()) {
          if (legacyScheduler.podFitsOnNode(pod, pm, ni).fits()) {
            legacyFeasible.add(ni);
          }
        }
        CycleState state = new CycleState();
        Status pre = fwk.runPreFilterPlugins(state, pod);
        assertThat(pre).as("prefilter of %s", name(pod)).isEqualTo(Status.SUCCESS);
        List<Node> frameworkFeasible = new ArrayList<>();
        for (NodeInfo ni : frameworkSnapshot.list()) {
          Status s = fs.podPassesFiltersOnNode(fwk, state, pod, ni);
          if (s.isSuccess()) {
            frameworkFeasible.add(ni.node());
          }
        }
        assertThat(frameworkFeasible.stream().map(n -> n.getMetadata().getName()).toList())
            .as("feasible nodes of %s", name(pod))
            .isEqualTo(legacyFeasible.stream().map(NodeInfo::nodeName).toList());
        seen[1] += legacySnapshot.numNodes() - legacyFeasible.size();
        if (legacyFeasible.isEmpty()) {
          continue;
        }

        PriorityMetadata prm =
            legacy.priorityMetadataProducer().produce(pod, legacyFeasible, legacySnapshot);
        NodeScoreList legacyTotals = legacyScheduler.prioritizeNodes(pod, prm, legacyFeasible);
        assertThat(fwk.runPreScorePlugins(state, pod, frameworkFeasible)).isEqualTo(Status.SUCCESS);
        Map<String, NodeScoreList> perPlugin = fwk.runScorePlugins(state, pod, frameworkFeasible);
        Map<String, Long> frameworkTotals = new TreeMap<>();
        Map<String, Long> legacyTotalsByNode = new TreeMap<>();
        for (int i = 0; i < frameworkFeasible.size(); i++) {
          long sum = 0;
          for (NodeScoreList l : perPlugin.values()) {
            sum += l.score(i);
          }
          frameworkTotals.put(frameworkFeasible.get(i).getMetadata().getName(), sum);
          legacyTotalsByNode.put(legacyTotals.name(i), legacyTotals.score(i));
        }
        assertThat(frameworkTotals)
            .as("total scores of %s (per plugin: %s)", name(pod), perPlugin)
            .isEqualTo(legacyTotalsByNode);
        if (legacyFeasible.size() > 1) {
          seen[2]++;
          long[] spread = perPlugin.get("DefaultPodTopologySpread").scores();
          if (java.util.Arrays.stream(spread).distinct().count() > 1) {
            seen[3]++;
          }
        }
        // Place it on the first feasible node so later pods see it.
        cache.addPod(
            new PodBuilder(pod)
                .editSpec()
                .withNodeName(legacyFeasible.get(0).nodeName())
                .endSpec()
                .build());
      }
    }
  }

  /** Services in each generated namespace, over the generators' labels. */
  private static SpreadListers services() {
    InMemoryListers l = new InMemoryListers();
    for (String ns : Generators.NAMESPACES) {
      l.add(service(ns, "db", Map.of("tier", "db")));
      l.add(
          new ReplicaSetBuilder()
              .withNewMetadata()
              .withNamespace(ns)
              .withName("apps")
              .endMetadata()
              .withNewSpec()
              .withSelector(Fixtures.matchExpressions(Fixtures.labelExpr("app", "Exists")))
              .endSpec()
              .build());
    }
    return l.spreadListers();
  }

  private static Service service(String ns, String name, Map<String, String> selector) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withSelector(selector)
        .endSpec()
        .build();
  }

  private static String name(Pod p) {
    return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
  }
}
