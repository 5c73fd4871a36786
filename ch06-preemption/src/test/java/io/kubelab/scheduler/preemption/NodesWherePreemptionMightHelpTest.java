package io.kubelab.scheduler.preemption;

import static io.kubelab.scheduler.predicates.PredicateErrors.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.FitError;
import io.kubelab.scheduler.algorithm.PredicateFailureReason;
import io.kubelab.scheduler.algorithm.PredicateFailureReason.InsufficientResourceError;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Upstream's {@code TestNodesWherePreemptionMightHelp} (v1.17) on four nodes, machine1 to machine4;
 * a node the FitError does not mention is always a candidate. Upstream's two cases about framework
 * filter statuses ({@code UnschedulableAndUnresolvable}) have no counterpart before the framework
 * (ch08).
 */
class NodesWherePreemptionMightHelpTest {

  record Case(String name, Map<String, List<PredicateFailureReason>> failed, Set<String> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static InsufficientResourceError memory(long requested, long used, long capacity) {
    return new InsufficientResourceError("memory", requested, used, capacity);
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "No node should be attempted",
            Map.of(
                "machine1", List.of(ERR_NODE_SELECTOR_NOT_MATCH),
                "machine2", List.of(ERR_POD_NOT_MATCH_HOST_NAME),
                "machine3", List.of(ERR_TAINTS_TOLERATIONS_NOT_MATCH),
                "machine4", List.of(ERR_NODE_LABEL_PRESENCE_VIOLATED)),
            Set.of()),
        new Case(
            "ErrPodAffinityNotMatch should be tried as it indicates that the pod is unschedulable"
                + " due to inter-pod affinity or anti-affinity",
            Map.of(
                "machine1", List.of(ERR_POD_AFFINITY_NOT_MATCH),
                "machine2", List.of(ERR_POD_NOT_MATCH_HOST_NAME),
                "machine3", List.of(ERR_NODE_UNSCHEDULABLE)),
            Set.of("machine1", "machine4")),
        new Case(
            "pod with both pod affinity and anti-affinity should be tried",
            Map.of(
                "machine1", List.of(ERR_POD_AFFINITY_NOT_MATCH),
                "machine2", List.of(ERR_POD_NOT_MATCH_HOST_NAME)),
            Set.of("machine1", "machine3", "machine4")),
        new Case(
            "ErrPodAffinityRulesNotMatch should not be tried as it indicates that the pod is"
                + " unschedulable due to inter-pod affinity, but ErrPodAffinityNotMatch should be"
                + " tried as it indicates that the pod is unschedulable due to inter-pod affinity"
                + " or anti-affinity",
            Map.of(
                "machine1", List.of(ERR_POD_AFFINITY_RULES_NOT_MATCH),
                "machine2", List.of(ERR_POD_AFFINITY_NOT_MATCH)),
            Set.of("machine2", "machine3", "machine4")),
        new Case(
            "Mix of failed predicates works fine",
            Map.of(
                "machine1",
                    List.of(
                        ERR_NODE_SELECTOR_NOT_MATCH,
                        ERR_NODE_UNDER_DISK_PRESSURE,
                        memory(1000, 500, 300)),
                "machine2", List.of(ERR_POD_NOT_MATCH_HOST_NAME, ERR_DISK_CONFLICT),
                "machine3", List.of(memory(1000, 600, 400)),
                "machine4", List.of()),
            Set.of("machine3", "machine4")),
        new Case(
            "Node condition errors should be considered unresolvable",
            Map.of(
                "machine1", List.of(ERR_NODE_UNDER_DISK_PRESSURE),
                "machine2", List.of(ERR_NODE_UNDER_PID_PRESSURE),
                "machine3", List.of(ERR_NODE_UNDER_MEMORY_PRESSURE)),
            Set.of("machine4")),
        new Case(
            "Node condition errors and ErrNodeUnknownCondition should be considered unresolvable",
            Map.of(
                "machine1", List.of(ERR_NODE_NOT_READY),
                "machine2", List.of(ERR_NODE_NETWORK_UNAVAILABLE),
                "machine3", List.of(ERR_NODE_UNKNOWN_CONDITION)),
            Set.of("machine4")),
        new Case(
            "ErrVolume... errors should not be tried as it indicates that the pod is unschedulable"
                + " due to no matching volumes for pod on node",
            Map.of(
                "machine1", List.of(ERR_VOLUME_ZONE_CONFLICT),
                "machine2", List.of(ERR_VOLUME_NODE_CONFLICT),
                "machine3", List.of(ERR_VOLUME_BIND_CONFLICT)),
            Set.of("machine4")),
        new Case(
            "ErrTopologySpreadConstraintsNotMatch should be tried as it indicates that the pod is"
                + " unschedulable due to topology spread constraints",
            Map.of(
                "machine1", List.of(ERR_TOPOLOGY_SPREAD_CONSTRAINTS_NOT_MATCH),
                "machine2", List.of(ERR_POD_NOT_MATCH_HOST_NAME),
                "machine3", List.of(ERR_TOPOLOGY_SPREAD_CONSTRAINTS_NOT_MATCH)),
            Set.of("machine1", "machine3", "machine4")),
        new Case(
            "An extender's message is resolvable",
            Map.of(
                "machine1",
                    List.of(new PredicateFailureReason.FailureReason("FakeExtender failed")),
                "machine2", List.of(ERR_EXISTING_PODS_ANTI_AFFINITY_RULES_NOT_MATCH),
                "machine3",
                    List.of(ERR_POD_ANTI_AFFINITY_RULES_NOT_MATCH, ERR_MAX_VOLUME_COUNT_EXCEEDED)),
            Set.of("machine1", "machine2", "machine3", "machine4")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void candidatesAreUpstreams(Case tc) {
    List<Node> nodes =
        Stream.of("machine1", "machine2", "machine3", "machine4")
            .map(n -> Fixtures.node(n).build())
            .toList();
    List<NodeInfo> infos = Snapshot.of(List.of(), nodes).list();
    Pod pod = Fixtures.pod("p").build();
    List<Node> candidates =
        Eligibility.nodesWherePreemptionMightHelp(infos, new FitError(pod, 4, tc.failed()));
    assertThat(candidates.stream().map(n -> n.getMetadata().getName()).collect(Collectors.toSet()))
        .isEqualTo(tc.expected());
  }
}
