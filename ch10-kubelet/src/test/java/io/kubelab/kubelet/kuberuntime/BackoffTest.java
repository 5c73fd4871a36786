package io.kubelab.kubelet.kuberuntime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelab.apimachinery.clock.FakeClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The crash-loop back-off: upstream's {@code backoff_test.go} ({@code TestSlowBackoff}, {@code
 * TestBackoffHighWaterMark}, {@code TestBackoffGC}) with a step of one second, and the bounds of
 * {@code IsInBackOffSince} and {@code hasExpired}.
 */
class BackoffTest {

  private static final Duration STEP = Duration.ofSeconds(1);
  private final FakeClock clock = new FakeClock();

  @Test
  void eachNextDoublesTheWindowUpToTheMaximum() {
    Backoff b = new Backoff(clock, STEP, STEP.multipliedBy(50));
    long[] expected = {0, 1, 2, 4, 8, 16, 32, 50, 50, 50};
    for (long seconds : expected) {
      clock.step(STEP);
      assertThat(b.get("_idSlow")).isEqualTo(STEP.multipliedBy(seconds));
      b.next("_idSlow", clock.now());
    }
    assertThat(b.get("other")).isZero();
  }

  @Test
  void theWindowStaysAtTheMaximumUntilTwiceTheMaximumPassesWithoutAnUpdate() {
    Duration max = STEP.multipliedBy(5);
    Backoff b = new Backoff(clock, STEP, max);
    for (int i = 0; i <= 5; i++) {
      clock.step(STEP);
      b.next("_idHiWaterMark", clock.now());
    }
    clock.step(max.plus(STEP));
    b.next("_idHiWaterMark", clock.now());
    assertThat(b.get("_idHiWaterMark")).isEqualTo(max);
    // Exactly twice the maximum is not yet "stable": the window stays.
    clock.step(max.multipliedBy(2));
    b.next("_idHiWaterMark", clock.now());
    assertThat(b.get("_idHiWaterMark")).isEqualTo(max);
    // A moment more and the next failure starts over at the initial window.
    clock.step(max.multipliedBy(2).plusNanos(1));
    b.next("_idHiWaterMark", clock.now());
    assertThat(b.get("_idHiWaterMark")).isEqualTo(STEP);
  }

  @Test
  void gcForgetsKeysNotUpdatedForMoreThanTwiceTheMaximum() {
    Duration max = STEP.multipliedBy(5);
    Backoff b = new Backoff(clock, STEP, max);
    for (int i = 0; i <= 5; i++) {
      clock.step(STEP);
      b.next("_idGC", clock.now());
    }
    clock.step(max.plus(STEP));
    b.gc();
    assertThat(b.size()).as("6 s after the last update").isEqualTo(1);
    clock.step(max.minus(STEP));
    b.gc();
    assertThat(b.size()).as("exactly 10 s after").isEqualTo(1);
    clock.step(Duration.ofNanos(1));
    b.gc();
    assertThat(b.size()).isZero();
    assertThat(b.get("_idGC")).isZero();
  }

  @Test
  void inBackOffWhileLessThanTheWindowHasPassedSinceTheEvent() {
    Duration max = STEP.multipliedBy(5);
    Backoff b = new Backoff(clock, STEP, max);
    Instant died = clock.now();
    assertThat(b.isInBackOffSince("c", died)).as("no window yet").isFalse();
    b.next("c", died);
    clock.step(Duration.ofMillis(999));
    assertThat(b.isInBackOffSince("c", died)).isTrue();
    clock.step(Duration.ofMillis(1));
    assertThat(b.isInBackOffSince("c", died)).as("a full window has passed").isFalse();
    assertThat(b.isInBackOffSince("other", died)).isFalse();
  }

  @Test
  void anEventLongAfterTheLastUpdateIsNotInBackOff() {
    Duration max = STEP.multipliedBy(5);
    Backoff b = new Backoff(clock, STEP.multipliedBy(4), max);
    Instant updated = clock.now();
    b.next("c", updated);
    // An event exactly twice the maximum after the update still counts against the window.
    clock.step(max.multipliedBy(2));
    Instant atTheBound = clock.now();
    clock.step(STEP);
    assertThat(b.isInBackOffSince("c", atTheBound)).isTrue();
    Instant past = atTheBound.plusNanos(1);
    assertThat(b.isInBackOffSince("c", past)).as("stable: the window has expired").isFalse();
  }

  @Test
  void theKubeletsContainerBackOffIsTenSecondsDoublingToFiveMinutes() {
    Backoff b = Backoff.forContainers(clock);
    Duration[] windows = new Duration[7];
    for (int i = 0; i < windows.length; i++) {
      b.next("pod_app", clock.now());
      windows[i] = b.get("pod_app");
      clock.step(Duration.ofSeconds(1));
    }
    assertThat(windows)
        .extracting(Duration::getSeconds)
        .containsExactly(10L, 20L, 40L, 80L, 160L, 300L, 300L);
  }
}
