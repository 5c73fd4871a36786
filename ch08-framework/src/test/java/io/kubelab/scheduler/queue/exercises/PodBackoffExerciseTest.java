package io.kubelab.scheduler.queue.exercises;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.math.BigInteger;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Grades {@link PodBackoff}: upstream's backoff steps by hand, then generated attempts and
 * durations against the closed form {@code min(initial * 2^(attempts-1), max)} worked out here in
 * exact integers.
 */
@Tag("exercise")
class PodBackoffExerciseTest {

  private static Duration s(long seconds) {
    return Duration.ofSeconds(seconds);
  }

  @Test
  void theDefaultSteps() {
    // TestBackOffFlow's steps: attempts 1..7 wait 1, 2, 4, 8, 10, 10, 10 s.
    long[] want = {1, 1, 2, 4, 8, 10, 10, 10};
    for (int attempts = 0; attempts < want.length; attempts++) {
      assertThat(PodBackoff.calculateBackoffDuration(attempts, s(1), s(10)))
          .as("attempts %d", attempts)
          .isEqualTo(s(want[attempts]));
    }
    // A pod that failed a thousand times still waits the cap, with no overflow on the way.
    assertThat(PodBackoff.calculateBackoffDuration(1000, s(1), s(10))).isEqualTo(s(10));
    assertThat(PodBackoff.calculateBackoffDuration(Integer.MAX_VALUE, s(1), s(10)))
        .isEqualTo(s(10));
  }

  @Test
  void otherSettings() {
    // podInitialBackoffSeconds 2, podMaxBackoffSeconds 20: 2, 4, 8, 16, 20.
    assertThat(PodBackoff.calculateBackoffDuration(4, s(2), s(20))).isEqualTo(s(16));
    assertThat(PodBackoff.calculateBackoffDuration(5, s(2), s(20))).isEqualTo(s(20));
    // 3 s up to 10 s: 3, 6, then 12 is over the cap.
    assertThat(PodBackoff.calculateBackoffDuration(2, s(3), s(10))).isEqualTo(s(6));
    assertThat(PodBackoff.calculateBackoffDuration(3, s(3), s(10))).isEqualTo(s(10));
    // Equal initial and max: never more than that.
    assertThat(PodBackoff.calculateBackoffDuration(7, s(5), s(5))).isEqualTo(s(5));
  }

  @Test
  void generatedAttemptsAndDurations() {
    qt().withFixedSeed(0xbac0ffL)
        .withExamples(500)
        .forAll(
            integers().between(0, 200), integers().between(1, 5_000), integers().between(0, 60_000))
        .checkAssert(
            (attempts, initialMs, extraMs) -> {
              long maxMs = initialMs + extraMs;
              int doublings = Math.max(attempts, 1) - 1;
              BigInteger grown = BigInteger.valueOf(initialMs).shiftLeft(doublings);
              long wantMs = grown.min(BigInteger.valueOf(maxMs)).longValueExact();
              assertThat(
                      PodBackoff.calculateBackoffDuration(
                          attempts, Duration.ofMillis(initialMs), Duration.ofMillis(maxMs)))
                  .as("attempts %d, initial %d ms, max %d ms", attempts, initialMs, maxMs)
                  .isEqualTo(Duration.ofMillis(wantMs));
            });
  }
}
