package io.kubelab.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.apimachinery.clock.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Upstream's throughput sampling and its percentile rule. */
class StatsTest {

  @Test
  void percentilesTakeIndexCeilOfNTimesPMinusOneOfTheSortedSamples() {
    // 10 samples, shuffled: Perc50 is the 5th, Perc90 the 9th, Perc95 and Perc99 the 10th
    List<Double> samples = List.of(7.0, 1.0, 10.0, 3.0, 5.0, 9.0, 2.0, 8.0, 4.0, 6.0);
    assertThat(Stats.summary(samples))
        .containsExactly(
            Map.entry("Average", 5.5),
            Map.entry("Perc50", 5.0),
            Map.entry("Perc90", 9.0),
            Map.entry("Perc95", 10.0),
            Map.entry("Perc99", 10.0));
  }

  @Test
  void aHundredSamplesGiveEachPercentileItsOwnRank() {
    List<Double> samples = new ArrayList<>();
    for (int i = 100; i >= 1; i--) {
      samples.add((double) i);
    }
    Map<String, Double> s = Stats.summary(samples);
    assertThat(s.get("Perc50")).isEqualTo(50.0);
    assertThat(s.get("Perc90")).isEqualTo(90.0);
    assertThat(s.get("Perc95")).isEqualTo(95.0);
    assertThat(s.get("Perc99")).isEqualTo(99.0);
    assertThat(s.get("Average")).isEqualTo(50.5);
  }

  @Test
  void noSamplesNoFigures() {
    assertThat(Stats.summary(List.of())).isEmpty();
    assertThat(Stats.summary(List.of(3.0)))
        .containsEntry("Perc50", 3.0)
        .containsEntry("Perc99", 3.0)
        .containsEntry("Average", 3.0);
  }

  @Test
  void samplesArePodsBoundPerTickAndTheAverageCountsTheLastPartialIntervalByItsLength() {
    FakeClock clock = new FakeClock();
    AtomicInteger bound = new AtomicInteger(40); // pods of the namespace bound before the op
    List<Integer> seen = new ArrayList<>();
    ThroughputCollector c =
        new ThroughputCollector(clock, Duration.ofSeconds(1), bound::get, (r, n) -> seen.add(n));
    c.start();
    bound.set(140);
    clock.step(Duration.ofSeconds(1)); // 100 pods/s
    bound.set(190);
    clock.step(Duration.ofSeconds(1)); // 50 pods/s
    bound.set(190);
    clock.step(Duration.ofSeconds(1)); // 0 pods/s: a tick with nothing bound still counts
    bound.set(220);
    clock.step(Duration.ofMillis(250)); // 30 pods in the last quarter second
    ThroughputCollector.Result r = c.stop();
    assertThat(r.samples()).containsExactly(100.0, 50.0, 0.0, 120.0);
    assertThat(r.pods()).isEqualTo(180);
    assertThat(r.elapsed()).isEqualTo(Duration.ofMillis(3250));
    assertThat(r.average()).isCloseTo(180 / 3.25, within(1e-9));
    assertThat(seen).containsExactly(140, 190, 190);
    clock.step(Duration.ofSeconds(5));
    assertThat(seen).as("no tick after stop").hasSize(3);
  }

  @Test
  void aBurstInTheLastTenthOfASecondCountsByItsLengthNotAsAWholeSecond() {
    // A preemption workload: nothing binds while every pod's first attempt preempts, then the
    // second attempts bind in a burst that ends 0.1 s after the last tick.
    FakeClock clock = new FakeClock();
    AtomicInteger bound = new AtomicInteger();
    ThroughputCollector c =
        new ThroughputCollector(clock, Duration.ofSeconds(1), bound::get, (r, n) -> {});
    c.start();
    for (int i = 0; i < 5; i++) {
      clock.step(Duration.ofSeconds(1));
    }
    bound.set(800);
    clock.step(Duration.ofSeconds(1));
    bound.set(1000);
    clock.step(Duration.ofMillis(100)); // 200 pods in 0.1 s: 2000 pods/s over a tenth of a second
    ThroughputCollector.Result r = c.stop();
    assertThat(r.samples()).containsExactly(0.0, 0.0, 0.0, 0.0, 0.0, 800.0, 2000.0);
    // 1000 pods in 6.1 s, not (800 + 2000) / 7 = 400 as a mean of seven equal samples would say
    assertThat(Stats.throughput(r).get("Average")).isCloseTo(1000 / 6.1, within(1e-9));
    assertThat(Stats.throughput(r).get("Perc99")).isEqualTo(2000.0);
  }

