package io.kubelab.scheduler.algorithm;

import static io.kubelab.scheduler.algorithm.GenericScheduler.numFeasibleNodesToFind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NumFeasibleNodesToFindTest {

  @ParameterizedTest(name = "{0} nodes at {1}% -> {2}")
  @CsvSource({
    // small clusters: every node
    "0, 0, 0",
    "1, 0, 1",
    "99, 0, 99",
    // 100 nodes: 50% = 50, raised to the minimum of 100
    "100, 0, 100",
    // upstream's worked examples
    "200, 0, 100",
    "1000, 0, 420",
    "5000, 0, 500",
    "6000, 0, 300",
    "15000, 0, 750",
    // a configured percentage replaces the adaptive one, still floored at 100 nodes
    "1000, 30, 300",
    "1000, 5, 100",
    "5000, 1, 100",
    // 100% or more: every node
    "5000, 100, 5000"
  })
  void upstreamsWorkedExamples(int nodes, int percentage, int expected) {
    assertThat(numFeasibleNodesToFind(nodes, percentage)).isEqualTo(expected);
  }

  @Test
  void theAdaptivePercentageBottomsOutAtFivePercentFrom5625Nodes() {
    // 50 - 5625/125 = 5; one more block of 125 nodes would give 4, which is floored to 5.
    assertThat(numFeasibleNodesToFind(5625, 0)).isEqualTo(5625 * 5 / 100);
    assertThat(numFeasibleNodesToFind(5750, 0)).isEqualTo(5750 * 5 / 100);
  }

  /** The formula restated from the upstream description, written independently of the code. */
  static long reference(long nodes, long percentage) {
    if (nodes < 100 || percentage >= 100) {
      return nodes;
    }
    long pct = percentage > 0 ? percentage : Math.max(5, 50 - Math.floorDiv(nodes, 125));
    return Math.max(100, Math.floorDiv(nodes * pct, 100));
  }

  @Test
  void equalsTheFormulaForEveryClusterSizeAndPercentage() {
    qt().withFixedSeed(20191209L)
        .withExamples(5000)
        .forAll(integers().between(0, 200_000), integers().between(0, 100))
        .checkAssert(
            (nodes, pct) ->
                assertThat((long) numFeasibleNodesToFind(nodes, pct))
                    .as("%d nodes at %d%%", nodes, pct)
                    .isEqualTo(reference(nodes, pct)));
  }

  @Test
  void neverMoreThanTheClusterAndNeverFewerThanOneHundredUnlessTheClusterIsSmaller() {
    qt().withFixedSeed(7L)
        .withExamples(2000)
        .forAll(integers().between(0, 200_000), integers().between(0, 100))
        .checkAssert(
            (nodes, pct) -> {
              int k = numFeasibleNodesToFind(nodes, pct);
              assertThat(k).isBetween(Math.min(nodes, 100), nodes);
            });
  }
}
