package io.kubelab.scheduler.priorities;

import static io.kubelab.scheduler.priorities.TestSupport.expect;
import static io.kubelab.scheduler.priorities.TestSupport.makeNode;
import static io.kubelab.scheduler.priorities.TestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.policy.Policy;
import io.kubelab.scheduler.priorities.RequestedToCapacityRatio.FunctionShape;
import java.util.List;
import java.util.Map;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Upstream's {@code requested_to_capacity_ratio_test.go}: the shape's validation messages, the
 * broken-linear function, the default shape, and the bin-packing cases on extended resources.
 */
class RequestedToCapacityRatioTest {

  @Test
  void aShapeNeedsAtLeastOnePoint() {
    assertThatThrownBy(() -> new FunctionShape(List.of()))
        .hasMessage("at least one point must be specified");
  }

  @Test
  void resourceWeightsMustBeAtLeastOneAndPresent() {
    assertThatThrownBy(
            () ->
                RequestedToCapacityRatio.validateResourceWeightMap(
                    ResourceToWeightMap.of(Map.of("cpu", -1L))))
        .hasMessage("resource cpu weight -1 must not be less than 1");
    assertThatThrownBy(
            () ->
                RequestedToCapacityRatio.validateResourceWeightMap(
                    ResourceToWeightMap.of(Map.of())))
        .hasMessage("resourceToWeightMap cannot be nil");
  }

  @Test
  void utilizationsMustIncreaseStrictly() {
    assertThatThrownBy(() -> FunctionShape.of(10, 1, 15, 2, 20, 3, 19, 4, 25, 5))
        .hasMessage("utilization values must be sorted. Utilization[2]==20 >= Utilization[3]==19");
    assertThatThrownBy(() -> FunctionShape.of(10, 1, 20, 2, 20, 3, 22, 4, 25, 5))
        .hasMessage("utilization values must be sorted. Utilization[1]==20 >= Utilization[2]==20");
  }

  @Test
  void pointsMustLieInTheAllowedRange() {
    assertThatThrownBy(() -> FunctionShape.of(-1, 0, 100, 100))
        .hasMessage("utilization values must not be less than 0. Utilization[0]==-1");
    assertThatThrownBy(() -> FunctionShape.of(0, 0, 101, 100))
        .hasMessage("utilization values must not be greater than 100. Utilization[1]==101");
    assertThatThrownBy(() -> FunctionShape.of(0, -1, 100, 100))
        .hasMessage("score values must not be less than 0. Score[0]==-1");
    // Upstream's message has the typo; we keep its words.
    assertThatThrownBy(() -> FunctionShape.of(0, 0, 100, 101))
        .hasMessage("score valuses not be greater than 100. Score[1]==101");
  }

  private static void assertFunction(FunctionShape shape, long[][] pointsAndExpected) {
    LongUnaryOperator f = RequestedToCapacityRatio.buildBrokenLinearFunction(shape);
    for (long[] pe : pointsAndExpected) {
      assertThat(f.applyAsLong(pe[0])).as("f(%d) for %s", pe[0], shape).isEqualTo(pe[1]);
    }
  }

  @Test
  void theBrokenLinearFunctionHoldsTheEndsAndInterpolatesInIntegers() {
    assertFunction(
        FunctionShape.of(10, 1, 90, 9),
        new long[][] {
          {-10, 1}, {0, 1}, {9, 1}, {10, 1}, {15, 1}, {19, 1}, {20, 2}, {89, 8}, {90, 9}, {99, 9},
          {100, 9}, {110, 9}
        });
    assertFunction(
        FunctionShape.of(0, 2, 40, 10, 100, 0),
        new long[][] {{-10, 2}, {0, 2}, {20, 6}, {30, 8}, {40, 10}, {70, 5}, {100, 0}, {110, 0}});
    assertFunction(
        FunctionShape.of(0, 2, 40, 2, 100, 2),
        new long[][] {{-10, 2}, {0, 2}, {20, 2}, {30, 2}, {40, 2}, {70, 2}, {100, 2}, {110, 2}});
  }

