package io.kubelab.scheduler.algorithm;

import static io.kubelab.scheduler.algorithm.PredicateOrdering.POD_FITS_RESOURCES_PRED;
import static io.kubelab.scheduler.algorithm.TestCluster.nodeIndex;
import static io.kubelab.scheduler.algorithm.TestCluster.nodes;
import static io.kubelab.scheduler.algorithm.TestCluster.pod;
import static io.kubelab.scheduler.algorithm.TestCluster.scheduler;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.fabric8.kubernetes.api.model.Node;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.scheduler.cache.NodeInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The rotating, early-stopping, parallel search for feasible nodes against a sequential reference.
 */
class FeasibleSearchPropertyTest {

  // One pool for all examples, so that each example does not start 15 threads.
  static final Parallelizer SIXTEEN = new Parallelizer("test-parallelize", 16);

  // Clusters up to this size are built once and reused; a property picks a prefix.
  static final List<Node> NODES = nodes(3000);

  @AfterAll
  static void closePool() {
    SIXTEEN.close();
  }

  /** Which nodes are feasible: each with probability density/100, from a seed. */
  static boolean[] feasibility(int n, int density, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    boolean[] f = new boolean[n];
    for (int i = 0; i < n; i++) {
      f[i] = r.nextInt(100) < density;
    }
    return f;
  }

  static FitPredicate predicateFor(boolean[] feasible) {
    return (pod, meta, ni) ->
        feasible[nodeIndex(ni)]
            ? PredicateResult.FIT
            : PredicateResult.fail(GenericSchedulerTest.NODE_SELECTOR_MISMATCH);
  }

  /** The sequential search upstream's parallel one stands for: its result and processed count. */
  record Sequential(List<Integer> feasible, int processed, int totalFeasible) {}

  static Sequential sequential(boolean[] feasible, int start, int target) {
    int n = feasible.length;
    List<Integer> found = new ArrayList<>();
    int failed = 0;
    int total = 0;
    boolean stopped = false;
    for (int i = 0; i < n; i++) {
      int idx = (start + i) % n;
      if (feasible[idx]) {
        total++;
        if (stopped) {
          continue;
        }
        if (found.size() == target) {
          // Like upstream, the scan stops on meeting one feasible node too many.
          stopped = true;
        } else {
          found.add(idx);
        }
      } else if (!stopped) {
        failed++;
      }
    }
    return new Sequential(found, found.size() + failed, total);
  }

  @Test
  void withOneWorkerTheSearchIsExactlyTheSequentialOne() {
    qt().withFixedSeed(17L)
        .withExamples(100)
        .forAll(
            integers().between(1, 3000),
            integers().between(0, 100),
            integers().between(0, 100),
            longs().all())
        .checkAssert(
            (n, pct, density, seed) -> {
              boolean[] feasible = feasibility(n, density, seed);
              int start = (int) Math.floorMod(seed, (long) n);
              try (GenericScheduler g =
                  scheduler(NODES.subList(0, n))
                      .predicates(Map.of(POD_FITS_RESOURCES_PRED, predicateFor(feasible)))
                      .percentageOfNodesToScore(pct)
                      .parallelism(1)
                      .build()) {
                g.setNextStartNodeIndex(start);
                int target = GenericScheduler.numFeasibleNodesToFind(n, pct);
                Sequential expected = sequential(feasible, start, target);
                GenericScheduler.FeasibleNodes got =
                    g.findNodesThatFit(pod("p"), g.snapshot().list());
                assertThat(indexes(got.nodes())).isEqualTo(expected.feasible());
                assertThat(got.nodes().size() + got.failedPredicates().size())
                    .isEqualTo(expected.processed());
                assertThat(g.nextStartNodeIndex()).isEqualTo((start + expected.processed()) % n);
              }
            });
  }

  @Test
  void withSixteenWorkersTheFeasibleSetIsTheSequentialOneTruncatedToTheTarget() {
    qt().withFixedSeed(18L)
        .withExamples(100)
        .forAll(
            integers().between(1, 3000),
            integers().between(0, 100),
            integers().between(0, 100),
            longs().all())
        .checkAssert(
            (n, pct, density, seed) -> {
              boolean[] feasible = feasibility(n, density, seed);
              int start = (int) Math.floorMod(seed, (long) n);
              try (GenericScheduler g =
                  scheduler(NODES.subList(0, n))
                      .predicates(Map.of(POD_FITS_RESOURCES_PRED, predicateFor(feasible)))
                      .percentageOfNodesToScore(pct)
                      .parallelizer(SIXTEEN)
                      .build()) {
                g.setNextStartNodeIndex(start);
                int target = GenericScheduler.numFeasibleNodesToFind(n, pct);
                Sequential expected = sequential(feasible, start, target);
                GenericScheduler.FeasibleNodes got =
                    g.findNodesThatFit(pod("p"), g.snapshot().list());
                List<Integer> found = indexes(got.nodes());
                Set<Integer> foundSet = new HashSet<>(found);
                assertThat(foundSet).as("no node twice").hasSameSizeAs(found);
                assertThat(found.size()).isEqualTo(Math.min(expected.totalFeasible(), target));
                for (int idx : found) {
                  assertThat(feasible[idx]).as("node %d is feasible", idx).isTrue();
                }
                for (String failedNode : got.failedPredicates().keySet()) {
                  assertThat(feasible[Integer.parseInt(failedNode.substring(1))]).isFalse();
                }
                if (expected.totalFeasible() <= target) {
                  // No early stop: every node was examined, the same set comes back.
                  assertThat(foundSet).isEqualTo(new HashSet<>(expected.feasible()));
                  assertThat(got.failedPredicates()).hasSize(n - expected.totalFeasible());
                }
                int processed = got.nodes().size() + got.failedPredicates().size();
                assertThat(g.nextStartNodeIndex()).isEqualTo((start + processed) % n);
              }
            });
  }