  @Test
  void theAverageIsEveryPodBoundInTheOpOverItsLength() {
    qt().withFixedSeed(7L)
        .forAll(
            lists().of(integers().between(0, 5_000)).ofSizeBetween(0, 20),
            integers().between(0, 999),
            integers().between(0, 5_000))
        .checkAssert(
            (perTick, lastMillis, lastPods) -> {
              FakeClock clock = new FakeClock();
              AtomicInteger bound = new AtomicInteger(17);
              ThroughputCollector c =
                  new ThroughputCollector(clock, Duration.ofSeconds(1), bound::get, (r, n) -> {});
              c.start();
              long total = 0;
              for (int pods : perTick) {
                bound.addAndGet(pods);
                total += pods;
                clock.step(Duration.ofSeconds(1));
              }
              bound.addAndGet(lastPods);
              total += lastPods;
              clock.step(Duration.ofMillis(lastMillis));
              ThroughputCollector.Result r = c.stop();
              double seconds = perTick.size() + lastMillis / 1000.0;
              assertThat(r.pods()).isEqualTo(total);
              if (seconds > 0) {
                assertThat(r.average()).isCloseTo(total / seconds, within(1e-6));
              } else {
                assertThat(r.average()).isNaN();
              }
              List<Double> expected = new ArrayList<>();
              perTick.forEach(pods -> expected.add((double) pods));
              if (lastMillis > 0 && lastPods > 0) {
                expected.add(lastPods / (lastMillis / 1000.0));
              }
              assertThat(r.samples()).containsExactlyElementsOf(expected);
              if (expected.isEmpty()) {
                assertThat(Stats.throughput(r)).isEmpty();
              } else {
                // pods bound at the instant of the last tick count too, though no sample holds them
                assertThat(Stats.throughput(r).get("Average"))
                    .isCloseTo(total / seconds, within(1e-6));
              }
            });
  }

  @Test
  void theReportedItemCarriesTheAverageOverTheOpsLength() {
    // Samples 0, 0, 800 and 2000 (the last over 0.1 s): 1000 pods in 2.1 s.
    ThroughputCollector.Result r =
        new ThroughputCollector.Result(
            List.of(0.0, 0.0, 800.0, 2000.0), 1000, Duration.ofMillis(2100));
    DataItems.DataItem item = WorkloadRunner.throughputItem("BenchmarkPerfScheduling/x/y/ns", r);
    assertThat(item.unit()).isEqualTo("pods/s");
    assertThat(item.labels())
        .containsEntry("Metric", "SchedulingThroughput")
        .containsEntry("Name", "BenchmarkPerfScheduling/x/y/ns");
    assertThat(item.data().get("Average")).isCloseTo(1000 / 2.1, within(1e-9)); // not 700
    assertThat(item.data()).containsEntry("Perc50", 0.0).containsEntry("Perc99", 2000.0);
    DataItems.DataItem none =
        WorkloadRunner.throughputItem(
            "n", new ThroughputCollector.Result(List.of(), 0, Duration.ZERO));
    assertThat(none.data()).isEmpty();
    assertThat(none.labels()).containsOnlyKeys("Name");
  }