  private static Pod used(String node, long cpu, long mem) {
    return UpstreamPods.requesting(node, cpu, mem);
  }

  private static Map<String, Long> defaultShape(Pod pod, List<Pod> pods, List<Node> nodes) {
    return run(
        RequestedToCapacityRatio.requestedToCapacityRatioResourceAllocationPriorityDefault(),
        null,
        null,
        pod,
        pods,
        nodes);
  }

  @Test
  void theDefaultShapeFavoursIdleNodes() {
    List<Node> same = List.of(makeNode("node1", 4000, 10000), makeNode("node2", 4000, 10000));
    assertThat(
            defaultShape(used(null, 0, 0), List.of(used("node1", 0, 0), used("node2", 0, 0)), same))
        .isEqualTo(expect("node1", 100, "node2", 100));
    // node1: cpu utilization 75 -> 25, memory 50 -> 50: round(37.5) = 38; node2: 50 and 50
    List<Node> sized = List.of(makeNode("node1", 4000, 10000), makeNode("node2", 6000, 10000));
    assertThat(
            defaultShape(
                used(null, 3000, 5000), List.of(used("node1", 0, 0), used("node2", 0, 0)), sized))
        .isEqualTo(expect("node1", 38, "node2", 50));
    assertThat(
            defaultShape(
                used(null, 0, 0),
                List.of(used("node1", 3000, 5000), used("node2", 3000, 5000)),
                sized))
        .isEqualTo(expect("node1", 38, "node2", 50));
  }

  private static Node extended(String name, Map<String, String> scalars) {
    Fixtures.NodeFixture f = Fixtures.node(name).allocatable("4000m", String.valueOf(10000L << 20));
    scalars.forEach(f::scalar);
    return f.build();
  }

  private static Pod extendedPod(String node, Map<String, String> requests) {
    Fixtures.PodFixture f = Fixtures.pod("x" + requests.hashCode() + node);
    if (node != null) {
      f.nodeName(node);
    }
    requests.forEach(f::request);
    return f.build();
  }

  private static final FunctionShape BIN_PACKING = FunctionShape.of(0, 0, 100, 10);

  /**
   * Bin packing on {@code resource} alone, with a pod that asks 2 units of it on nodes of 8 and 4:
   * the node side is what its pods request, and the pod's request is added to it.
   */
  private static void assertBinPacksOn(String resource, String two, String four, String eight) {
    ResourceAllocationPriority p =
        RequestedToCapacityRatio.requestedToCapacityRatioResourceAllocationPriority(
            BIN_PACKING, ResourceToWeightMap.of(Map.of(resource, 1L)));
    List<Node> nodes =
        List.of(
            extended("machine1", Map.of(resource, eight)),
            extended("machine2", Map.of(resource, four)));
    Pod pod = extendedPod(null, Map.of(resource, two));
    // 2 of 8 -> utilization 25 -> 2; 2 of 4 -> 50 -> 5
    assertThat(run(p, null, null, pod, List.of(), nodes))
        .isEqualTo(expect("machine1", 2, "machine2", 5));
    // machine2 already runs 2: 4 of 4 -> 100 -> 10
    assertThat(
            run(p, null, null, pod, List.of(extendedPod("machine2", Map.of(resource, two))), nodes))
        .isEqualTo(expect("machine1", 2, "machine2", 10));
  }

