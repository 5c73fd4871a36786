package io.kubelab.perf;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelab.apimachinery.clock.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
}
