package io.kubelab.explain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The annotations of the golden run, checked key by key against kube-scheduler-simulator's shapes
 * (simulator/scheduler/plugin/resultstore/store.go): which keys, which JSON types, which sentinel
 * strings, and the numbers worked out by hand.
 *
 * <p>The cluster ({@code golden-cluster.yaml}): node-a and node-b have 4 CPUs and 8Gi, node-c 8
 * CPUs with a NoSchedule taint; batch-a (3 CPUs, 2Gi, priority 10) runs on node-a, batch-b (2 CPUs,
 * 2Gi, priority 10) on node-b. Pending in queue order: shop/api (3 CPUs, 1Gi, priority 1000),
 * shop/web (500m, 512Mi), shop/cache (node selector disk=ssd), shop/archive (disk=tape: no node).
 */
class SimulatorAnnotationsTest {

  static final String P = "kube-scheduler-simulator.sigs.k8s.io/";
  static Map<String, JsonNode> pods = new HashMap<>();

  @BeforeAll
  static void run() {
    JsonNode list =
        ExplainGoldenTest.JSON.readTree(
            ExplainOutput.json(ExplainGoldenTest.run(ExplainGoldenTest.profile("default-1.18"))));
    for (JsonNode pod : list.get("items")) {
      pods.put(pod.get("metadata").get("name").asString(), pod);
    }
  }

  static String annotation(String pod, String key) {
    return pods.get(pod).get("metadata").get("annotations").get(P + key).asString();
  }

  static JsonNode json(String pod, String key) {
    return ExplainGoldenTest.JSON.readTree(annotation(pod, key));
  }

  @Test
  void everyPodCarriesEverySimulatorKeyInTheSimulatorsOrder() {
    assertThat(pods).containsOnlyKeys("api", "web", "cache", "archive");
    for (JsonNode pod : pods.values()) {
      List<String> keys = pod.get("metadata").get("annotations").propertyNames().stream().toList();
      assertThat(keys.stream().filter(k -> k.startsWith(P)).toList())
          .containsExactlyElementsOf(SimulatorAnnotations.KEYS);
    }
  }

  @Test
  void preFilterResultIsAnEmptyMapBecauseV118HasNoPreFilterResult() {
    assertThat(annotation("web", "prefilter-result")).isEqualTo("{}");
    JsonNode status = json("web", "prefilter-result-status");
    assertThat(status.isObject()).isTrue();
    assertThat(status.propertyNames())
        .containsExactly("InterPodAffinity", "NodePorts", "NodeResourcesFit", "PodTopologySpread");
    status.values().forEach(v -> assertThat(v.asString()).isEqualTo("success"));
  }

  @Test
  void filterResultMapsNodeToPluginToPassedOrTheMessageAndStopsAtTheFirstFailure() {
    JsonNode f = json("archive", "filter-result");
    assertThat(f.propertyNames()).containsExactly("node-a", "node-b", "node-c");
    // archive's node selector (disk=tape) matches no node: NodeAffinity says so, and the plugins
    // after it in the profile's filter order never ran on that node.
    JsonNode a = f.get("node-a");
    assertThat(a.get("NodeUnschedulable").asString()).isEqualTo("passed");
    assertThat(a.get("NodeAffinity").asString()).isEqualTo("node(s) didn't match node selector");
    assertThat(a.has("TaintToleration")).isFalse();
    // node-c's taint is checked after NodeAffinity, so NodeAffinity's verdict is the one shown.
    assertThat(f.get("node-c").get("NodeAffinity").asString())
        .isEqualTo("node(s) didn't match node selector");
    // Key order is Go's json.Marshal of a map: sorted.
    assertThat(List.copyOf(a.propertyNames())).isSorted();
  }

