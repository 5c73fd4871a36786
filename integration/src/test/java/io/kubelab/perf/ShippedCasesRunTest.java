package io.kubelab.perf;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelab.perf.DataItems.DataItem;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every shipped test case, its fast workload at a fiftieth of its size, run on the chapter 08
 * scheduler: it completes with a throughput figure and every pod is accounted for (bound, deleted
 * by preemption, or reported pending with its reason).
 */
@Timeout(120)
class ShippedCasesRunTest {

  private static final PerfRun.Settings IN_PROCESS =
      new PerfRun.Settings(false, 1, 2, Duration.ofSeconds(60), Duration.ofSeconds(1), null);

  private static WorkloadRunner.Result runFast(String testCase, PerfRun.Settings settings)
      throws InterruptedException {
    PerfRun run = PerfRun.embedded();
    List<PerfRun.Planned> planned =
        run.plan(
            new PerfRun.Selection(testCase, null, "fast"),
            new PerfRun.Sizing(PerfCommand.SMOKE_SCALE, Map.of()));
    assertThat(planned).hasSize(1);
    List<WorkloadRunner.Result> results = run.run(planned, settings);
    assertThat(results).hasSize(1);
    return results.get(0);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SchedulingBasic",
        "SchedulingPodAntiAffinity",
        "SchedulingPodAffinity",
        "SchedulingNodeAffinity",
        "TopologySpreading",
        "PreferredTopologySpreading",
        "PreemptionBasic",
        "Unschedulable"
      })
  void eachShippedCaseCompletesWithAThroughputFigureAndEveryPodAccountedFor(String testCase)
      throws InterruptedException {
    WorkloadRunner.Result r = runFast(testCase, IN_PROCESS);

    DataItem throughput = r.dataItems().get(0);
    assertThat(throughput.metric()).isEqualTo("SchedulingThroughput");
    assertThat(throughput.unit()).isEqualTo("pods/s");
    assertThat(throughput.name()).startsWith("BenchmarkPerfScheduling/" + r.id() + "/");
    assertThat(throughput.data().keySet())
        .containsExactly("Average", "Perc50", "Perc90", "Perc95", "Perc99");
    assertThat(throughput.data().get("Average")).isPositive();
    DataItem latency = r.dataItems().get(1);
    assertThat(latency.metric()).isEqualTo("scheduler_pod_scheduling_duration_seconds");
    assertThat(latency.unit()).isEqualTo("ms");
    assertThat(latency.data().get("Perc99")).isGreaterThanOrEqualTo(latency.data().get("Perc50"));

    assertThat(r.podsCreated())
        .as("every pod is bound, deleted by preemption, or pending")
        .isEqualTo(r.podsBound() + r.podsDeleted() + r.pending().size());
    Map<String, Integer> p = r.params();
    int nodes = p.get("initNodes");
    assertThat(r.nodes()).isEqualTo(nodes);
    switch (testCase) {
      case "Unschedulable" -> {
        // the 9-CPU pods never fit a 4-CPU node; the measured pods all do
        assertThat(r.podsBound()).isEqualTo(p.get("measurePods"));
        assertThat(r.pending())
            .hasSize(p.get("initPods"))
            .allSatisfy(
                pending -> {
                  assertThat(pending.reason()).isEqualTo("Unschedulable");
                  assertThat(pending.message())
                      .isEqualTo(
                          "0/" + nodes + " nodes are available: " + nodes + " Insufficient cpu.");
                });
      }
      case "PreemptionBasic" -> {
        // each 3-CPU pod evicts three 900m pods from a node they fill to 3.6 CPUs
        assertThat(r.pending()).isEmpty();
        assertThat(r.podsDeleted()).isEqualTo(3 * p.get("measurePods"));
      }
      default -> {
        assertThat(r.pending()).isEmpty();
        assertThat(r.podsDeleted()).isZero();
      }
    }
  }

  @Test
  void throughTheApiServerTheSameCaseCompletes() throws InterruptedException {
    WorkloadRunner.Result r =
        runFast(
            "SchedulingBasic",
            new PerfRun.Settings(true, 1, 2, Duration.ofSeconds(60), Duration.ofSeconds(1), null));
    assertThat(r.podsBound()).isEqualTo(r.podsCreated()).isEqualTo(30);
    assertThat(r.dataItems().get(0).data().get("Average")).isPositive();
    assertThat(Thread.getAllStackTraces().keySet())
        .filteredOn(Thread::isAlive)
        .extracting(Thread::getName)
        .noneMatch(n -> n.startsWith("perf-") || n.equals("scheduler-loop"));
  }
}
