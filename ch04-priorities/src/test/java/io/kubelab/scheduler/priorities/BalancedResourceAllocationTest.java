package io.kubelab.scheduler.priorities;

import static io.kubelab.scheduler.priorities.TestSupport.expect;
import static io.kubelab.scheduler.priorities.TestSupport.makeNode;
import static io.kubelab.scheduler.priorities.TestSupport.run;
import static io.kubelab.scheduler.priorities.UpstreamPods.cpuAndMemory;
import static io.kubelab.scheduler.priorities.UpstreamPods.cpuOnly;
import static io.kubelab.scheduler.priorities.UpstreamPods.noResources;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Upstream's {@code TestBalancedResourceAllocation} table. */
class BalancedResourceAllocationTest {

  private static final ResourceAllocationPriority BALANCED =
      BalancedResourceAllocation.BALANCED_RESOURCE_PRIORITY;

  @Test
  void nothingScheduledNothingRequestedIsPerfectlyBalanced() {
    assertThat(
            run(
                BALANCED,
                null,
                null,
                noResources(null),
                List.of(noResources("machine1"), noResources("machine2")),
                List.of(makeNode("machine1", 4000, 10000), makeNode("machine2", 4000, 10000))))
        .isEqualTo(expect("machine1", 100, "machine2", 100));
  }

  @Test
  void nothingScheduledResourcesRequestedDifferentlySizedMachines() {
    // machine1: cpu 3000/4000 = 0.75, memory 5000/10000 = 0.5 -> (1 - 0.25) * 100 = 75
    // machine2: cpu 3000/6000 = 0.5, memory 0.5 -> 100
    assertThat(
            run(
                BALANCED,
                null,
                null,
                cpuAndMemory(null),
                List.of(),
                List.of(makeNode("machine1", 4000, 10000), makeNode("machine2", 6000, 10000))))
        .isEqualTo(expect("machine1", 75, "machine2", 100));
  }

  @Test
  void noResourcesRequestedPodsScheduledWithResources() {
    // machine1: cpu 0.6, memory 0 -> 40; machine2: cpu 0.6, memory 0.25 -> 65
    assertThat(
            run(
                BALANCED,
                null,
                null,
                noResources(null),
                List.of(
                    cpuOnly("machine1"),
                    cpuOnly("machine1"),
                    cpuOnly("machine2"),
                    cpuAndMemory("machine2")),
                List.of(makeNode("machine1", 10000, 20000), makeNode("machine2", 10000, 20000))))
        .isEqualTo(expect("machine1", 40, "machine2", 65));
  }

  @Test
  void resourcesRequestedPodsScheduledWithResources() {
    // machine1: 0.6 and 0.25 -> 65; machine2: 0.6 and 0.5 -> 90
    assertThat(
            run(
                BALANCED,
                null,
                null,
                cpuAndMemory(null),
                List.of(cpuOnly("machine1"), cpuAndMemory("machine2")),
                List.of(makeNode("machine1", 10000, 20000), makeNode("machine2", 10000, 20000))))
        .isEqualTo(expect("machine1", 65, "machine2", 90));
  }

  @Test
  void resourcesRequestedPodsScheduledWithResourcesDifferentlySizedMachines() {
    // machine2: 0.6 and 10000/50000 = 0.2 -> 60
    assertThat(
            run(
                BALANCED,
                null,
                null,
                cpuAndMemory(null),
                List.of(cpuOnly("machine1"), cpuAndMemory("machine2")),
                List.of(makeNode("machine1", 10000, 20000), makeNode("machine2", 10000, 50000))))
        .isEqualTo(expect("machine1", 65, "machine2", 60));
  }

  @Test
  void aResourceAtOrBeyondCapacityScoresZero() {
    // cpu 6000/4000 > 1 on both machines
    assertThat(
            run(
                BALANCED,
                null,
                null,
                cpuOnly(null),
                List.of(cpuOnly("machine1"), cpuAndMemory("machine2")),
                List.of(makeNode("machine1", 4000, 10000), makeNode("machine2", 4000, 10000))))
        .isEqualTo(expect("machine1", 0, "machine2", 0));
    // exactly full counts as full
    assertThat(BalancedResourceAllocation.score(100, 100, 0, 100, false, 0, 0)).isZero();
  }

  @Test
  void zeroNodeResourcesCountAsFull() {
    assertThat(
            run(
                BALANCED,
                null,
                null,
                noResources(null),
                List.of(cpuOnly("machine1"), cpuAndMemory("machine2")),
                List.of(makeNode("machine1", 0, 0), makeNode("machine2", 0, 0))))
        .isEqualTo(expect("machine1", 0, "machine2", 0));
  }

  @Test
  void theVolumeVariantScoresOneMinusTheVarianceOfThreeFractions() {
    // Upstream's "Include volume count on a node for balanced resource allocation" case, with
    // the volume counts its test injects as TransientInfo: 5 attachable, minus the volumes of
    // the node's pods, and 1 requested.
    // machine3: cpu 3000/3500, memory 5000/40000, volumes 1/5 -> 89
    assertThat(BalancedResourceAllocation.score(3000, 3500, 5000, 40000, true, 1, 5)).isEqualTo(89);
    // machine4: cpu 3000/4000, memory 5000/10000, volumes 1/2 -> 98
    assertThat(BalancedResourceAllocation.score(3000, 4000, 5000, 10000, true, 1, 2)).isEqualTo(98);
    // a volume count at capacity, or no attachable volumes at all
    assertThat(BalancedResourceAllocation.score(3000, 4000, 5000, 10000, true, 2, 2)).isZero();
    assertThat(BalancedResourceAllocation.score(3000, 4000, 5000, 10000, true, 1, 0)).isEqualTo(75);
    assertThat(BalancedResourceAllocation.score(3000, 4000, 5000, 10000, false, 1, 2))
        .isEqualTo(75);
  }
}