  @Test
  void postFilterMarksTheNominatedNodeAndListsEveryRejectedNode() {
    // api did not fit (node-a: 3 of 4 CPUs used; node-b: 2 of 4; node-c tainted): preemption
    // chose node-b, where evicting batch-b frees enough.
    JsonNode post = json("api", "postfilter-result");
    assertThat(post.propertyNames()).containsExactly("node-a", "node-b", "node-c");
    assertThat(post.get("node-b").get("DefaultPreemption").asString())
        .isEqualTo("preemption victim");
    assertThat(post.get("node-a").isEmpty()).isTrue();
    assertThat(post.get("node-c").isEmpty()).isTrue();
    assertThat(
            pods.get("api")
                .get("metadata")
                .get("annotations")
                .get(ExplainOutput.VICTIMS)
                .asString())
        .isEqualTo("[\"jobs/batch-b\"]");
    // archive: every node is UnschedulableAndUnresolvable, preemption nominated none.
    json("archive", "postfilter-result").values().forEach(v -> assertThat(v.isEmpty()).isTrue());
    // web needed no preemption: preemption did not run.
    assertThat(annotation("web", "postfilter-result")).isEqualTo("{}");
  }

  @Test
  void scoresAreDecimalStringsAndFinalIsNormalisedTimesWeight() {
    JsonNode raw = json("web", "score-result");
    JsonNode fin = json("web", "finalscore-result");
    assertThat(raw.propertyNames()).containsExactly("node-a", "node-b");
    // web (500m, 512Mi) on node-a next to batch-a (3, 2Gi): 3.5 of 4 CPUs, 2.5 of 8Gi.
    //   LeastAllocated ((4-3.5)/4*100 = 12 + (8-2.5)/8*100 = 68) / 2 = 40
    //   BalancedAllocation (1 - |0.875 - 0.3125|) * 100 = 43
    assertThat(raw.get("node-a").get("NodeResourcesLeastAllocated").asString()).isEqualTo("40");
    assertThat(raw.get("node-a").get("NodeResourcesBalancedAllocation").asString()).isEqualTo("43");
    // NodePreferAvoidPods: 100 with weight 10000.
    assertThat(raw.get("node-a").get("NodePreferAvoidPods").asString()).isEqualTo("100");
    assertThat(fin.get("node-a").get("NodePreferAvoidPods").asString()).isEqualTo("1000000");
    // TaintToleration counts intolerable PreferNoSchedule taints (0) and normalises in reverse.
    assertThat(raw.get("node-a").get("TaintToleration").asString()).isEqualTo("0");
    assertThat(fin.get("node-a").get("TaintToleration").asString()).isEqualTo("100");
    raw.values().forEach(m -> m.values().forEach(v -> assertThat(v.isString()).isTrue()));
  }

  @Test
  void bindingCycleResultsAndSelectedNode() {
    assertThat(annotation("web", "bind-result")).isEqualTo("{\"DefaultBinder\":\"success\"}");
    assertThat(annotation("web", "reserve-result")).isEqualTo("{}");
    assertThat(annotation("web", "permit-result")).isEqualTo("{}");
    assertThat(annotation("web", "permit-result-timeout")).isEqualTo("{}");
    assertThat(annotation("web", "prebind-result")).isEqualTo("{}");
    for (String name : List.of("api", "web", "cache")) {
      assertThat(annotation(name, "selected-node"))
          .isEqualTo(pods.get(name).get("spec").get("nodeName").asString());
    }
    assertThat(annotation("archive", "selected-node")).isEmpty();
    assertThat(annotation("archive", "bind-result")).isEqualTo("{}");
  }

  @Test
  void anUnschedulablePodCarriesUpstreamsPodScheduledCondition() {
    JsonNode status = pods.get("archive").get("status");
    JsonNode c = status.get("conditions").get(0);
    assertThat(c.get("type").asString()).isEqualTo("PodScheduled");
    assertThat(c.get("status").asString()).isEqualTo("False");
    assertThat(c.get("reason").asString()).isEqualTo("Unschedulable");
    assertThat(c.get("message").asString())
        .isEqualTo("0/3 nodes are available: 3 node(s) didn't match node selector.");
    assertThat(pods.get("archive").get("spec").has("nodeName")).isFalse();

    JsonNode bound = pods.get("api").get("status");
    assertThat(bound.get("conditions").get(0).get("type").asString()).isEqualTo("PodScheduled");
    assertThat(bound.get("conditions").get(0).get("status").asString()).isEqualTo("True");
    assertThat(bound.get("nominatedNodeName").asString()).isEqualTo("node-b");
  }
}
