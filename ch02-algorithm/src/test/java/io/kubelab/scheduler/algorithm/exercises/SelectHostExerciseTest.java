package io.kubelab.scheduler.algorithm.exercises;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import io.kubelab.scheduler.algorithm.NodeScoreList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Grades {@link SelectHost}: the chapter's examples, then generated score lists, then the
 * distribution over ties.
 */
@Tag("exercise")
class SelectHostExerciseTest {

  private static NodeScoreList list(long... scores) {
    String[] names = new String[scores.length];
    for (int i = 0; i < names.length; i++) {
      names[i] = "n" + i;
    }
    return new NodeScoreList(names, scores);
  }

  @Test
  void theStrictMaximumWinsAndAnEmptyListIsAnError() {
    assertThat(SelectHost.selectHost(list(5, 9, 7, 8), new SplittableRandom(1))).isEqualTo("n1");
    assertThat(SelectHost.selectHost(list(3), new SplittableRandom(1))).isEqualTo("n0");
    assertThatThrownBy(() -> SelectHost.selectHost(list(), new SplittableRandom(1)))
        .hasMessage("empty priorityList");
  }

  @Test
  void theChoiceAlwaysHasTheHighestScore() {
    qt().withFixedSeed(2L)
        .withExamples(1000)
        .forAll(lists().of(longs().between(0, 4)).ofSizeBetween(1, 40), longs().all())
        .checkAssert(
            (scores, seed) -> {
              long[] s = scores.stream().mapToLong(Long::longValue).toArray();
              long max = scores.stream().mapToLong(Long::longValue).max().orElseThrow();
              String chosen = SelectHost.selectHost(list(s), new SplittableRandom(seed));
              assertThat(s[Integer.parseInt(chosen.substring(1))]).isEqualTo(max);
            });
  }

  /**
   * Every tie gets its share: for each layout, 30,000 picks and a chi-square statistic below the
   * 0.1 % critical value for its degrees of freedom. Taking the first or the last tie, or replacing
   * with probability 1/2, lands in the thousands.
   */
  @Test
  void everyTiedNodeIsChosenEquallyOften() {
    Map<List<Integer>, Double> layouts =
        Map.of(
            List.of(0, 1), 10.83,
            List.of(2, 5, 9), 13.82,
            List.of(0, 3, 4, 8, 11), 18.47);
    layouts.forEach(
        (tied, bound) -> {
          long[] scores = new long[12];
          for (int i = 0; i < 12; i++) {
            scores[i] = i % 4;
          }
          tied.forEach(t -> scores[t] = 10);
          NodeScoreList l = list(scores);
          SplittableRandom random = new SplittableRandom(2020);
          Map<String, Integer> counts = new HashMap<>();
          int draws = 30_000;
          for (int i = 0; i < draws; i++) {
            counts.merge(SelectHost.selectHost(l, random), 1, Integer::sum);
          }
          assertThat(counts).as("ties %s", tied).hasSize(tied.size());
          double expected = draws / (double) tied.size();
          double chiSquare = 0;
          for (int c : counts.values()) {
            chiSquare += (c - expected) * (c - expected) / expected;
          }
          assertThat(chiSquare).as("ties %s, counts %s", tied, counts).isLessThan(bound);
        });
  }
}
