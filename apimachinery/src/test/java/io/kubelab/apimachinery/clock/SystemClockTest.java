package io.kubelab.apimachinery.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The real clock, with real (short) timers; latches with generous timeouts, no sleeps. */
class SystemClockTest {

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
      assertThat(once.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(thrice.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(thread.get()).isEqualTo("system-clock-test-timer-1");
      t.close();
      assertThat(t.isCancelled()).isTrue();
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
      assertThat(runs.await(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void closeStopsEveryTimerThread() {
    SystemClock clock = new SystemClock("system-clock-close", 2);
    clock.every(Duration.ofMillis(1), () -> {});
    clock.close();
    assertThat(
            Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("system-clock-close-") && t.isAlive()))
        .isEmpty();
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
    }
  }
}