  @Test
  void withOneWorkerEachCycleExaminesItsWalkAndTheNodeThatStoppedIt() {
    // The predicate counts its own calls; the walk comes from the start index before the cycle
    // and the evaluated count after it. Over repeated cycles each node is examined exactly as
    // often as the walks cover it, plus once for each cycle it stopped: upstream does not count
    // that node as processed, so the next cycle starts on it and examines it again. Together with
    // the start index moving past the walk, this is what spreads the examinations evenly.
    qt().withFixedSeed(19L)
        .withExamples(60)
        .forAll(
            integers().between(1, 600),
            integers().between(0, 100),
            integers().between(0, 100),
            integers().between(1, 25))
        .checkAssert(
            (n, pct, density, cycles) -> {
              boolean[] feasible = feasibility(n, density, n * 31L + pct);
              AtomicIntegerArray examined = new AtomicIntegerArray(n);
              FitPredicate counting =
                  (pod, meta, ni) -> {
                    examined.incrementAndGet(nodeIndex(ni));
                    return predicateFor(feasible).check(pod, meta, ni);
                  };
              int[] expected = new int[n];
              try (GenericScheduler g =
                  scheduler(NODES.subList(0, n))
                      .predicates(Map.of(POD_FITS_RESOURCES_PRED, counting))
                      .percentageOfNodesToScore(pct)
                      .parallelism(1)
                      .build()) {
                for (int c = 0; c < cycles; c++) {
                  int start = g.nextStartNodeIndex();
                  int processed;
                  try {
                    processed = g.schedule(pod("p" + c)).evaluatedNodes();
                  } catch (FitError e) {
                    processed = n;
                  }
                  assertThat(g.nextStartNodeIndex()).isEqualTo((start + processed) % n);
                  for (int i = 0; i < processed; i++) {
                    expected[(start + i) % n]++;
                  }
                  if (processed < n) {
                    expected[(start + processed) % n]++;
                  }
                }
              }
              for (int i = 0; i < n; i++) {
                assertThat(examined.get(i)).as("examinations of node %d", i).isEqualTo(expected[i]);
              }
            });
  }

  @Test
  void withSixteenWorkersNoWorkerRunsAheadOfTheWalkByMoreThanItsPieceInFlight() {
    // Upstream 1.17 hands the nodes out one at a time (workqueue.ParallelizeUntil has no chunks),
    // so when the search stops each worker holds at most one node it claimed: one it examines
    // as the stopper, or one it skips because the stop came first. Every examination therefore
    // lies within the walk plus 2 x 16 nodes, and at most 16 nodes of the walk go unexamined.
    // Handing out chunks would let a worker run a whole chunk ahead and leave chunk-sized holes.
    qt().withFixedSeed(20L)
        .withExamples(80)
        .forAll(
            integers().between(1, 3000),
            integers().between(0, 100),
            integers().between(0, 100),
            integers().between(1, 8))
        .checkAssert(
            (n, pct, density, cycles) -> {
              boolean[] feasible = feasibility(n, density, n * 17L + density);
              int workers = SIXTEEN.workers();
              AtomicReference<AtomicIntegerArray> examined = new AtomicReference<>();
              FitPredicate recording =
                  (pod, meta, ni) -> {
                    examined.get().incrementAndGet(nodeIndex(ni));
                    return predicateFor(feasible).check(pod, meta, ni);
                  };
              try (GenericScheduler g =
                  scheduler(NODES.subList(0, n))
                      .predicates(Map.of(POD_FITS_RESOURCES_PRED, recording))
                      .percentageOfNodesToScore(pct)
                      .parallelizer(SIXTEEN)
                      .build()) {
                for (int c = 0; c < cycles; c++) {
                  int start = g.nextStartNodeIndex();
                  examined.set(new AtomicIntegerArray(n));
                  int processed;
                  try {
                    processed = g.schedule(pod("p" + c)).evaluatedNodes();
                  } catch (FitError e) {
                    processed = n;
                  }
                  assertThat(g.nextStartNodeIndex()).isEqualTo((start + processed) % n);
                  int holes = 0;
                  for (int off = 0; off < n; off++) {
                    int times = examined.get().get((start + off) % n);
                    assertThat(times).as("examinations at offset %d", off).isLessThanOrEqualTo(1);
                    if (times == 1) {
                      assertThat(off)
                          .as("examined offset from the start (walk of %d)", processed)
                          .isLessThan(processed + 2 * workers);
                    } else if (off < processed) {
                      holes++;
                    }
                  }
                  assertThat(holes)
                      .as("nodes of the walk left unexamined")
                      .isLessThanOrEqualTo(workers);
                }
              }
            });
  }

  private static List<Integer> indexes(List<NodeInfo> nodes) {
    List<Integer> out = new ArrayList<>();
    for (NodeInfo ni : nodes) {
      out.add(nodeIndex(ni));
    }
    return out;
  }
}