  @Test
  void anOpThatBindsNothingOrTakesNoTimeHasNoFigures() {
    FakeClock clock = new FakeClock();
    AtomicInteger bound = new AtomicInteger(3);
    ThroughputCollector idle =
        new ThroughputCollector(clock, Duration.ofSeconds(1), bound::get, (r, n) -> {});
    idle.start();
    clock.step(Duration.ofMillis(400)); // nothing bound: no sample, an average of 0 over 0.4 s
    ThroughputCollector.Result r = idle.stop();
    assertThat(r.average()).isZero();
    assertThat(Stats.throughput(r)).as("no sample, no figure, not even the average").isEmpty();

    ThroughputCollector instant =
        new ThroughputCollector(clock, Duration.ofSeconds(1), bound::get, (r2, n) -> {});
    instant.start();
    bound.set(10); // bound at the very instant the op started
    ThroughputCollector.Result zero = instant.stop();
    assertThat(zero.pods()).isEqualTo(7);
    assertThat(zero.elapsed()).isZero();
    assertThat(zero.average()).as("7 pods in no time").isNaN();
    assertThat(Stats.throughput(zero)).isEmpty();
  }

  @Test
  void anOpFasterThanOneIntervalStillHasOneSample() {
    FakeClock clock = new FakeClock();
    AtomicInteger bound = new AtomicInteger();
    ThroughputCollector c =
        new ThroughputCollector(clock, Duration.ofSeconds(1), bound::get, (r, n) -> {});
    c.start();
    bound.set(500);
    clock.step(Duration.ofMillis(100));
    ThroughputCollector.Result r = c.stop();
    assertThat(r.samples()).containsExactly(5000.0);
    assertThat(Stats.throughput(r))
        .containsEntry("Average", 5000.0)
        .containsEntry("Perc50", 5000.0);
  }

  @Test
  void aLastPartialIntervalWithNothingBoundAddsNoSampleButItsLengthCounts() {
    FakeClock clock = new FakeClock();
    AtomicInteger bound = new AtomicInteger();
    ThroughputCollector c =
        new ThroughputCollector(clock, Duration.ofSeconds(1), bound::get, (r, n) -> {});
    c.start();
    bound.set(10);
    clock.step(Duration.ofSeconds(1));
    clock.step(Duration.ofMillis(300));
    ThroughputCollector.Result r = c.stop();
    assertThat(r.samples()).containsExactly(10.0);
    assertThat(r.average()).isCloseTo(10 / 1.3, within(1e-9));
  }

  @Test
  void eachPercentileIsTheSmallestSampleWithAtLeastThatShareOfSamplesAtOrBelowIt() {
    qt().withFixedSeed(42L)
        .forAll(lists().of(integers().between(-1_000, 1_000)).ofSizeBetween(1, 250))
        .checkAssert(
            ints -> {
              List<Double> samples = ints.stream().map(Integer::doubleValue).toList();
              Map<String, Double> s = Stats.summary(samples);
              long sum = 0;
              for (int v : ints) {
                sum += v;
              }
              assertThat(s.get("Average")).isCloseTo((double) sum / ints.size(), within(1e-9));
              for (int p : List.of(50, 90, 95, 99)) {
                double v = s.get("Perc" + p);
                long atOrBelow = samples.stream().filter(x -> x <= v).count();
                long below = samples.stream().filter(x -> x < v).count();
                // rank r = ceil(n * p / 100), in integers: (n * p + 99) / 100
                long rank = (ints.size() * (long) p + 99) / 100;
                assertThat(atOrBelow).as("Perc%d of %s", p, ints).isGreaterThanOrEqualTo(rank);
                assertThat(below).as("Perc%d of %s", p, ints).isLessThan(rank);
              }
            });
  }

  @Test
  void eachSampleIsHeardWithItsRateAndTheCountItWasTakenAt() {
    FakeClock clock = new FakeClock();
    AtomicInteger bound = new AtomicInteger(7);
    List<String> heard = new ArrayList<>();
    ThroughputCollector c =
        new ThroughputCollector(
            clock, Duration.ofMillis(500), bound::get, (r, n) -> heard.add(r + "@" + n));
    c.start();
    bound.set(57);
    clock.step(Duration.ofMillis(500)); // 50 pods in half a second
    bound.set(62);
    clock.step(Duration.ofMillis(500));
    assertThat(heard).containsExactly("100.0@57", "10.0@62");
    assertThat(c.stop().samples()).containsExactly(100.0, 10.0);
  }

