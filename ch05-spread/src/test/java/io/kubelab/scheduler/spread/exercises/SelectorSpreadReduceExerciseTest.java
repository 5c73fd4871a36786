package io.kubelab.scheduler.spread.exercises;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Grades {@link SelectorSpreadReduceExercise}: the chapter's worked examples and hand-worked cases,
 * then a property against a statement of the rule in 34-digit decimal arithmetic, which does not
 * share the solution's floating-point steps. The two may differ by one only where the exact score
 * is a whole number (or within a hair of one) and double arithmetic lands on the other side of it.
 */
@Tag("exercise")
class SelectorSpreadReduceExerciseTest {

  private static long[] reduce(long[] counts, String... zones) {
    return SelectorSpreadReduceExercise.reduce(counts, zones);
  }

  @Test
  void withoutZonesTheFullestNodeScoresZeroAndAnEmptyOneOneHundred() {
    assertThat(reduce(new long[] {2, 1, 0}, "", "", "")).containsExactly(0, 50, 100);
    assertThat(reduce(new long[] {0, 0}, "", "")).containsExactly(100, 100);
    assertThat(reduce(new long[] {3, 3}, "", "")).containsExactly(0, 0);
  }

  @Test
  void twoThirdsOfAZonedNodesScoreIsItsZones() {
    // The chapter's three-zone example: a (zone a) 2, b1 and b2 (zone b) 1 and 0, c (zone c) 0.
    assertThat(reduce(new long[] {2, 1, 0, 0}, "a", "b", "b", "c")).containsExactly(0, 50, 66, 100);
    // One node alone in its zone ties with an empty node of a fuller zone.
    assertThat(reduce(new long[] {1, 1, 1, 0}, "a", "b", "b", "b")).containsExactly(33, 0, 0, 33);
    // Nothing matches anywhere: every node, zoned or not, scores 100.
    assertThat(reduce(new long[] {0, 0, 0}, "a", "b", "")).containsExactly(100, 100, 100);
  }

  @Test
  void aNodeWithoutAZoneKeepsItsNodeScoreNextToZonedNodes() {
    assertThat(reduce(new long[] {1, 2}, "a", "")).containsExactly(16, 0);
    assertThat(reduce(new long[] {0, 1}, "", "a")).containsExactly(100, 0);
  }

  @Test
  void sixNodesInThreeZones() {
    // Two nodes per zone; each case is worked out by hand from the rule.
    String[] zones = {"z1", "z1", "z2", "z2", "z3", "z3"};
    assertThat(reduce(new long[] {0, 0, 0, 0, 0, 0}, zones))
        .containsExactly(100, 100, 100, 100, 100, 100);
    assertThat(reduce(new long[] {1, 0, 0, 0, 0, 0}, zones))
        .containsExactly(0, 33, 100, 100, 100, 100);
    assertThat(reduce(new long[] {0, 1, 0, 1, 0, 0}, zones))
        .containsExactly(33, 0, 33, 0, 100, 100);
    assertThat(reduce(new long[] {1, 1, 1, 1, 0, 1}, zones)).containsExactly(0, 0, 0, 0, 66, 33);
  }

  @Test
  void agreesWithTheExactRule() {
    qt().withFixedSeed(55)
        .withExamples(1000)
        .forAll(lists().of(integers().between(0, 40)).ofSizeBetween(1, 12))
        .checkAssert(
            raw -> {
              int n = raw.size();
              long[] counts = new long[n];
              String[] zones = new String[n];
              for (int i = 0; i < n; i++) {
                counts[i] = raw.get(i) / 4;
                int z = raw.get(i) % 4; // 0: no zone, else zone 1..3
                zones[i] = z == 0 ? "" : "zone-" + z;
              }
              long[] got = SelectorSpreadReduceExercise.reduce(counts.clone(), zones.clone());
              List<BigDecimal> exact = exactValues(counts, zones);
              assertThat(got).hasSize(n);
              for (int i = 0; i < n; i++) {
                long whole = exact.get(i).setScale(0, RoundingMode.FLOOR).longValueExact();
                assertThat(got[i]).as("node %d", i).isBetween(whole - 1, whole + 1);
                if (got[i] != whole) {
                  BigDecimal nearest = exact.get(i).setScale(0, RoundingMode.HALF_UP);
                  assertThat(exact.get(i).subtract(nearest).abs())
                      .as("node %d: %s is not within a hair of a whole number", i, exact.get(i))
                      .isLessThan(new BigDecimal("1e-9"));
                }
              }
            });
  }

  /** The rule, stated once in exact decimals: node part and zone part, one third and two. */
  private static List<BigDecimal> exactValues(long[] counts, String[] zones) {
    BigDecimal hundred = BigDecimal.valueOf(100);
    long maxNode = 0;
    Map<String, Long> byZone = new HashMap<>();
    for (int i = 0; i < counts.length; i++) {
      maxNode = Math.max(maxNode, counts[i]);
      if (!zones[i].isEmpty()) {
        byZone.merge(zones[i], counts[i], Long::sum);
      }
    }
    long maxZone = byZone.values().stream().mapToLong(Long::longValue).max().orElse(0);
    BigDecimal[] out = new BigDecimal[counts.length];
    for (int i = 0; i < counts.length; i++) {
      BigDecimal node = part(maxNode, counts[i]);
      if (zones[i].isEmpty()) {
        out[i] = node;
      } else {
        BigDecimal zone = part(maxZone, byZone.get(zones[i]));
        out[i] =
            node.add(zone.multiply(BigDecimal.valueOf(2)))
                .divide(BigDecimal.valueOf(3), MathContext.DECIMAL128);
      }
      assertThat(out[i]).isBetween(BigDecimal.ZERO, hundred);
    }
    return List.of(out);
  }

  private static BigDecimal part(long max, long count) {
    return max == 0
        ? BigDecimal.valueOf(100)
        : BigDecimal.valueOf(100 * (max - count))
            .divide(BigDecimal.valueOf(max), MathContext.DECIMAL128);
  }
}
