package io.kubelab.scheduler.priorities;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelab.scheduler.algorithm.NodeScoreList;
import org.junit.jupiter.api.Test;

/** {@code NormalizeReduce}: forward, reversed, and the all-zero row. */
class NormalizeReduceTest {

  private static long[] reduce(long max, boolean reverse, long... scores) {
    String[] names = new String[scores.length];
    for (int i = 0; i < names.length; i++) {
      names[i] = "n" + i;
    }
    NodeScoreList l = new NodeScoreList(names, scores);
    new NormalizeReduce(max, reverse).reduce(null, null, null, l);
    return l.scores();
  }

  @Test
  void scoresAreScaledByTheHighestAndTruncated() {
    assertThat(reduce(100, false, 2, 11, 4)).containsExactly(18, 100, 36);
  }

  @Test
  void reversedTheLowestRawScoreWins() {
    assertThat(reduce(100, true, 0, 1, 2)).containsExactly(100, 50, 0);
    assertThat(reduce(10, true, 3, 1)).containsExactly(0, 7);
  }

  @Test
  void anAllZeroRowStaysZeroOrBecomesTheMaximumWhenReversed() {
    assertThat(reduce(100, false, 0, 0)).containsExactly(0, 0);
    assertThat(reduce(100, true, 0, 0)).containsExactly(100, 100);
  }

  @Test
  void negativeScoresDoNotRaiseTheScale() {
    // maxCount starts at 0: a row of negatives is left alone (or maxed when reversed)
    assertThat(reduce(100, false, -3, -1)).containsExactly(-3, -1);
    assertThat(reduce(100, true, -3, -1)).containsExactly(100, 100);
    assertThat(reduce(100, false, -5, 5)).containsExactly(-100, 100);
  }
}
