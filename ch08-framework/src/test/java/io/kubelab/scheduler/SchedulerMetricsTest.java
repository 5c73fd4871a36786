package io.kubelab.scheduler;

import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kubelab.scheduler.metrics.SchedulerMetrics;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the scheduler times, and where: each phase of a cycle once per pod, each extension point
 * once per run (Filter once per node), with the status the point ended with. The ticker moves 1 ms
 * every time it is read, so a duration says how many readings lay between start and end.
 */
@Timeout(30)
class SchedulerMetricsTest {

  private static SchedulerMetrics metrics() {
    AtomicLong now = new AtomicLong();
    return new SchedulerMetrics(() -> now.addAndGet(1_000_000));
  }

  private static Harness harness(SchedulerMetrics m) {
    Harness.Options o = new Harness.Options();
    o.metrics = m;
    return new Harness(o);
  }

  @Test
  void aScheduledPodIsTimedOnceInEveryPhaseAndFilteredOncePerNode() throws Exception {
    SchedulerMetrics m = metrics();
    try (Harness h = harness(m)) {
      for (String n : new String[] {"n1", "n2", "n3"}) {
        h.cluster.createNode(node(n).allocatable("2", "4Gi").build());
      }
      h.cluster.createPod(pod("web").requests("1", "1Gi").build());

      h.settle();

      assertThat(h.nodeOf("default", "web")).isNotNull();
      for (String name :
          new String[] {
            SchedulerMetrics.SCHEDULING_ALGORITHM,
            SchedulerMetrics.PREDICATE_EVALUATION,
            SchedulerMetrics.PRIORITY_EVALUATION,
            SchedulerMetrics.BINDING,
            SchedulerMetrics.E2E_SCHEDULING,
            SchedulerMetrics.POD_SCHEDULING
          }) {
        assertThat(m.histogram(name).count()).as(name).isEqualTo(1);
      }
      assertThat(m.histogram(SchedulerMetrics.PREEMPTION_EVALUATION).count()).isZero();
      assertThat(m.extensionPoints().keySet())
          .containsExactly(
              "PreFilter",
              "Filter",
              "PreScore",
              "Score",
              "Reserve",
              "Permit",
              "PreBind",
              "Bind",
              "PostBind");
      // Filter is timed once for the cycle over all three nodes, not once per node.
      assertThat(m.extensionPoint("Filter", "Success").count()).isEqualTo(1);
      // Nothing else reads the ticker between PreFilter's start and end: one step, 1 ms.
      assertThat(m.extensionPoint("PreFilter", "Success").sum()).isCloseTo(0.001, within(1e-12));
      // The cycle's start is read before PreFilter and the algorithm's end after selectHost.
      assertThat(m.histogram(SchedulerMetrics.SCHEDULING_ALGORITHM).sum())
          .isGreaterThan(m.histogram(SchedulerMetrics.PREDICATE_EVALUATION).sum());
      // The pod's first attempt and its binding are on the scheduler's fake clock: no time.
      assertThat(m.histogram(SchedulerMetrics.POD_SCHEDULING).sum()).isZero();
    }
  }

  @Test
  void aPodThatFitsNowhereIsTimedThroughPreemptionNotBinding() throws Exception {
    SchedulerMetrics m = metrics();
    try (Harness h = harness(m)) {
      h.cluster.createNode(node("n1").allocatable("1", "4Gi").build());
      h.cluster.createPod(pod("big").requests("2", "1Gi").build());

      h.settle();

      assertThat(m.histogram(SchedulerMetrics.PREEMPTION_EVALUATION).count()).isEqualTo(1);
      assertThat(m.histogram(SchedulerMetrics.SCHEDULING_ALGORITHM).count()).isZero();
      assertThat(m.histogram(SchedulerMetrics.BINDING).count()).isZero();
      assertThat(m.histogram(SchedulerMetrics.E2E_SCHEDULING).count()).isZero();
      // The filtering ran without error, though no node passed: Success, once; preemption's
      // what-if filter runs are not timed as the Filter point.
      assertThat(m.extensionPoint("Filter", "Success").count()).isEqualTo(1);
      assertThat(m.extensionPoint("Filter", "Unschedulable")).isNull();
      assertThat(m.extensionPoints()).doesNotContainKeys("Score", "Reserve", "Bind");
    }
  }

  @Test
  void aFailedBindingIsTimedEndToEndButNotAsABinding() throws Exception {
    SchedulerMetrics m = metrics();
    Harness.Options o = new Harness.Options();
    o.metrics = m;
    o.binder =
        c ->
            b -> {
              throw new IllegalStateException("the API server refused the binding");
            };
    try (Harness h = new Harness(o)) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("web").requests("1", "1Gi").build());

      h.scheduler.scheduleOne(java.time.Duration.ZERO);
      assertThat(h.scheduler.awaitBindings(java.time.Duration.ofSeconds(10))).isTrue();

      assertThat(h.nodeOf("default", "web")).isNull();
      assertThat(m.histogram(SchedulerMetrics.SCHEDULING_ALGORITHM).count()).isEqualTo(1);
      assertThat(m.histogram(SchedulerMetrics.E2E_SCHEDULING).count()).isEqualTo(1);
      assertThat(m.histogram(SchedulerMetrics.BINDING).count()).isZero();
      assertThat(m.histogram(SchedulerMetrics.POD_SCHEDULING).count()).isZero();
      assertThat(m.extensionPoint("Bind", "Error").count()).isEqualTo(1);
      assertThat(m.extensionPoint("Bind", "Success")).isNull();
      assertThat(m.extensionPoints()).containsKey("Unreserve").doesNotContainKey("PostBind");
    }
  }

  @Test
  void aSchedulerWithoutMetricsSchedulesAsBefore() throws Exception {
    try (Harness h = new Harness()) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("web").requests("1", "1Gi").build());
      h.settle();
      assertThat(h.nodeOf("default", "web")).isEqualTo("n1");
    }
  }
}
