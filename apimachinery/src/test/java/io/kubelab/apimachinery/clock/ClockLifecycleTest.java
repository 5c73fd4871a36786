package io.kubelab.apimachinery.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a timer leaves behind: a closed loop holds no pending timer, a run handed to a busy executor
 * does not happen once the loop is closed (wait.Until checks its stop channel before each run), and
 * time set forward fires what fell due.
 */
@Timeout(60)
class ClockLifecycleTest {

  private final FakeClock clock = new FakeClock();

  @Test
  void pendingTimersCountsWaitingOneShotsAndLoops() {
    assertThat(clock.pendingTimers()).isZero();
    Clock.Timer once = clock.schedule(Duration.ofSeconds(5), () -> {});
    Clock.Timer loop = clock.every(Duration.ofSeconds(1), () -> {});
    Clock.Timer ticker =
        clock.ticker(Duration.ZERO, Duration.ofSeconds(1), Clock.ON_TIMER_THREAD, () -> {});
    assertThat(clock.pendingTimers()).isEqualTo(3);
    assertThat(loop.isCancelled()).isFalse();
    assertThat(ticker.isCancelled()).isFalse();

    loop.close();
    ticker.close();
    assertThat(clock.pendingTimers()).isEqualTo(1);
    assertThat(loop.isCancelled()).isTrue();
    assertThat(ticker.isCancelled()).isTrue();
    once.close();
    assertThat(clock.pendingTimers()).isZero();
    assertThat(clock.nextDue()).isNull();
  }

  @Test
  void aLoopThatClosesItselfDuringItsRunIsNotArmedAgain() {
    AtomicReference<Clock.Timer> self = new AtomicReference<>();
    List<Instant> runs = new ArrayList<>();
    self.set(
        clock.every(
            Duration.ofSeconds(1),
            () -> {
              runs.add(clock.now());
              if (runs.size() == 2) {
                self.get().close();
              }
            }));
    clock.step(Duration.ofSeconds(10));
    assertThat(runs)
        .containsExactly(
            FakeClock.DEFAULT_START.plusSeconds(1), FakeClock.DEFAULT_START.plusSeconds(2));
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void aRunWaitingForItsExecutorDoesNotHappenAfterTheLoopIsClosed() {
    FakeClockTest.ManualExecutor executor = new FakeClockTest.ManualExecutor();
    List<Instant> runs = new ArrayList<>();
    Clock.Timer loop =
        clock.until(Duration.ZERO, Duration.ofSeconds(1), executor, () -> runs.add(clock.now()));
    clock.step(Duration.ZERO);
    assertThat(executor.queue).hasSize(1);
    loop.close();
    executor.runAll();
    assertThat(runs).isEmpty();
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void aTimerRunsAtItsDueTimeWithinALongerStep() {
    List<Instant> seen = new ArrayList<>();
    clock.schedule(Duration.ofSeconds(3), () -> seen.add(clock.now()));
    clock.schedule(Duration.ofSeconds(3), () -> seen.add(clock.now()));
    clock.step(Duration.ofSeconds(10));
    assertThat(seen)
        .containsExactly(
            FakeClock.DEFAULT_START.plusSeconds(3), FakeClock.DEFAULT_START.plusSeconds(3));
    assertThat(clock.now()).isEqualTo(FakeClock.DEFAULT_START.plusSeconds(10));
  }

  @Test
  void settingTheTimeForwardFiresWhatFellDue() {
    List<Instant> seen = new ArrayList<>();
    clock.schedule(Duration.ofSeconds(3), () -> seen.add(clock.now()));
    clock.schedule(Duration.ofSeconds(30), () -> seen.add(clock.now()));
    clock.setTime(FakeClock.DEFAULT_START.plusSeconds(5));
    assertThat(seen).containsExactly(FakeClock.DEFAULT_START.plusSeconds(3));
    assertThat(clock.now()).isEqualTo(FakeClock.DEFAULT_START.plusSeconds(5));
    clock.setTime(FakeClock.DEFAULT_START.plusSeconds(5)); // the same instant is not going back
    assertThat(clock.pendingTimers()).isEqualTo(1);
    assertThat(clock.nextDue()).isEqualTo(FakeClock.DEFAULT_START.plusSeconds(30));
  }

  @Test
  void aLoopsInitialDelayMustNotBeNegative() {
    assertThatThrownBy(
            () ->
                clock.until(
                    Duration.ofSeconds(-1), Duration.ofSeconds(1), Clock.ON_TIMER_THREAD, () -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("initial delay must not be negative, got PT-1S");
    assertThatThrownBy(() -> clock.every(Duration.ofSeconds(-2), Duration.ofSeconds(1), () -> {}))
        .hasMessage("initial delay must not be negative, got PT-2S");
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void aRealOneShotCanBeCancelledAndRunsOnADaemonThread() throws InterruptedException {
    try (SystemClock real = new SystemClock("lifecycle-test", 1)) {
      Clock.Timer later = real.schedule(Duration.ofHours(1), () -> {});
      assertThat(later.isCancelled()).isFalse();
      later.close();
      assertThat(later.isCancelled()).isTrue();

      AtomicBoolean daemon = new AtomicBoolean();
      CountDownLatch ran = new CountDownLatch(1);
      Clock.Timer now =
          real.schedule(
              Duration.ZERO,
              () -> {
                daemon.set(Thread.currentThread().isDaemon());
                ran.countDown();
              });
      assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(daemon).isTrue();
      assertThat(now.isCancelled()).isFalse();
    }
  }
}
