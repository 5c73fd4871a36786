package io.kubelab.scheduler.priorities.exercises;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.math.BigDecimal;
import java.math.MathContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Grades {@link BalancedAllocationExercise}: upstream's table, then a property against a statement
 * of the rule in 34-digit decimal arithmetic, which does not share the solution's floating-point
 * steps. The two may differ by one only where the exact score is a whole number (or within a hair
 * of one) and double arithmetic lands on the other side of it.
 */
@Tag("exercise")
class BalancedAllocationExerciseTest {

  @Test
  void upstreamsCases() {
    // (cpu requested, cpu allocatable, memory requested, memory allocatable) -> score
    assertThat(BalancedAllocationExercise.score(0, 4000, 0, 10000)).isEqualTo(100);
    assertThat(BalancedAllocationExercise.score(3000, 4000, 5000, 10000)).isEqualTo(75);
    assertThat(BalancedAllocationExercise.score(3000, 6000, 5000, 10000)).isEqualTo(100);
    assertThat(BalancedAllocationExercise.score(6000, 10000, 0, 20000)).isEqualTo(40);
    assertThat(BalancedAllocationExercise.score(6000, 10000, 5000, 20000)).isEqualTo(65);
    assertThat(BalancedAllocationExercise.score(6000, 10000, 10000, 20000)).isEqualTo(90);
    assertThat(BalancedAllocationExercise.score(6000, 10000, 10000, 50000)).isEqualTo(60);
  }

  @Test
  void aFullOrOverCommittedResourceScoresZero() {
    assertThat(BalancedAllocationExercise.score(6000, 4000, 0, 10000)).isZero();
    assertThat(BalancedAllocationExercise.score(4000, 4000, 0, 10000)).isZero();
    assertThat(BalancedAllocationExercise.score(0, 4000, 10000, 10000)).isZero();
  }

  @Test
  void aNodeWithoutCapacityCountsAsFull() {
    assertThat(BalancedAllocationExercise.score(0, 0, 0, 0)).isZero();
    assertThat(BalancedAllocationExercise.score(0, 0, 1, 10)).isZero();
  }

  @Test
  void agreesWithTheExactRule() {
    qt().withFixedSeed(44)
        .withExamples(2000)
        .forAll(
            longs().between(0, 70_000),
            longs().between(0, 64_000),
            longs().between(0, 300L << 30),
            longs().between(0, 256L << 30))
        .checkAssert(
            (cpuReq, cpuCap, memReq, memCap) -> {
              long got = BalancedAllocationExercise.score(cpuReq, cpuCap, memReq, memCap);
              long exact = exact(cpuReq, cpuCap, memReq, memCap);
              assertThat(got).isBetween(exact - 1, exact + 1);
              if (got != exact) {
                BigDecimal v = exactValue(cpuReq, cpuCap, memReq, memCap);
                BigDecimal nearest = v.setScale(0, java.math.RoundingMode.HALF_UP);
                assertThat(v.subtract(nearest).abs()).isLessThan(new BigDecimal("1e-9"));
              }
            });
  }

  private static BigDecimal fraction(long requested, long capacity) {
    return capacity == 0
        ? BigDecimal.ONE
        : new BigDecimal(requested).divide(new BigDecimal(capacity), MathContext.DECIMAL128);
  }

  private static BigDecimal exactValue(long cpuReq, long cpuCap, long memReq, long memCap) {
    BigDecimal diff = fraction(cpuReq, cpuCap).subtract(fraction(memReq, memCap)).abs();
    return BigDecimal.ONE.subtract(diff).multiply(BigDecimal.valueOf(100));
  }

  private static long exact(long cpuReq, long cpuCap, long memReq, long memCap) {
    if (fraction(cpuReq, cpuCap).compareTo(BigDecimal.ONE) >= 0
        || fraction(memReq, memCap).compareTo(BigDecimal.ONE) >= 0) {
      return 0;
    }
    return exactValue(cpuReq, cpuCap, memReq, memCap).longValue();
  }
}
