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
  void throughputIsPodsBoundPerTickPlusTheLastPartialInterval() {
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
    clock.step(Duration.ofMillis(250)); // 30 pods in the last quarter second: 120 pods/s
    assertThat(c.stop()).containsExactly(100.0, 50.0, 0.0, 120.0);
    assertThat(seen).containsExactly(140, 190, 190);
    clock.step(Duration.ofSeconds(5));
    assertThat(seen).as("no tick after stop").hasSize(3);
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
    assertThat(c.stop()).containsExactly(5000.0);
  }

  @Test
  void aLastPartialIntervalWithNothingBoundAddsNoSample() {
    FakeClock clock = new FakeClock();
    AtomicInteger bound = new AtomicInteger();
    ThroughputCollector c =
        new ThroughputCollector(clock, Duration.ofSeconds(1), bound::get, (r, n) -> {});
    c.start();
    bound.set(10);
    clock.step(Duration.ofSeconds(1));
    clock.step(Duration.ofMillis(300));
    assertThat(c.stop()).containsExactly(10.0);
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
    assertThat(c.stop()).containsExactly(100.0, 10.0);
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
    assertThat(c.stop()).containsExactly(3.0);
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
    assertThat(c.stop()).containsExactly(3.0);
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
    assertThat(c.stop()).isEmpty();
  }
}