  @Test
  void binPackingOnOneExtendedResource() {
    assertBinPacksOn("intel.com/foo", "2", "4", "8");
    ResourceAllocationPriority p =
        RequestedToCapacityRatio.requestedToCapacityRatioResourceAllocationPriority(
            BIN_PACKING, ResourceToWeightMap.of(Map.of("intel.com/foo", 1L)));
    List<Node> nodes =
        List.of(
            extended("machine1", Map.of("intel.com/foo", "8")),
            extended("machine2", Map.of("intel.com/foo", "4")));
    List<Pod> idle = List.of(Fixtures.pod("idle").noContainers().nodeName("machine1").build());
    assertThat(run(p, null, null, Fixtures.pod("none").noContainers().build(), idle, nodes))
        .isEqualTo(expect("machine1", 0, "machine2", 0));
    assertThat(run(p, null, null, extendedPod(null, Map.of("intel.com/foo", "4")), idle, nodes))
        .isEqualTo(expect("machine1", 5, "machine2", 10));
  }

  @Test
  void binPackingOnEphemeralStorageAddsThePodToWhatTheNodesPodsRequest() {
    // `extended` sets any resource's capacity, ephemeral storage too (not an extended resource).
    assertBinPacksOn("ephemeral-storage", "2Gi", "4Gi", "8Gi");
  }

  @Test
  void binPackingOnTwoWeightedExtendedResources() {
    ResourceAllocationPriority p =
        RequestedToCapacityRatio.requestedToCapacityRatioResourceAllocationPriority(
            BIN_PACKING, ResourceToWeightMap.of(Map.of("intel.com/foo", 3L, "intel.com/bar", 5L)));
    List<Node> nodes =
        List.of(
            extended("machine1", Map.of("intel.com/foo", "8", "intel.com/bar", "4")),
            extended("machine2", Map.of("intel.com/foo", "4", "intel.com/bar", "8")));
    List<Pod> idle = List.of(Fixtures.pod("idle").noContainers().nodeName("machine1").build());
    Pod none = Fixtures.pod("none").noContainers().build();
    Pod twoTwo = extendedPod(null, Map.of("intel.com/foo", "2", "intel.com/bar", "2"));
    Pod fourTwo = extendedPod(null, Map.of("intel.com/foo", "4", "intel.com/bar", "2"));
    assertThat(run(p, null, null, none, idle, nodes))
        .isEqualTo(expect("machine1", 0, "machine2", 0));
    // machine1: foo 2/8 -> 2 (x3), bar 2/4 -> 5 (x5): round(31/8) = 4
    // machine2: foo 2/4 -> 5 (x3), bar 2/8 -> 2 (x5): round(25/8) = 3
    assertThat(run(p, null, null, twoTwo, idle, nodes))
        .isEqualTo(expect("machine1", 4, "machine2", 3));
    // machine2 already runs 2+2: foo 4/4 -> 10, bar 4/8 -> 5: round(55/8) = 7
    assertThat(
            run(
                p,
                null,
                null,
                twoTwo,
                List.of(
                    extendedPod("machine2", Map.of("intel.com/foo", "2", "intel.com/bar", "2"))),
                nodes))
        .isEqualTo(expect("machine1", 4, "machine2", 7));
    // machine1: foo 4/8 -> 5, bar 2/4 -> 5 -> 5; machine2: foo 4/4 -> 10, bar 2/8 -> 2: 40/8 = 5
    assertThat(run(p, null, null, fourTwo, idle, nodes))
        .isEqualTo(expect("machine1", 5, "machine2", 5));
  }

  @Test
  void resourcesThatScoreZeroDoNotCountInTheAverage() {
    ResourceAllocationPriority p =
        RequestedToCapacityRatio.requestedToCapacityRatioResourceAllocationPriority(
            BIN_PACKING, ResourceToWeightMap.of(Map.of("cpu", 1L, "intel.com/foo", 1L)));
    // The pod asks no foo: its score is 0, so only cpu counts (not (cpu + 0) / 2).
    Node node = extended("n", Map.of("intel.com/foo", "8"));
    Pod pod = UpstreamPods.requesting(null, 2000, 0);
    assertThat(run(p, null, null, pod, List.of(), List.of(node))).isEqualTo(expect("n", 5));
  }

