package io.kubelab.scheduler.priorities;

import static io.kubelab.scheduler.priorities.TestSupport.expect;
import static io.kubelab.scheduler.priorities.TestSupport.makeNode;
import static io.kubelab.scheduler.priorities.TestSupport.run;
import static io.kubelab.scheduler.priorities.UpstreamPods.bigCpuAndMemory;
import static io.kubelab.scheduler.priorities.UpstreamPods.cpuAndMemory;
import static io.kubelab.scheduler.priorities.UpstreamPods.cpuOnly;
import static io.kubelab.scheduler.priorities.UpstreamPods.noResources;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Upstream's {@code TestMostRequested} table. */
class MostRequestedTest {

  private static final ResourceAllocationPriority MOST = MostRequested.MOST_RESOURCE_PRIORITY;

  @Test
  void nothingScheduledNothingRequestedScoresZero() {
    assertThat(
            run(
                MOST,
                null,
                null,
                noResources(null),
                List.of(),
                List.of(makeNode("machine1", 4000, 10000), makeNode("machine2", 4000, 10000))))
        .isEqualTo(expect("machine1", 0, "machine2", 0));
  }

  @Test
  void nothingScheduledResourcesRequestedDifferentlySizedMachines() {
    // machine1: cpu 3000*100/4000 = 75, memory 5000*100/10000 = 50 -> 62
    // machine2: cpu 3000*100/6000 = 50, memory 50 -> 50
    assertThat(
            run(
                MOST,
                null,
                null,
                cpuAndMemory(null),
                List.of(),
                List.of(makeNode("machine1", 4000, 10000), makeNode("machine2", 6000, 10000))))
        .isEqualTo(expect("machine1", 62, "machine2", 50));
  }

  @Test
  void noResourcesRequestedPodsScheduledWithResources() {
    // machine1: cpu 60, memory 0 -> 30; machine2: cpu 60, memory 25 -> 42
    assertThat(
            run(
                MOST,
                null,
                null,
                noResources(null),
                List.of(
                    cpuOnly("machine1"),
                    cpuOnly("machine1"),
                    cpuOnly("machine2"),
                    cpuAndMemory("machine2")),
                List.of(makeNode("machine1", 10000, 20000), makeNode("machine2", 10000, 20000))))
        .isEqualTo(expect("machine1", 30, "machine2", 42));
  }

  @Test
  void resourcesRequestedPodsScheduledWithResources() {
    // machine1: cpu 60, memory 25 -> 42; machine2: cpu 60, memory 50 -> 55
    assertThat(
            run(
                MOST,
                null,
                null,
                cpuAndMemory(null),
                List.of(cpuOnly("machine1"), cpuAndMemory("machine2")),
                List.of(makeNode("machine1", 10000, 20000), makeNode("machine2", 10000, 20000))))
        .isEqualTo(expect("machine1", 42, "machine2", 55));
  }

  @Test
  void resourcesRequestedBeyondTheNodeScoreZeroForThatResource() {
    // machine1: cpu 5000 > 4000 -> 0, memory 9000*100/10000 = 90 -> 45
    // machine2: cpu 5000*100/10000 = 50, memory 9000 > 8000 -> 0 -> 25
    assertThat(
            run(
                MOST,
                null,
                null,
                bigCpuAndMemory(null),
                List.of(),
                List.of(makeNode("machine1", 4000, 10000), makeNode("machine2", 10000, 8000))))
        .isEqualTo(expect("machine1", 45, "machine2", 25));
  }

  @Test
  void mostIsNotAlwaysOneHundredMinusLeast() {
    // 1 of 3: least (3-1)*100/3 = 66, most 1*100/3 = 33; 66 + 33 = 99, the truncations differ.
    assertThat(MostRequested.mostRequestedScore(1, 3)).isEqualTo(33);
    assertThat(LeastRequested.leastRequestedScore(1, 3)).isEqualTo(66);
    assertThat(MostRequested.mostRequestedScore(0, 0)).isZero();
    assertThat(MostRequested.mostRequestedScore(4, 3)).isZero();
    assertThat(MostRequested.mostRequestedScore(3, 3)).isEqualTo(100);
  }
}
