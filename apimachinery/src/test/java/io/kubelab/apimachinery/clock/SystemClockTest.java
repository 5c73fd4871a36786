package io.kubelab.apimachinery.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real clock, with real (short) timers. No sleeps: every wait is a latch with a bound, and
 * timing claims are lower bounds (a timer never fires early), which load cannot break.
 */
@Timeout(60)
class SystemClockTest {

  private static final long WAIT = 30;

  private final ExecutorService goroutine =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "system-clock-test-goroutine"));

  @AfterEach
  void stopGoroutine() throws InterruptedException {
    goroutine.shutdownNow();
    assertThat(goroutine.awaitTermination(WAIT, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void timersRunOnNamedThreadsAndPeriodicOnesRepeat() throws InterruptedException {
    try (SystemClock clock = new SystemClock("system-clock-test", 1)) {
      AtomicReference<String> thread = new AtomicReference<>();
      CountDownLatch once = new CountDownLatch(1);
      clock.schedule(
          Duration.ofMillis(5),
          () -> {
            thread.set(Thread.currentThread().getName());
            once.countDown();
          });
      CountDownLatch thrice = new CountDownLatch(3);
      Clock.Timer t = clock.every(Duration.ZERO, Duration.ofMillis(5), thrice::countDown);
      assertThat(once.await(WAIT, TimeUnit.SECONDS)).isTrue();
      assertThat(thrice.await(WAIT, TimeUnit.SECONDS)).isTrue();
      assertThat(thread.get()).isEqualTo("system-clock-test-timer-1");
      t.close();
      assertThat(t.isCancelled()).isTrue();
    }
  }

  @Test
  void loopsRunOnTheirExecutorNeverOnTheTimerThread() throws InterruptedException {
    try (SystemClock clock = new SystemClock("system-clock-loops", 1)) {
      List<String> threads = new CopyOnWriteArrayList<>();
      CountDownLatch runs = new CountDownLatch(4);
      Runnable task =
          () -> {
            threads.add(Thread.currentThread().getName());
            runs.countDown();
          };
      Clock.Timer sliding = clock.until(Duration.ZERO, Duration.ofMillis(2), goroutine, task);
      Clock.Timer ticker = clock.ticker(Duration.ZERO, Duration.ofMillis(2), goroutine, task);
      assertThat(runs.await(WAIT, TimeUnit.SECONDS)).isTrue();
      sliding.close();
      ticker.close();
      assertThat(threads).allMatch("system-clock-test-goroutine"::equals);
    }
  }

  @Test
  void aBlockedRunDoesNotHoldUpTheOtherTimersOfTheClock() throws InterruptedException {
    try (SystemClock clock = new SystemClock("system-clock-blocked", 1)) {
      CountDownLatch probing = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      clock.ticker(
          Duration.ZERO,
          Duration.ofMillis(1),
          goroutine,
          () -> {
            probing.countDown();
            await(release); // a probe that hangs until its timeout
          });
      assertThat(probing.await(WAIT, TimeUnit.SECONDS)).isTrue();
      CountDownLatch other = new CountDownLatch(1);
      clock.schedule(Duration.ofMillis(1), other::countDown);
      assertThat(other.await(WAIT, TimeUnit.SECONDS)).as("the one timer thread is free").isTrue();
      release.countDown();
    }
  }

  @Test
  void aSlidingLoopStartsTheNextRunAPeriodAfterTheEndOfTheLast() throws InterruptedException {
    long period = TimeUnit.MILLISECONDS.toNanos(20);
    try (SystemClock clock = new SystemClock("system-clock-sliding", 1)) {
      AtomicLong end1 = new AtomicLong();
      AtomicLong start2 = new AtomicLong();
      AtomicInteger run = new AtomicInteger();
      CountDownLatch slowRunMayEnd = new CountDownLatch(1);
      CountDownLatch second = new CountDownLatch(1);
      clock.schedule(Duration.ofNanos(3 * period), slowRunMayEnd::countDown);
      clock.until(
          Duration.ZERO,
          Duration.ofNanos(period),
          goroutine,
          () -> {
            if (run.incrementAndGet() == 1) {
              await(slowRunMayEnd); // a relist that takes three periods
              end1.set(System.nanoTime());
            } else if (run.get() == 2) {
              start2.set(System.nanoTime());
              second.countDown();
            }
          });
      assertThat(second.await(WAIT, TimeUnit.SECONDS)).isTrue();
      // A fixed-rate timer would start the second run at once, to catch up.
      assertThat(start2.get() - end1.get()).isGreaterThanOrEqualTo(period);
    }
  }

  @Test
  void aTickerDropsTheTicksMissedDuringASlowRunInsteadOfCatchingUp() throws InterruptedException {
    long period = TimeUnit.MILLISECONDS.toNanos(20);
    try (SystemClock clock = new SystemClock("system-clock-ticker", 1)) {
      AtomicInteger runs = new AtomicInteger();
      CountDownLatch slowRunMayEnd = new CountDownLatch(1);
      CountDownLatch fourRuns = new CountDownLatch(4);
      long base = System.nanoTime();
      clock.schedule(Duration.ofNanos(10 * period), slowRunMayEnd::countDown);
      Clock.Timer t =
          clock.ticker(
              Duration.ZERO,
              Duration.ofNanos(period),
              goroutine,
              () -> {
                if (runs.incrementAndGet() == 1) {
                  await(slowRunMayEnd); // nine or more ticks go by meanwhile
                }
                fourRuns.countDown();
              });
      assertThat(fourRuns.await(WAIT, TimeUnit.SECONDS)).isTrue();
      t.close();
      long gridPoints = (System.nanoTime() - base) / period + 1;
      // One tick waited during the slow run and at least eight were dropped. A fixed-rate timer
      // would have run once per grid point.
      assertThat(runs.get()).isLessThanOrEqualTo((int) gridPoints - 7);
    }
  }

  @Test
  void aThrowingPeriodicTaskKeepsItsSchedule() throws InterruptedException {
    try (SystemClock clock = new SystemClock("system-clock-throw", 1)) {
      CountDownLatch runs = new CountDownLatch(3);
      Thread.UncaughtExceptionHandler quiet = (th, e) -> {};
      clock.schedule(
          Duration.ZERO, () -> Thread.currentThread().setUncaughtExceptionHandler(quiet));
      clock.every(
          Duration.ofMillis(1),
          Duration.ofMillis(5),
          () -> {
            runs.countDown();
            throw new IllegalStateException("boom");
          });
      assertThat(runs.await(WAIT, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void closeStopsAndJoinsEveryTimerThread() throws InterruptedException {
    SystemClock clock = new SystemClock("system-clock-close", 2);
    clock.every(Duration.ofMillis(1), () -> {});
    clock.until(Duration.ZERO, Duration.ofMillis(1), goroutine, () -> {});
    // A task caught mid-run on a timer thread: close() interrupts it and waits for it to end.
    CountDownLatch running = new CountDownLatch(1);
    clock.schedule(
        Duration.ZERO,
        () -> {
          running.countDown();
          try {
            new CountDownLatch(1).await(WAIT, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    assertThat(running.await(WAIT, TimeUnit.SECONDS)).isTrue();
    clock.close();
    // close() returns only once its threads have ended (it joins them), so this is no race.
    assertThat(
            Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("system-clock-close-") && t.isAlive())
                .map(Thread::getName))
        .isEmpty();
    // A loop armed after the clock closed never runs, and arming it does not fail.
    AtomicInteger runs = new AtomicInteger();
    clock.until(Duration.ZERO, Duration.ofMillis(1), Runnable::run, runs::incrementAndGet);
    assertThat(runs).hasValue(0);
    clock.close(); // a second close is harmless
  }

  @Test
  void closeNamesATimerThreadThatWillNotStop() throws InterruptedException {
    SystemClock clock = new SystemClock("system-clock-stuck", 1);
    AtomicReference<Thread> stuck = new AtomicReference<>();
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    clock.schedule(
        Duration.ZERO,
        () -> {
          stuck.set(Thread.currentThread());
          running.countDown();
          while (true) {
            try {
              if (release.await(WAIT, TimeUnit.SECONDS)) {
                return;
              }
            } catch (InterruptedException ignored) {
              // a task that ignores interruption
            }
          }
        });
    assertThat(running.await(WAIT, TimeUnit.SECONDS)).isTrue();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread closer =
        new Thread(
            () -> {
              try {
                clock.close();
              } catch (RuntimeException e) {
                thrown.set(e);
              }
            },
            "system-clock-stuck-closer");
    // An interrupt cuts close()'s wait short; the thread that is still alive is then named.
    closer.start();
    closer.interrupt();
    closer.join(TimeUnit.SECONDS.toMillis(WAIT));
    release.countDown();
    stuck.get().join(TimeUnit.SECONDS.toMillis(WAIT));
    assertThat(closer.isAlive()).isFalse();
    assertThat(stuck.get().isAlive()).isFalse();
    assertThat(thrown.get())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "SystemClock: timer threads [system-clock-stuck-timer-1] did not stop within "
                + SystemClock.CLOSE_TIMEOUT);
  }

  @Test
  void badArgumentsAreRejected() {
    assertThatThrownBy(() -> new SystemClock("c", 0)).hasMessageContaining("threads must be >= 1");
    try (SystemClock clock = new SystemClock("system-clock-args", 1)) {
      assertThatThrownBy(() -> clock.schedule(Duration.ofSeconds(-1), () -> {}))
          .hasMessageContaining("delay must not be negative");
      assertThatThrownBy(() -> clock.every(Duration.ZERO, () -> {}))
          .hasMessageContaining("period must be positive");
      assertThatThrownBy(() -> clock.schedule(Duration.ZERO, null))
          .hasMessageContaining("task must not be null");
      assertThatThrownBy(() -> clock.ticker(Duration.ZERO, Duration.ofSeconds(1), null, () -> {}))
          .hasMessageContaining("executor must not be null");
      assertThat(clock.now())
          .isBetween(java.time.Instant.now().minusSeconds(60), java.time.Instant.now());
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(WAIT, TimeUnit.SECONDS)) {
        throw new IllegalStateException("latch not released in " + WAIT + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
