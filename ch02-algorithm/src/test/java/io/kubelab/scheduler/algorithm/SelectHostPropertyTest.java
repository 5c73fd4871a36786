package io.kubelab.scheduler.algorithm;

import static io.kubelab.scheduler.algorithm.TestCluster.nodeIndex;
import static io.kubelab.scheduler.algorithm.TestCluster.nodes;
import static io.kubelab.scheduler.algorithm.TestCluster.pod;
import static io.kubelab.scheduler.algorithm.TestCluster.scheduler;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import io.fabric8.kubernetes.api.model.Node;
import io.kubelab.apimachinery.parallel.Parallelizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** selectHost: always a maximum, and uniform among ties. */
class SelectHostPropertyTest {

  static final Parallelizer POOL = new Parallelizer("test-parallelize", 4);
  static final List<Node> NODES = nodes(60);

  @AfterAll
  static void closePool() {
    POOL.close();
  }

  @Test
  void selectHostAlwaysPicksAMaximumScore() {
    qt().withFixedSeed(31L)
        .withExamples(500)
        .forAll(lists().of(longs().between(0, 5)).ofSizeBetween(1, 50), longs().all())
        .checkAssert(
            (scores, seed) -> {
              String[] names = new String[scores.size()];
              long[] s = new long[scores.size()];
              for (int i = 0; i < names.length; i++) {
                names[i] = "n" + i;
                s[i] = scores.get(i);
              }
              NodeScoreList l = new NodeScoreList(names, s);
              String chosen = GenericScheduler.selectHost(l, new Random(seed));
              int idx = Integer.parseInt(chosen.substring(1));
              assertThat(s[idx]).isEqualTo(l.maxScore());
            });
  }

  @Test
  void theChosenNodeHasTheMaximumCombinedScore() {
    qt().withFixedSeed(32L)
        .withExamples(150)
        .forAll(
            integers().between(2, 60),
            integers().between(1, 5),
            integers().between(1, 5),
            longs().all())
        .checkAssert(
            (n, w1, w2, seed) -> {
              SplittableRandom r = new SplittableRandom(seed);
              long[] a = new long[n];
              long[] b = new long[n];
              for (int i = 0; i < n; i++) {
                a[i] = r.nextInt(11);
                b[i] = r.nextInt(11);
              }
              PriorityConfig first =
                  new PriorityConfig("A", (pod, meta, ni) -> a[nodeIndex(ni)], null, w1);
              PriorityConfig second =
                  new PriorityConfig("B", (pod, meta, ni) -> b[nodeIndex(ni)], null, w2);
              long max = 0;
              for (int i = 0; i < n; i++) {
                max = Math.max(max, a[i] * w1 + b[i] * w2);
              }
              try (GenericScheduler g =
                  scheduler(NODES.subList(0, n))
                      .prioritizers(List.of(first, second))
                      .random(new Random(seed))
                      .parallelizer(POOL)
                      .build()) {
                int chosen = Integer.parseInt(g.schedule(pod("p")).suggestedHost().substring(1));
                assertThat(a[chosen] * w1 + b[chosen] * w2).isEqualTo(max);
              }
            });
  }

  /**
   * Ties at the front, the back, spread out, adjacent: 50,000 picks should spread evenly over the
   * tied nodes wherever they sit. The chi-square statistic with k-1 degrees of freedom exceeds the
   * bound below with probability 0.001 when the choice is uniform. A picker that replaces its
   * choice with probability 1/2 instead of 1/count (the classic reservoir-sampling slip) lands near
   * 50,000 for five ties, far beyond 18.47; so does one that keeps the first or the last tie.
   */
  @ParameterizedTest
  @CsvSource({
    "'0,3,4,8,11', 18.47",
    "'0,1', 10.83",
    "'10,11', 10.83",
    "'5,6,7', 13.82",
    "'0,2,4,6,8,10', 20.52",
  })
  void amongTiesTheChoiceIsUniformWhereverTheTiesAre(String tiedList, double bound) {
    long seed = 20_191_209L;
    String[] names = new String[12];
    long[] scores = new long[12];
    for (int i = 0; i < 12; i++) {
      names[i] = "n" + i;
      scores[i] = i % 3;
    }
    List<String> expectedWinners = new ArrayList<>();
    for (String t : tiedList.split(",")) {
      scores[Integer.parseInt(t)] = 7;
      expectedWinners.add("n" + t);
    }
    NodeScoreList l = new NodeScoreList(names, scores);
    Random random = new Random(seed);
    Map<String, Integer> counts = new HashMap<>();
    int draws = 50_000;
    for (int i = 0; i < draws; i++) {
      counts.merge(GenericScheduler.selectHost(l, random), 1, Integer::sum);
    }
    assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(expectedWinners);
    double expected = draws / (double) expectedWinners.size();
    double chiSquare = 0;
    for (int c : counts.values()) {
      chiSquare += (c - expected) * (c - expected) / expected;
    }
    assertThat(chiSquare).as("chi-square at seed %d, counts %s", seed, counts).isLessThan(bound);
  }
}
