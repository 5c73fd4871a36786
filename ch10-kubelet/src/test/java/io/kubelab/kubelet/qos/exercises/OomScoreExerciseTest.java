package io.kubelab.kubelet.qos.exercises;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.kubelab.kubelet.qos.QosClass;
import java.math.BigInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * Grades {@link OomScore}: the numbers of upstream's {@code policy_test.go} (v1.18), then the bands
 * and the formula over generated requests and capacities.
 */
@Tag("exercise")
class OomScoreExerciseTest {

  private static final long GB8 = 8_000_000_000L;

  @Test
  void theTable() {
    // Critical and Guaranteed pods: -998 whatever they request.
    assertThat(OomScore.containerOomScoreAdjust(QosClass.BEST_EFFORT, true, 0, GB8))
        .isEqualTo(-998);
    assertThat(OomScore.containerOomScoreAdjust(QosClass.GUARANTEED, false, 10_000_000_000L, 123))
        .isEqualTo(-998);
    // BestEffort: 1000, the first to go.
    assertThat(OomScore.containerOomScoreAdjust(QosClass.BEST_EFFORT, false, 0, GB8))
        .isEqualTo(1000);
    // Burstable with no memory request: 999, just below BestEffort.
    assertThat(OomScore.containerOomScoreAdjust(QosClass.BURSTABLE, false, 0, 4_000_000_000L))
        .isEqualTo(999);
    // Half the node's memory: 1000 - 500.
    assertThat(OomScore.containerOomScoreAdjust(QosClass.BURSTABLE, false, GB8 / 2, GB8))
        .isEqualTo(500);
    // Almost all of it: 1000 - 999 = 1, raised to 2 (above every Guaranteed container).
    assertThat(OomScore.containerOomScoreAdjust(QosClass.BURSTABLE, false, GB8 - 1, GB8))
        .isEqualTo(2);
    // More than the node has: still 2.
    assertThat(OomScore.containerOomScoreAdjust(QosClass.BURSTABLE, false, 3 * GB8, GB8))
        .isEqualTo(2);
    // Integer division truncates: 1000 - 1000·3999/8000 = 1000 - 499.
    assertThat(OomScore.containerOomScoreAdjust(QosClass.BURSTABLE, false, 3999, 8000))
        .isEqualTo(501);
    // A request so small that 1000·request/capacity is 0: 1000 would tie BestEffort, so 999.
    assertThat(OomScore.containerOomScoreAdjust(QosClass.BURSTABLE, false, 7, 8000)).isEqualTo(999);
  }

  @Test
  void burstableScoresFollowTheFormulaWithinTheirBand() {
    qt().withFixedSeed(1018L)
        .withExamples(2000)
        .forAll(
            Generate.longRange(0, 1L << 40),
            SourceDSL.longs().between(1, 1L << 40),
            Generate.longRange(0, 1L << 40))
        .checkAssert(
            (request, capacity, more) -> {
              int score =
                  OomScore.containerOomScoreAdjust(QosClass.BURSTABLE, false, request, capacity);
              // The same formula in exact arithmetic (no overflow for requests below 2^40).
              long raw =
                  1000
                      - BigInteger.valueOf(request)
                          .multiply(BigInteger.valueOf(1000))
                          .divide(BigInteger.valueOf(capacity))
                          .longValueExact();
              long expected = raw < 2 ? 2 : raw == 1000 ? 999 : raw;
              assertThat(score).as("request %d of %d", request, capacity).isEqualTo(expected);
              assertThat(score).isBetween(2, 999);
              int larger =
                  OomScore.containerOomScoreAdjust(
                      QosClass.BURSTABLE, false, request + more, capacity);
              assertThat(larger)
                  .as("a larger request never scores higher")
                  .isLessThanOrEqualTo(score);
            });
  }
}
