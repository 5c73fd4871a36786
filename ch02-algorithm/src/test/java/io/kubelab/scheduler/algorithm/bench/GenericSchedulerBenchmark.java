package io.kubelab.scheduler.algorithm.bench;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.RealisticCluster;
import io.kubelab.scheduler.algorithm.FitPredicate;
import io.kubelab.scheduler.algorithm.GenericScheduler;
import io.kubelab.scheduler.algorithm.PredicateFailureReason;
import io.kubelab.scheduler.algorithm.PredicateOrdering;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.algorithm.PriorityConfig;
import io.kubelab.scheduler.algorithm.ScheduleResult;
import io.kubelab.scheduler.algorithm.TestCluster;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The generic scheduler's own cost per pod: the rotation, the parallel search with its early stop,
 * the results table and selectHost, on {@link RealisticCluster}'s mix. The predicate and the
 * priority are deliberately cheap (room for one more pod; fewer pods score higher), so that what is
 * measured is the scheduler, not the rules of later chapters: at 5000 nodes the search stops after
 * 500 feasible nodes, and about a third of them tie for the best score.
 *
 * <p>Goal: at most 50 µs per pod at 5000 nodes on 2 cores, and 15000 nodes within 2× of 5000.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class GenericSchedulerBenchmark {

  @Param({"100", "1000", "5000", "15000"})
  public int nodes;

  /** 2 is the default on a 2-core machine (16 capped at the cores); 16 is upstream's count. */
  @Param({"2", "16"})
  public int parallelism;

  private GenericScheduler scheduler;
  private Pod pod;

  @Setup(Level.Trial)
  public void setUp() {
    RealisticCluster cluster = RealisticCluster.generate(nodes, 1);
    FitPredicate roomForOneMore =
        (p, meta, ni) ->
            ni.pods().size() < ni.allocatableResource().allowedPodNumber()
                ? PredicateResult.FIT
                : PredicateResult.fail(new PredicateFailureReason.FailureReason("full"));
    PriorityConfig fewestPods =
        new PriorityConfig(
            "FewestPods", (p, meta, ni) -> Math.max(0, 100 - 2 * ni.pods().size()), null, 1);
    scheduler =
        GenericScheduler.builder(
                new TestCluster.SnapshotCache(), Snapshot.of(cluster.pods(), cluster.nodes()))
            .predicates(Map.of(PredicateOrdering.POD_FITS_RESOURCES_PRED, roomForOneMore))
            .prioritizers(List.of(fewestPods))
            .random(new SplittableRandom(42))
            .parallelism(parallelism)
            .build();
    pod = cluster.incoming("basic");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    scheduler.close();
  }

  @Benchmark
  public ScheduleResult scheduleOne() {
    return scheduler.schedule(pod);
  }
}
