package io.kubelab.apimachinery.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

class FakeClockPropertiesTest {

  /** A timer to schedule: one-shot if period is 0; times in whole milliseconds. */
  record Spec(long delay, long period) {}

  record Fired(int timer, Instant at, Instant seenNow) {}

  private static final Gen<Spec> SPECS =
      Generate.range(0, 5000)
          .zip(
              Generate.frequency(
                  org.quicktheories.api.Pair.of(1, Generate.constant(0)),
                  org.quicktheories.api.Pair.of(2, Generate.range(1, 3000))),
              (d, p) -> new Spec(d, p));

  private static final Gen<List<Spec>> TIMERS = SourceDSL.lists().of(SPECS).ofSizeBetween(1, 8);

  private static final Gen<List<Integer>> STEPS =
      SourceDSL.lists().of(Generate.range(0, 4000)).ofSizeBetween(1, 6);

  @Test
  void timersFireInTimeOrderAtTheirDueTimesExactlyAsOftenAsPeriodsFit() {
    qt().withFixedSeed(2020L)
        .withExamples(300)
        .forAll(TIMERS, STEPS)
        .checkAssert(
            (timers, steps) -> {
              FakeClock clock = new FakeClock();
              Instant t0 = clock.now();
              List<Fired> fired = new ArrayList<>();
              for (int i = 0; i < timers.size(); i++) {
                int id = i;
                Spec s = timers.get(i);
                Runnable task = () -> fired.add(new Fired(id, null, clock.now()));
                if (s.period() == 0) {
                  clock.schedule(Duration.ofMillis(s.delay()), task);
                } else {
                  clock.every(Duration.ofMillis(s.delay()), Duration.ofMillis(s.period()), task);
                }
              }
              long total = 0;
              for (int step : steps) {
                clock.step(Duration.ofMillis(step));
                total += step;
              }
              assertThat(clock.now()).isEqualTo(t0.plusMillis(total));

              // in time order
              for (int i = 1; i < fired.size(); i++) {
                assertThat(fired.get(i).seenNow()).isAfterOrEqualTo(fired.get(i - 1).seenNow());
              }
              // each timer at delay, delay+period, ... while <= total, and nothing else
              for (int i = 0; i < timers.size(); i++) {
                Spec s = timers.get(i);
                List<Instant> want = new ArrayList<>();
                if (s.delay() <= total) {
                  if (s.period() == 0) {
                    want.add(t0.plusMillis(s.delay()));
                  } else {
                    for (long at = s.delay(); at <= total; at += s.period()) {
                      want.add(t0.plusMillis(at));
                    }
                  }
                }
                int id = i;
                assertThat(fired.stream().filter(f -> f.timer() == id).map(Fired::seenNow).toList())
                    .as("timer %d %s after %d ms", i, s, total)
                    .isEqualTo(want);
              }
            });
  }

  /** A loop to run: its first delay, its period, and how long each run takes (ms, cycled). */
  record Loop(long delay, long period, List<Integer> runMillis) {}

  private static final Gen<Loop> LOOPS =
      Generate.range(0, 3000)
          .zip(
              Generate.range(1, 2000),
              SourceDSL.lists()
                  .of(
                      Generate.frequency(
                          org.quicktheories.api.Pair.of(2, Generate.constant(0)),
                          org.quicktheories.api.Pair.of(3, Generate.range(1, 7000))))
                  .ofSizeBetween(1, 6),
              (d, p, runs) -> new Loop(d, p, runs));

  /**
   * Starts of runs (ms since the clock's start, up to {@code total}) of a loop whose runs step the
   * clock to take time.
   */
  private static List<Long> runStarts(Loop loop, boolean ticker, long total) {
    FakeClock clock = new FakeClock();
    List<Long> starts = new ArrayList<>();
    Runnable task =
        () -> {
          long start = clock.since(FakeClock.DEFAULT_START).toMillis();
          starts.add(start);
          if (start <= total) { // later runs take no time, so that the loop winds down
            clock.step(
                Duration.ofMillis(
                    loop.runMillis().get((starts.size() - 1) % loop.runMillis().size())));
          }
        };
    Duration delay = Duration.ofMillis(loop.delay());
    Duration period = Duration.ofMillis(loop.period());
    if (ticker) {
      clock.ticker(delay, period, Clock.ON_TIMER_THREAD, task);
    } else {
      clock.until(delay, period, Clock.ON_TIMER_THREAD, task);
    }
    clock.step(Duration.ofMillis(total));
    return starts.stream().filter(t -> t <= total).toList();
  }