  @Test
  void stoppingAtATickAddsNoPartialIntervalEvenIfCountsMoved() {
    FakeClock clock = new FakeClock();
    AtomicInteger bound = new AtomicInteger();
    ThroughputCollector c =
        new ThroughputCollector(clock, Duration.ofSeconds(1), bound::get, (r, n) -> {});
    c.start();
    bound.set(3);
    clock.step(Duration.ofSeconds(1));
    bound.set(9); // bound at the very instant of the tick: no time has passed since it
    ThroughputCollector.Result r = c.stop();
    assertThat(r.samples()).containsExactly(3.0);
    assertThat(r.pods()).isEqualTo(9);
    assertThat(r.average()).isEqualTo(9.0);
  }

  @Test
  void stopCancelsTheTicker() {
    FakeClock clock = new FakeClock();
    ThroughputCollector c =
        new ThroughputCollector(clock, Duration.ofSeconds(1), () -> 0, (r, n) -> {});
    c.start();
    assertThat(clock.pendingTimers()).isEqualTo(1);
    c.stop();
    assertThat(clock.pendingTimers()).isZero();
  }

  /** A clock whose time is set by hand (backwards too) and whose one ticker the test fires. */
  private static final class HandClock implements Clock {
    Instant now = Instant.EPOCH;
    Runnable tick;
    boolean tickWhileArming;
    boolean cancelled;

    @Override
    public Instant now() {
      return now;
    }

    @Override
    public Timer schedule(Duration delay, Runnable task) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Timer until(Duration initialDelay, Duration period, Executor executor, Runnable task) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Timer ticker(Duration initialDelay, Duration period, Executor executor, Runnable task) {
      tick = task;
      if (tickWhileArming) {
        task.run();
      }
      return new Timer() {
        @Override
        public void close() {
          cancelled = true;
        }

        @Override
        public boolean isCancelled() {
          return cancelled;
        }
      };
    }
  }

  @Test
  void aTickBeforeTheTickerIsArmedOrAfterStopIsIgnored() {
    HandClock clock = new HandClock();
    clock.tickWhileArming = true;
    AtomicInteger bound = new AtomicInteger(5);
    List<Double> heard = new ArrayList<>();
    ThroughputCollector c =
        new ThroughputCollector(clock, Duration.ofSeconds(1), bound::get, (r, n) -> heard.add(r));
    c.start();
    assertThat(heard).as("tick while arming").isEmpty();
    bound.set(8);
    clock.now = clock.now.plusSeconds(1);
    clock.tick.run();
    assertThat(heard).containsExactly(3.0);
    clock.now = Instant.EPOCH; // the clock steps back before the op ends
    ThroughputCollector.Result r = c.stop();
    assertThat(r.samples()).containsExactly(3.0);
    assertThat(r.average()).isNaN();
    assertThat(Stats.throughput(r))
        .as("an op of no length: the samples' plain mean")
        .containsEntry("Average", 3.0)
        .containsEntry("Perc50", 3.0);
    assertThat(clock.cancelled).isTrue();
    bound.set(20);
    clock.tick.run(); // a tick already under way when stop closed the ticker
    assertThat(heard).as("tick after stop").containsExactly(3.0);
  }

  @Test
  void aClockThatWentBackwardsAddsNoPartialInterval() {
    HandClock clock = new HandClock();
    AtomicInteger bound = new AtomicInteger();
    ThroughputCollector c =
        new ThroughputCollector(clock, Duration.ofSeconds(1), bound::get, (r, n) -> {});
    clock.now = Instant.EPOCH.plusSeconds(10);
    c.start();
    bound.set(4);
    clock.now = Instant.EPOCH.plusSeconds(9);
    ThroughputCollector.Result r = c.stop();
    assertThat(r.samples()).isEmpty();
    assertThat(r.average()).isNaN();
    assertThat(Stats.throughput(r)).isEmpty();
  }
}
