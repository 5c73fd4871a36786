package io.kubelab.scheduler.priorities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.AlgorithmConfig;
import io.kubelab.scheduler.algorithm.AlgorithmFactoryArgs;
import io.kubelab.scheduler.algorithm.AlgorithmProviders;
import io.kubelab.scheduler.algorithm.AlgorithmRegistry;
import io.kubelab.scheduler.algorithm.Configurator;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.algorithm.PriorityConfig;
import io.kubelab.scheduler.algorithm.PriorityMetadata;
import io.kubelab.scheduler.algorithm.policy.Policies;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every priority of this chapter, built as a Policy builds it, keeps its final scores in [0, 100]
 * over generated clusters: the map score when the priority has no reduce, the reduced score when it
 * has one. (NodeAffinity's raw sums can exceed 100 and InterPodAffinity's can be negative; that is
 * what their reduce is for.)
 */
class ScoreRangePropertyTest {

  static final String POLICY =
      """
      {"kind": "Policy", "apiVersion": "v1", "predicates": [],
       "priorities": [
         {"name": "LeastRequestedPriority", "weight": 1},
         {"name": "MostRequestedPriority", "weight": 1},
         {"name": "BalancedResourceAllocation", "weight": 1},
         {"name": "RequestedToCapacityRatioPriority", "weight": 1},
         {"name": "ResourceLimitsPriority", "weight": 1},
         {"name": "NodePreferAvoidPodsPriority", "weight": 10000},
         {"name": "NodeAffinityPriority", "weight": 1},
         {"name": "TaintTolerationPriority", "weight": 1},
         {"name": "ImageLocalityPriority", "weight": 1},
         {"name": "InterPodAffinityPriority", "weight": 1},
         {"name": "Zoned", "weight": 2,
          "argument": {"labelPreference": {"label": "topology.kubernetes.io/zone", "presence": true}}},
         {"name": "NotRank", "weight": 2,
          "argument": {"labelPreference": {"label": "rank", "presence": false}}},
         {"name": "BinPacking", "weight": 3,
          "argument": {"requestedToCapacityRatioArguments": {
            "shape": [{"utilization": 0, "score": 0}, {"utilization": 60, "score": 10},
                      {"utilization": 100, "score": 2}],
            "resources": [{"name": "cpu", "weight": 2}, {"name": "memory"},
                          {"name": "example.com/gpu", "weight": 5}]}}}
       ]}""";

  @Test
  void everyFinalScoreLiesBetweenZeroAndOneHundred() {
    Set<String> sawPositive = new HashSet<>();
    qt().withFixedSeed(0x5c0_4e10L)
        .withExamples(60)
        .withShrinkCycles(50)
        .forAll(ScoringGenerators.scenarios(1, 7, 0, 20))
        .checkAssert(
            s -> {
              Snapshot snapshot = Snapshot.of(s.bound(), s.nodes());
              AlgorithmRegistry registry = new AlgorithmRegistry();
              AlgorithmProviders.registerAll(registry);
              Priorities.registerAll(registry);
              Priorities.applyFeatureGates(registry, true);
              AlgorithmConfig config =
                  new Configurator(registry, AlgorithmFactoryArgs.of(snapshot))
                      .createFromConfig(Policies.parse(POLICY));
              assertThat(config.prioritizers()).hasSize(12);
              List<NodeInfo> nodes = snapshot.list();
              for (Pod pod : s.pending()) {
                PriorityMetadata meta =
                    config.priorityMetadataProducer().produce(pod, nodes, snapshot);
                for (PriorityConfig p : config.prioritizers()) {
                  NodeScoreList row =
                      new NodeScoreList(nodes.stream().map(NodeInfo::nodeName).toList());
                  for (int i = 0; i < nodes.size(); i++) {
                    row.setScore(i, p.map().map(pod, meta, nodes.get(i)));
                  }
                  if (p.reduce() != null) {
                    p.reduce().reduce(pod, meta, snapshot, row);
                  }
                  for (int i = 0; i < row.size(); i++) {
                    assertThat(row.score(i))
                        .as("%s of %s on %s", p.name(), pod.getMetadata().getName(), row.name(i))
                        .isBetween(0L, 100L);
                    if (row.score(i) > 0 && row.score(i) < 100) {
                      sawPositive.add(p.name());
                    }
                  }
                }
              }
            });
    // Not a vacuous range check: every priority with a continuous scale scored in between.
    assertThat(sawPositive)
        .contains(
            "LeastRequestedPriority",
            "MostRequestedPriority",
            "BalancedResourceAllocation",
            "RequestedToCapacityRatioPriority",
            "RequestedToCapacityRatio",
            "NodeAffinityPriority",
            "TaintTolerationPriority",
            "ImageLocalityPriority",
            "InterPodAffinityPriority",
            "NodeLabel");
  }
}