  @Test
  void aSlidingLoopStartsEachRunOnePeriodAfterThePreviousOneEnded() {
    qt().withFixedSeed(1818L)
        .withExamples(300)
        .forAll(LOOPS, Generate.range(0, 30_000))
        .checkAssert(
            (loop, total) -> {
              // wait.Until, written as plainly as possible.
              List<Long> want = new ArrayList<>();
              long start = loop.delay();
              while (start <= total) {
                want.add(start);
                long end =
                    start + loop.runMillis().get((want.size() - 1) % loop.runMillis().size());
                start = end + loop.period();
              }
              assertThat(runStarts(loop, false, total))
                  .as("%s for %d ms", loop, total)
                  .isEqualTo(want);
            });
  }

  @Test
  void aTickerRunsOnItsGridKeepingOneMissedTickAndDroppingTheRest() {
    qt().withFixedSeed(1819L)
        .withExamples(300)
        .forAll(LOOPS, Generate.range(0, 30_000))
        .checkAssert(
            (loop, total) -> {
              // time.NewTicker read by one goroutine: ticks at delay + k*period; a tick that finds
              // the reader busy waits in the one-slot channel, later ones are dropped.
              List<Long> want = new ArrayList<>();
              long busyUntil = -1; // end of the run in progress
              boolean waiting = false;
              for (long tick = loop.delay(); tick <= total || (waiting && busyUntil <= total); ) {
                if (waiting && busyUntil < tick) {
                  // The waiting tick is read the moment the run ends.
                  waiting = false;
                  want.add(busyUntil);
                  busyUntil += loop.runMillis().get((want.size() - 1) % loop.runMillis().size());
                  continue;
                }
                if (tick > total) {
                  break;
                }
                if (tick <= busyUntil) {
                  waiting = true; // the reader is busy (a tick at the very end counts as busy)
                } else {
                  want.add(tick);
                  busyUntil =
                      tick + loop.runMillis().get((want.size() - 1) % loop.runMillis().size());
                }
                tick += loop.period();
              }
              assertThat(runStarts(loop, true, total))
                  .as("%s for %d ms", loop, total)
                  .isEqualTo(want);
            });
  }

  @Test
  void simultaneousTimersFireInTheOrderTheyWereScheduled() {
    FakeClock clock = new FakeClock();
    List<String> order = new ArrayList<>();
    for (String name : List.of("c", "a", "b")) {
      clock.schedule(Duration.ofSeconds(1), () -> order.add(name));
    }
    clock.step(Duration.ofSeconds(1));
    assertThat(order).containsExactly("c", "a", "b");
  }

  @Test
  void aTimerScheduledByAFiringTaskFiresInTheSameStepIfDue() {
    FakeClock clock = new FakeClock();
    List<Long> at = new ArrayList<>();
    clock.schedule(
        Duration.ofSeconds(1),
        () ->
            clock.schedule(
                Duration.ofSeconds(2),
                () -> at.add(clock.since(FakeClock.DEFAULT_START).toSeconds())));
    clock.step(Duration.ofSeconds(5));
    assertThat(at).containsExactly(3L);
  }

  @Test
  void aPeriodicTaskThatClosesItselfStops() {
    FakeClock clock = new FakeClock();
    List<Integer> runs = new ArrayList<>();
    Clock.Timer[] self = new Clock.Timer[1];
    self[0] =
        clock.every(
            Duration.ofSeconds(1),
            () -> {
              runs.add(runs.size());
              if (runs.size() == 3) {
                self[0].close();
              }
            });
    clock.step(Duration.ofSeconds(10));
    assertThat(runs).hasSize(3);
    assertThat(clock.pendingTimers()).isZero();
    assertThat(clock.nextDue()).isNull();
  }

  @Test
  void setTimeNeverGoesBackwards() {
    FakeClock clock = new FakeClock();
    clock.step(Duration.ofSeconds(5));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> clock.setTime(FakeClock.DEFAULT_START))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot go back in time");
  }
}
