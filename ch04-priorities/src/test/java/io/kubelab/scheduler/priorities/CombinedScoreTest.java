package io.kubelab.scheduler.priorities;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.AlgorithmConfig;
import io.kubelab.scheduler.algorithm.AlgorithmFactoryArgs;
import io.kubelab.scheduler.algorithm.AlgorithmProviders;
import io.kubelab.scheduler.algorithm.AlgorithmRegistry;
import io.kubelab.scheduler.algorithm.Configurator;
import io.kubelab.scheduler.algorithm.GenericScheduler;
import io.kubelab.scheduler.algorithm.policy.Policies;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the weighted priorities add up: the chapter's worked examples, end to end through ch02. */
class CombinedScoreTest {

  private static final String DEFAULT_PRIORITIES =
      """
      {"kind": "Policy", "apiVersion": "v1", "predicates": [],
       "priorities": [
         {"name": "InterPodAffinityPriority", "weight": 1},
         {"name": "LeastRequestedPriority", "weight": 1},
         {"name": "BalancedResourceAllocation", "weight": 1},
         {"name": "NodePreferAvoidPodsPriority", "weight": 10000},
         {"name": "NodeAffinityPriority", "weight": 1},
         {"name": "TaintTolerationPriority", "weight": 1},
         {"name": "ImageLocalityPriority", "weight": 1}
       ]}""";

  private static Map<String, Long> totals(Pod pod, List<Pod> pods, List<Node> nodes) {
    Snapshot snapshot = Snapshot.of(pods, nodes);
    AlgorithmRegistry registry = new AlgorithmRegistry();
    AlgorithmProviders.registerAll(registry);
    Priorities.registerAll(registry);
    AlgorithmConfig config =
        new Configurator(registry, AlgorithmFactoryArgs.of(snapshot))
            .createFromConfig(Policies.parse(DEFAULT_PRIORITIES));
    try (SchedulerCache cache = new SchedulerCache(new FakeClock());
        GenericScheduler scheduler =
            GenericScheduler.builder(cache, snapshot).algorithm(config).build()) {
      return TestSupport.scores(
          scheduler.prioritizeNodes(
              pod,
              config.priorityMetadataProducer().produce(pod, snapshot.list(), snapshot),
              snapshot.list()));
    }
  }

  private static Node node(String name) {
    return Fixtures.node(name).allocatable("4", "8Gi").build();
  }

  @Test
  void theDemosIngressPrefersTheEmptyNode() {
    // zone-b-1 runs a 2 CPU / 2Gi batch job; the ingress asks 500m and 256Mi.
    //   zone-c-1: LeastRequested 91 + Balanced 90 + PreferAvoid 100 x 10000
    //             + NodeAffinity 0 + TaintToleration 100 + ImageLocality 0 + InterPodAffinity 0
    //   zone-b-1: 54 + 65 + 1000000 + 0 + 100 + 0 + 0
    Pod batch = Fixtures.pod("batch-old").requests("2", "2Gi").nodeName("zone-b-1").build();
    Pod ingress = Fixtures.pod("ingress-b").requests("500m", "256Mi").build();
    assertThat(totals(ingress, List.of(batch), List.of(node("zone-b-1"), node("zone-c-1"))))
        .isEqualTo(Map.of("zone-b-1", 1_000_219L, "zone-c-1", 1_000_281L));
  }

  @Test
  void aNodeThatAsksToBeAvoidedLosesWhateverTheOthersSay() {
    // The empty node asks pods of ReplicaSet web to stay away: 0 x 10000 can never be made up by
    // the six other priorities, at most 600 together.
    Pod pod = Fixtures.pod("web-1").requests("500m", "256Mi").ownedByReplicaSet("web").build();
    Node avoiding = node("empty");
    avoiding
        .getMetadata()
        .setAnnotations(
            Map.of(
                NodePreferAvoidPods.PREFER_AVOID_PODS_ANNOTATION_KEY,
                "{\"preferAvoidPods\": [{\"podSignature\": {\"podController\": {\"kind\":"
                    + " \"ReplicaSet\", \"uid\": \""
                    + pod.getMetadata().getOwnerReferences().get(0).getUid()
                    + "\"}}}]}"));
    Pod big = Fixtures.pod("big").requests("3500m", "7Gi").nodeName("busy").build();
    Map<String, Long> t = totals(pod, List.of(big), List.of(avoiding, node("busy")));
    assertThat(t.get("busy")).isGreaterThan(1_000_000L);
    assertThat(t.get("empty")).isLessThan(1000L);
  }
}