  @Test
  void aPolicyShapeIsScaledFromTheZeroToTenScale() {
    Policy.RequestedToCapacityRatioArguments args =
        new Policy.RequestedToCapacityRatioArguments(
            List.of(
                new Policy.UtilizationShapePoint(0, 0), new Policy.UtilizationShapePoint(100, 10)),
            List.of());
    ResourceAllocationPriority p = RequestedToCapacityRatio.fromPolicy(args);
    assertThat(p.resourceToWeightMap())
        .isEqualTo(ResourceToWeightMap.DEFAULT_REQUESTED_RATIO_RESOURCES);
    // cpu 1000/4000 -> 25, memory 5000/10000 -> 50: round(37.5) = 38 on the 0..100 scale
    Node node = makeNode("n", 4000, 10000);
    assertThat(
            run(p, null, null, UpstreamPods.requesting(null, 1000, 5000), List.of(), List.of(node)))
        .isEqualTo(expect("n", 38));
  }

  @Test
  void aPolicyWeightOfZeroMeansOne() {
    Policy.RequestedToCapacityRatioArguments args =
        new Policy.RequestedToCapacityRatioArguments(
            List.of(new Policy.UtilizationShapePoint(0, 10)),
            List.of(new Policy.ResourceSpec("cpu", 0), new Policy.ResourceSpec("memory", 3)));
    assertThat(RequestedToCapacityRatio.fromPolicy(args).resourceToWeightMap().asMap())
        .isEqualTo(Map.of("cpu", 1L, "memory", 3L));
  }

  @Test
  void aBadPolicyShapeIsRejectedWithUpstreamsMessage() {
    // 11 on the 0..10 scale is 110 after scaling.
    assertThatThrownBy(
            () ->
                RequestedToCapacityRatio.fromPolicy(
                    new Policy.RequestedToCapacityRatioArguments(
                        List.of(new Policy.UtilizationShapePoint(0, 11)), List.of())))
        .hasMessage(
            "invalid RequestedToCapacityRatioPriority arguments: score valuses not be greater"
                + " than 100. Score[0]==110");
    assertThatThrownBy(
            () ->
                RequestedToCapacityRatio.fromPolicy(
                    new Policy.RequestedToCapacityRatioArguments(List.of(), List.of())))
        .hasMessage(
            "invalid RequestedToCapacityRatioPriority arguments: at least one point must be"
                + " specified");
    assertThatThrownBy(
            () ->
                RequestedToCapacityRatio.fromPolicy(
                    new Policy.RequestedToCapacityRatioArguments(
                        List.of(new Policy.UtilizationShapePoint(0, 1)),
                        List.of(new Policy.ResourceSpec("cpu", -2)))))
        .hasMessage(
            "invalid RequestedToCapacityRatioPriority arguments: resource cpu weight -2 must not"
                + " be less than 1");
    assertThatThrownBy(
            () ->
                RequestedToCapacityRatio.fromPolicy(
                    new Policy.RequestedToCapacityRatioArguments(
                        List.of(new Policy.UtilizationShapePoint(0, 1)),
                        List.of(
                            new Policy.ResourceSpec("cpu", 1), new Policy.ResourceSpec("", 1)))))
        .hasMessage(
            "invalid RequestedToCapacityRatioPriority arguments: resources[1].name is required");
  }

  @Test
  void aResourceWithNoCapacityOrTooMuchRequestedScoresTheShapeAtOneHundred() {
    LongUnaryOperator f =
        RequestedToCapacityRatio.buildBrokenLinearFunction(FunctionShape.of(0, 7, 100, 3));
    assertThat(RequestedToCapacityRatio.resourceScore(f, 5, 0)).isEqualTo(3);
    assertThat(RequestedToCapacityRatio.resourceScore(f, 5, 4)).isEqualTo(3);
    assertThat(RequestedToCapacityRatio.resourceScore(f, 0, 4)).isEqualTo(7);
  }
}
