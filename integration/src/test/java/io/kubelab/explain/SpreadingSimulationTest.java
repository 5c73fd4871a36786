package io.kubelab.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelab.apimachinery.manifest.Manifests;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The simulation reads Services and controllers from its input, so the Policy's
 * SelectorSpreadPriority (run as v1.18 runs it, as the DefaultPodTopologySpread plugin) spreads a
 * workload's replicas over zones. Two big nodes in zone-a, one small node in zone-b: resource
 * priorities alone keep both replicas in zone-a, the workload's Service or ReplicaSet sends the
 * second one to zone-b.
 */
class SpreadingSimulationTest {

  static final String POLICY =
      """
      {"kind": "Policy", "apiVersion": "v1",
       "predicates": [{"name": "GeneralPredicates"}],
       "priorities": [
         {"name": "SelectorSpreadPriority", "weight": 1},
         {"name": "LeastRequestedPriority", "weight": 1},
         {"name": "BalancedResourceAllocation", "weight": 1}]}""";

  static final String NODES =
      """
      apiVersion: v1
      kind: List
      items:
      - apiVersion: v1
        kind: Node
        metadata: {name: a-1, labels: {topology.kubernetes.io/zone: zone-a}}
        status: {allocatable: {cpu: "16", memory: 32Gi, pods: "110"}}
      - apiVersion: v1
        kind: Node
        metadata: {name: a-2, labels: {topology.kubernetes.io/zone: zone-a}}
        status: {allocatable: {cpu: "16", memory: 32Gi, pods: "110"}}
      - apiVersion: v1
        kind: Node
        metadata: {name: b-1, labels: {topology.kubernetes.io/zone: zone-b}}
        status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}
      """;

  static String pod(String name) {
    return """
        - apiVersion: v1
          kind: Pod
          metadata: {name: %s, namespace: shop, labels: {app: web}}
          spec:
            containers:
            - {name: c, image: nginx, resources: {requests: {cpu: 500m, memory: 512Mi}}}
        """
        .formatted(name);
  }

  static final String SERVICE =
      """
      - apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec: {selector: {app: web}, ports: [{port: 80}]}
      """;

  static final String REPLICA_SET =
      """
      - apiVersion: apps/v1
        kind: ReplicaSet
        metadata: {name: web-5d8f, namespace: shop}
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: c, image: nginx}]}
      """;

  static List<String> nodesOf(String extra) {
    String yaml = NODES + pod("web-1") + pod("web-2") + extra;
    try (FrameworkSimulation sim =
        new FrameworkSimulation(
            Manifests.parse(yaml, "test.yaml"), SchedulerProfile.policy("spread", POLICY), 1)) {
      return sim.run().stream().map(PodResult::node).toList();
    }
  }

  @Test
  void withoutAnythingSelectingThePodsBothReplicasStayInTheBigZone() {
    assertThat(nodesOf("")).containsExactlyInAnyOrder("a-1", "a-2");
  }

  @Test
  void aServiceSendsTheSecondReplicaToTheOtherZone() {
    assertThat(nodesOf(SERVICE)).hasSize(2).contains("b-1").anyMatch(n -> n.startsWith("a-"));
  }

  @Test
  void aReplicaSetFromTheManifestDoesTheSame() {
    assertThat(nodesOf(REPLICA_SET)).hasSize(2).contains("b-1").anyMatch(n -> n.startsWith("a-"));
  }

  @Test
  void aReplicaSetWithAMalformedSelectorIsAnErrorNamingIt() {
    String bad =
        REPLICA_SET.replace(
            "{matchLabels: {app: web}}", "{matchExpressions: [{key: app, operator: In}]}");
    assertThatThrownBy(() -> nodesOf(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ReplicaSet shop/web-5d8f: spec.selector.matchExpressions[0]");
  }
}
