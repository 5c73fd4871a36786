package io.kubelab.scheduler.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.SourceDSL;

/**
 * The histogram as Prometheus counts it and as scheduler_perf reads it: an observation falls in the
 * first bucket whose bound is at least it; a quantile is interpolated inside the bucket that holds
 * its rank.
 */
class HistogramTest {

  private static Histogram of(double[] bounds, double... values) {
    Histogram h = new Histogram(bounds);
    for (double v : values) {
      h.observe(v);
    }
    return h;
  }

  @Test
  void exponentialBucketsAreUpstreamsSchedulingAndExtensionPointBuckets() {
    double[] s = SchedulerMetrics.SCHEDULING_BUCKETS;
    assertThat(s).hasSize(15);
    assertThat(s[0]).isEqualTo(0.001);
    assertThat(s[14]).isCloseTo(16.384, within(1e-9));
    double[] e = SchedulerMetrics.EXTENSION_POINT_BUCKETS;
    assertThat(e).hasSize(12);
    assertThat(e[0]).isEqualTo(0.0001);
    assertThat(e[11]).isCloseTo(0.2048, within(1e-12));
    assertThatThrownBy(() -> Histogram.exponentialBuckets(0, 2, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("start > 0");
  }

  @Test
  void aValueOnABoundCountsInThatBucketAndAboveEveryBoundInInf() {
    Histogram h = of(new double[] {1, 2, 4}, 1, 1.5, 2, 4.0001, 100);
    assertThat(h.cumulativeCounts()).containsExactly(1, 3, 3, 5);
    assertThat(h.count()).isEqualTo(5);
    assertThat(h.sum()).isCloseTo(108.5001, within(1e-9));
    assertThat(h.average()).isCloseTo(108.5001 / 5, within(1e-9));
  }

  @Test
  void quantilesInterpolateInsideTheBucketOfTheirRank() {
    // cumulative: <=1: 1, <=2: 2, <=4: 4, +Inf: 4
    Histogram h = of(new double[] {1, 2, 4}, 0.5, 1.5, 3, 3);
    assertThat(h.quantile(0.25)).isEqualTo(1.0); // rank 1 in the first bucket: 1 × 1/1
    assertThat(h.quantile(0.5)).isEqualTo(2.0); // rank 2: the top of (1, 2]
    assertThat(h.quantile(0.9)).isCloseTo(3.6, within(1e-12)); // 2 + 2 × (3.6 − 2) / 2
    assertThat(h.quantile(0)).isEqualTo(0.0);
    assertThat(h.quantile(-0.1)).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(h.quantile(1.1)).isEqualTo(Double.POSITIVE_INFINITY);
  }

  @Test
  void aRankOnlyTheInfBucketReachesAnswersTheHighestBound() {
    Histogram h = of(new double[] {1, 2, 4}, 0.5, 50, 60);
    assertThat(h.quantile(0.99)).isEqualTo(4.0);
  }

  @Test
  void anEmptyHistogramHasNoQuantileAndNoAverage() {
    Histogram h = new Histogram(new double[] {1, 2});
    assertThat(h.quantile(0.5)).isNaN();
    assertThat(h.average()).isNaN();
  }

  @Test
  void bucketsMustIncreaseAndMergingNeedsTheSameBuckets() {
    assertThatThrownBy(() -> new Histogram(new double[] {1, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("histogram buckets must be in increasing order: 1.0 >= 1.0");
    assertThatThrownBy(() -> new Histogram(new double[] {}))
        .isInstanceOf(IllegalArgumentException.class);
    Histogram a = of(new double[] {1, 2}, 0.5);
    assertThatThrownBy(() -> a.addAll(new Histogram(new double[] {1, 3})))
        .isInstanceOf(IllegalArgumentException.class);
    a.addAll(of(new double[] {1, 2}, 1.5, 7));
    assertThat(a.cumulativeCounts()).containsExactly(1, 2, 3);
    assertThat(a.sum()).isCloseTo(9.0, within(1e-12));
    a.clear();
    assertThat(a.count()).isZero();
    assertThat(a.sum()).isZero();
  }

  @Test
  void quantilesGrowWithQAndStayWithinTheBucketsOfTheObservations() {
    double[] bounds = SchedulerMetrics.SCHEDULING_BUCKETS;
    qt().withFixedSeed(11L)
        .withExamples(200)
        .forAll(
            SourceDSL.lists().of(SourceDSL.doubles().between(0, 20)).ofSizeBetween(1, 60),
            SourceDSL.doubles().between(0, 1),
            SourceDSL.doubles().between(0, 1))
        .checkAssert(
            (values, q1, q2) -> {
              Histogram h = of(bounds, values.stream().mapToDouble(Double::doubleValue).toArray());
              double lo = Math.min(q1, q2);
              double hi = Math.max(q1, q2);
              assertThat(h.quantile(lo)).isLessThanOrEqualTo(h.quantile(hi));
              // An independent count: how many values lie at or below each bound.
              List<Long> expected = new ArrayList<>();
              for (double b : bounds) {
                expected.add(values.stream().filter(v -> v <= b).count());
              }
              expected.add((long) values.size());
              long[] got = h.cumulativeCounts();
              for (int i = 0; i < got.length; i++) {
                assertThat(got[i]).isEqualTo(expected.get(i));
              }
              double max = values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
              double ceiling = bounds[bounds.length - 1];
              for (double b : bounds) {
                if (b >= max) {
                  ceiling = b;
                  break;
                }
              }
              assertThat(h.quantile(hi)).isBetween(0.0, ceiling);
            });
  }

  @Test
  void schedulerMetricsNameTheUnknownAndTimeWithTheirTicker() {
    AtomicLong now = new AtomicLong();
    SchedulerMetrics m = new SchedulerMetrics(now::get);
    long start = m.start();
    now.addAndGet(2_500_000);
    m.observeSince(SchedulerMetrics.BINDING, start);
    m.observeExtensionPoint("Bind", "Success", start);
    assertThat(m.histogram(SchedulerMetrics.BINDING).sum()).isCloseTo(0.0025, within(1e-12));
    assertThat(m.extensionPoint("Bind", "Success").count()).isEqualTo(1);
    assertThat(m.extensionPoint("Bind", "Error")).isNull();
    assertThatThrownBy(() -> m.histogram("scheduler_nothing_seconds"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("no scheduler metric \"scheduler_nothing_seconds\"; known: [");
    m.clear();
    assertThat(m.histogram(SchedulerMetrics.BINDING).count()).isZero();
    assertThat(m.extensionPoints()).isEmpty();
  }

  @Test
  void extensionPointsMergeTheirStatusesInTheOrderAPodMeetsThem() {
    SchedulerMetrics m = new SchedulerMetrics(() -> 0);
    m.observeExtensionPoint("Custom", "Success", 0);
    m.observeExtensionPoint("Bind", "Error", 0);
    m.observeExtensionPoint("Bind", "Success", 0);
    m.observeExtensionPoint("PreFilter", "Success", 0);

    // A point upstream does not name comes after the ones it does.
    assertThat(m.extensionPoints().keySet()).containsExactly("PreFilter", "Bind", "Custom");
    assertThat(m.extensionPoints().get("Bind").count()).isEqualTo(2);
    assertThat(m.extensionPoint("Nowhere", "Success")).isNull();
    assertThat(m.schedulingMetricNames())
        .containsExactly(
            SchedulerMetrics.E2E_SCHEDULING,
            SchedulerMetrics.SCHEDULING_ALGORITHM,
            SchedulerMetrics.PREDICATE_EVALUATION,
            SchedulerMetrics.PRIORITY_EVALUATION,
            SchedulerMetrics.PREEMPTION_EVALUATION,
            SchedulerMetrics.BINDING,
            SchedulerMetrics.POD_SCHEDULING);
  }

  @Test
  void concurrentObservationsAreAllCounted() throws Exception {
    Histogram h = new Histogram(new double[] {1, 2, 4});
    int threads = 4;
    int each = 10_000;
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int offset = t;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < each; i++) {
                    h.observe((i + offset) % 5); // 0, 1, 2, 3, 4 in turn
                  }
                }));
      }
      for (java.util.concurrent.Future<?> f : done) {
        f.get(30, java.util.concurrent.TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
    long n = (long) threads * each;
    assertThat(h.count()).isEqualTo(n);
    // Each value appears n/5 times: <=1 holds 0 and 1, <=2 adds 2, <=4 adds 3 and 4.
    assertThat(h.cumulativeCounts()).containsExactly(2 * n / 5, 3 * n / 5, n, n);
    assertThat(h.sum()).isEqualTo((0 + 1 + 2 + 3 + 4) * (n / 5) * 1.0);
  }
}
