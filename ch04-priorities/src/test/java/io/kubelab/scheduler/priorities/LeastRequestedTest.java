package io.kubelab.scheduler.priorities;

import static io.kubelab.scheduler.priorities.TestSupport.expect;
import static io.kubelab.scheduler.priorities.TestSupport.makeNode;
import static io.kubelab.scheduler.priorities.TestSupport.run;
import static io.kubelab.scheduler.priorities.UpstreamPods.cpuAndMemory;
import static io.kubelab.scheduler.priorities.UpstreamPods.cpuOnly;
import static io.kubelab.scheduler.priorities.UpstreamPods.noResources;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Upstream's {@code TestLeastRequested} table, case by case, with its arithmetic. */
class LeastRequestedTest {

  private static Map<String, Long> leastRequested(Pod pod, List<Pod> pods, List<Node> nodes) {
    Map<String, Long> without =
        run(LeastRequested.LEAST_RESOURCE_PRIORITY, null, null, pod, pods, nodes);
    // The metadata only saves recomputing the pod's request; the scores must not change.
    assertThat(
            TestSupport.runWithMetadata(
                LeastRequested.LEAST_RESOURCE_PRIORITY, null, pod, pods, nodes))
        .isEqualTo(without);
    return without;
  }

  @Test
  void nothingScheduledNothingRequestedScoresTheMaximum() {
    assertThat(
            leastRequested(
                noResources(null),
                List.of(),
                List.of(makeNode("machine1", 4000, 10000), makeNode("machine2", 4000, 10000))))
        .isEqualTo(expect("machine1", 100, "machine2", 100));
  }

  @Test
  void nothingScheduledResourcesRequestedDifferentlySizedMachines() {
    // machine1: cpu (4000-3000)*100/4000 = 25, memory (10000-5000)*100/10000 = 50 -> 37
    // machine2: cpu (6000-3000)*100/6000 = 50, memory 50 -> 50
    assertThat(
            leastRequested(
                cpuAndMemory(null),
                List.of(),
                List.of(makeNode("machine1", 4000, 10000), makeNode("machine2", 6000, 10000))))
        .isEqualTo(expect("machine1", 37, "machine2", 50));
  }

  @Test
  void noResourcesRequestedPodsScheduledWithoutContainers() {
    assertThat(
            leastRequested(
                noResources(null),
                List.of(
                    noResources("machine1"),
                    noResources("machine1"),
                    noResources("machine2"),
                    noResources("machine2")),
                List.of(makeNode("machine1", 4000, 10000), makeNode("machine2", 4000, 10000))))
        .isEqualTo(expect("machine1", 100, "machine2", 100));
  }

  @Test
  void noResourcesRequestedPodsScheduledWithResources() {
    // machine1: cpu (10000-6000)*100/10000 = 40, memory 100 -> 70
    // machine2: cpu 40, memory (20000-5000)*100/20000 = 75 -> 57
    assertThat(
            leastRequested(
                noResources(null),
                List.of(
                    cpuOnly("machine1"),
                    cpuOnly("machine1"),
                    cpuOnly("machine2"),
                    cpuAndMemory("machine2")),
                List.of(makeNode("machine1", 10000, 20000), makeNode("machine2", 10000, 20000))))
        .isEqualTo(expect("machine1", 70, "machine2", 57));
  }

  @Test
  void resourcesRequestedPodsScheduledWithResources() {
    // machine1: cpu (10000-6000)*100/10000 = 40, memory (20000-5000)*100/20000 = 75 -> 57
    // machine2: cpu 40, memory (20000-10000)*100/20000 = 50 -> 45
    assertThat(
            leastRequested(
                cpuAndMemory(null),
                List.of(cpuOnly("machine1"), cpuAndMemory("machine2")),
                List.of(makeNode("machine1", 10000, 20000), makeNode("machine2", 10000, 20000))))
        .isEqualTo(expect("machine1", 57, "machine2", 45));
  }

  @Test
  void resourcesRequestedPodsScheduledWithResourcesDifferentlySizedMachines() {
    // machine2: cpu 40, memory (50000-10000)*100/50000 = 80 -> 60
    assertThat(
            leastRequested(
                cpuAndMemory(null),
                List.of(cpuOnly("machine1"), cpuAndMemory("machine2")),
                List.of(makeNode("machine1", 10000, 20000), makeNode("machine2", 10000, 50000))))
        .isEqualTo(expect("machine1", 57, "machine2", 60));
  }

  @Test
  void requestedResourcesExceedingTheNodeScoreZeroForThatResource() {
    // machine1: cpu 6000 > 4000 -> 0, memory 100 -> 50; machine2: 0 and 50 -> 25
    assertThat(
            leastRequested(
                cpuOnly(null),
                List.of(cpuOnly("machine1"), cpuAndMemory("machine2")),
                List.of(makeNode("machine1", 4000, 10000), makeNode("machine2", 4000, 10000))))
        .isEqualTo(expect("machine1", 50, "machine2", 25));
  }

  @Test
  void zeroNodeResourcesScoreZero() {
    assertThat(
            leastRequested(
                noResources(null),
                List.of(cpuOnly("machine1"), cpuAndMemory("machine2")),
                List.of(makeNode("machine1", 0, 0), makeNode("machine2", 0, 0))))
        .isEqualTo(expect("machine1", 0, "machine2", 0));
  }

  @Test
  void aContainerThatRequestsNothingCountsTheNonZeroDefaults() {
    // 100m of 1000m and 200 MiB of 2000 MiB: (90 + 90) / 2. Without the defaults it would be 100.
    Pod pod = io.kubelab.apimachinery.testing.Fixtures.pod("empty").build();
    Node node =
        io.kubelab.apimachinery.testing.Fixtures.node("n").allocatable("1", "2000Mi").build();
    assertThat(leastRequested(pod, List.of(), List.of(node))).isEqualTo(expect("n", 90));
  }

  @Test
  void theScoreIsTheWeightedAverageOfTheResourceScores() {
    assertThat(LeastRequested.leastRequestedScore(3000, 4000)).isEqualTo(25);
    assertThat(LeastRequested.leastRequestedScore(1, 3)).isEqualTo(66); // 200/3, truncated
    assertThat(LeastRequested.leastRequestedScore(5, 4)).isZero();
    assertThat(LeastRequested.leastRequestedScore(0, 0)).isZero();
    assertThat(LeastRequested.leastResourceScorer(1, 3, 1, 4)).isEqualTo((66 + 75) / 2);
  }

  @Test
  void thePriorityIsNamedAsUpstreamLogsIt() {
    assertThat(LeastRequested.LEAST_RESOURCE_PRIORITY.name()).isEqualTo("LeastResourceAllocation");
    assertThat(LeastRequested.LEAST_RESOURCE_PRIORITY)
        .hasToString("LeastResourceAllocationmap[cpu:1 memory:1]");
    assertThat(LeastRequested.LEAST_RESOURCE_PRIORITY.resourceToWeightMap())
        .isEqualTo(ResourceToWeightMap.DEFAULT_REQUESTED_RATIO_RESOURCES);
  }
}
