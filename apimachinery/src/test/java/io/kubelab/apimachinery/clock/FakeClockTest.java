package io.kubelab.apimachinery.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class FakeClockTest {

  private final FakeClock clock = new FakeClock();

  /** Seconds since the clock's start, with milliseconds: "1.6". */
  private String at() {
    long ms = clock.since(FakeClock.DEFAULT_START).toMillis();
    return ms % 1000 == 0 ? Long.toString(ms / 1000) : (ms / 1000) + "." + (ms % 1000) / 100;
  }

  /** Runs nothing until told: a goroutine that has not been scheduled yet. */
  static final class ManualExecutor implements Executor {
    final ArrayDeque<Runnable> queue = new ArrayDeque<>();

    @Override
    public void execute(Runnable r) {
      queue.add(r);
    }

    void runAll() {
      Runnable r;
      while ((r = queue.poll()) != null) {
        r.run();
      }
    }
  }

  @Test
  void stepFiresDueTimersInTimeOrderAndPeriodicOnesAsOftenAsTheyFit() {
    List<String> fired = new ArrayList<>();
    clock.schedule(Duration.ofSeconds(3), () -> fired.add("once@" + at()));
    clock.every(Duration.ofSeconds(2), () -> fired.add("tick@" + at()));

    clock.step(Duration.ofSeconds(7));

    assertThat(fired).containsExactly("tick@2", "once@3", "tick@4", "tick@6");
    assertThat(clock.now()).isEqualTo(FakeClock.DEFAULT_START.plusSeconds(7));
  }

  @Test
  void slidingLoopCountsThePeriodFromTheEndOfEachRun() {
    // wait.Until(relist, 1s): a relist that takes 0.6 s is followed 1 s after it ends.
    List<Long> durations = new ArrayList<>(List.of(600L, 5000L, 0L, 0L));
    List<String> starts = new ArrayList<>();
    clock.until(
        Duration.ZERO,
        Duration.ofSeconds(1),
        Clock.ON_TIMER_THREAD,
        () -> {
          starts.add(at());
          clock.step(Duration.ofMillis(durations.isEmpty() ? 0 : durations.remove(0)));
        });
    clock.step(Duration.ofSeconds(10));
    assertThat(starts).containsExactly("0", "1.6", "7.6", "8.6", "9.6");
  }

  @Test
  void tickerKeepsOneTickWaitingDuringASlowRunAndDropsTheRest() {
    // time.NewTicker(1s): a run that takes 5 s is followed at once by one run (the tick that
    // waited in the channel), then the grid resumes; no burst of four catch-up runs.
    List<Long> durations = new ArrayList<>(List.of(0L, 5000L, 0L, 300L));
    List<String> starts = new ArrayList<>();
    clock.ticker(
        Duration.ZERO,
        Duration.ofSeconds(1),
        Clock.ON_TIMER_THREAD,
        () -> {
          starts.add(at());
          clock.step(Duration.ofMillis(durations.isEmpty() ? 0 : durations.remove(0)));
        });
    clock.step(Duration.ofSeconds(9));
    assertThat(starts).containsExactly("0", "1", "6", "7", "8", "9");
  }

  @Test
  void aTickerWhoseExecutorIsBusyHoldsOneTickNotFive() {
    ManualExecutor goroutine = new ManualExecutor();
    List<String> runs = new ArrayList<>();
    clock.ticker(Duration.ofSeconds(1), Duration.ofSeconds(1), goroutine, () -> runs.add(at()));
    clock.step(Duration.ofSeconds(5)); // five ticks, nobody reading
    assertThat(goroutine.queue).hasSize(1);
    goroutine.runAll();
    assertThat(runs).containsExactly("5");
    clock.step(Duration.ofSeconds(1));
    goroutine.runAll();
    assertThat(runs).containsExactly("5", "6");
  }

  @Test
  void aSlidingLoopWaitsForItsExecutorBeforeArmingTheNextRun() {
    ManualExecutor goroutine = new ManualExecutor();
    List<String> runs = new ArrayList<>();
    clock.until(Duration.ZERO, Duration.ofSeconds(1), goroutine, () -> runs.add(at()));
    clock.step(Duration.ZERO);
    clock.step(Duration.ofSeconds(3)); // the run has not happened: nothing is armed
    assertThat(clock.pendingTimers()).isZero();
    goroutine.runAll();
    assertThat(runs).containsExactly("3");
    assertThat(clock.nextDue()).isEqualTo(FakeClock.DEFAULT_START.plusSeconds(4));
  }

  @Test
  void closingALoopStopsItsRunsAndDropsAWaitingTick() {
    ManualExecutor goroutine = new ManualExecutor();
    List<String> runs = new ArrayList<>();
    Clock.Timer t =
        clock.ticker(Duration.ZERO, Duration.ofSeconds(1), goroutine, () -> runs.add(at()));
    clock.step(Duration.ofSeconds(2));
    t.close();
    goroutine.runAll();
    clock.step(Duration.ofSeconds(5));
    assertThat(runs).isEmpty();
    assertThat(t.isCancelled()).isTrue();
    assertThat(clock.pendingTimers()).isZero();

    Clock.Timer s = clock.until(Duration.ZERO, Duration.ofSeconds(1), goroutine, () -> {});
    clock.step(Duration.ZERO);
    s.close();
    goroutine.runAll();
    assertThat(clock.pendingTimers()).as("a closed sliding loop does not re-arm").isZero();
  }

  @Test
  void aTickerWhoseRunThrowsStartsAFreshConsumerOnTheNextTick() {
    List<String> runs = new ArrayList<>();
    clock.ticker(
        Duration.ofSeconds(1),
        Duration.ofSeconds(1),
        Clock.ON_TIMER_THREAD,
        () -> {
          runs.add(at());
          if (runs.size() == 1) {
            throw new IllegalStateException("boom");
          }
        });
    assertThatThrownBy(() -> clock.step(Duration.ofSeconds(1))).hasMessage("boom");
    clock.step(Duration.ofSeconds(2));
    assertThat(runs).containsExactly("1", "2", "3");
  }

  @Test
  void aSlidingRunThatThrowsStillArmsTheNextRun() {
    List<String> runs = new ArrayList<>();
    clock.until(
        Duration.ZERO,
        Duration.ofSeconds(2),
        Clock.ON_TIMER_THREAD,
        () -> {
          runs.add(at());
          throw new IllegalStateException("boom");
        });
    assertThatThrownBy(() -> clock.step(Duration.ZERO)).hasMessage("boom");
    assertThatThrownBy(() -> clock.step(Duration.ofSeconds(2))).hasMessage("boom");
    assertThat(runs).containsExactly("0", "2");
  }

  @Test
  void aNestedStepNeverSendsTimeBack() {
    clock.schedule(Duration.ofSeconds(1), () -> clock.step(Duration.ofSeconds(10)));
    clock.step(Duration.ofSeconds(2));
    assertThat(at()).isEqualTo("11");
  }

  @Test
  void closedTimerNeverFires() {
    List<Integer> fired = new ArrayList<>();
    Clock.Timer t = clock.every(Duration.ofSeconds(1), () -> fired.add(1));
    clock.step(Duration.ofSeconds(2));
    t.close();
    t.close();
    clock.step(Duration.ofSeconds(5));
    assertThat(fired).hasSize(2);
    assertThat(t.isCancelled()).isTrue();
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void aOneShotThatRanIsDoneNotCancelled() {
    Clock.Timer once = clock.schedule(Duration.ofSeconds(1), () -> {});
    Clock.Timer never = clock.schedule(Duration.ofSeconds(5), () -> {});
    clock.step(Duration.ofSeconds(2));
    once.close();
    never.close();
    assertThat(once.isCancelled()).isFalse();
    assertThat(never.isCancelled()).isTrue();
    assertThat(clock.pendingTimers()).isZero();
    assertThat(clock.toString()).isEqualTo("FakeClock[2020-01-01T00:00:02Z, 0 timers]");
  }

  @Test
  void badArgumentsAreRejected() {
    assertThatThrownBy(() -> clock.step(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("step must not be negative, got PT-1S");
    assertThatThrownBy(() -> clock.schedule(null, () -> {})).hasMessage("delay must not be null");
    assertThatThrownBy(() -> clock.schedule(Duration.ZERO, null))
        .hasMessage("task must not be null");
    assertThatThrownBy(() -> clock.until(Duration.ZERO, Duration.ZERO, Runnable::run, () -> {}))
        .hasMessage("period must be positive, got PT0S");
    assertThatThrownBy(
            () ->
                clock.ticker(
                    Duration.ofSeconds(-1), Duration.ofSeconds(1), Runnable::run, () -> {}))
        .hasMessage("initial delay must not be negative, got PT-1S");
    assertThatThrownBy(() -> clock.ticker(Duration.ZERO, Duration.ofSeconds(1), null, () -> {}))
        .hasMessage("executor must not be null");
    assertThatThrownBy(() -> clock.until(Duration.ZERO, Duration.ofSeconds(1), Runnable::run, null))
        .hasMessage("task must not be null");
    assertThatThrownBy(() -> clock.ticker(Duration.ZERO, null, Runnable::run, () -> {}))
        .hasMessage("period must not be null");
    assertThatThrownBy(() -> clock.setTime(FakeClock.DEFAULT_START.minusSeconds(1)))
        .hasMessageContaining("cannot go back in time");
    assertThat(clock.pendingTimers()).isZero();
  }
}
