package io.kubelab.scheduler.bench;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.kubelab.apimachinery.clock.SystemClock;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.InMemoryCluster;
import io.kubelab.scheduler.Scheduler;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.plugins.PodBinder;
import io.kubelab.scheduler.framework.profile.Profiles;
import io.kubelab.scheduler.queue.PriorityQueue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The whole scheduler in process, upstream's scheduler_perf shapes: pods per second from the
 * informer's add into the queue to the accepted binding, with an in-memory cluster (no API server,
 * no etcd), the default-1.18 profile, the real priority queue and cache, 2 filter/score workers.
 *
 * <ul>
 *   <li>{@link #schedulingBasic}: {@code SchedulingBasic/5000Nodes} ({@code
 *       test/integration/scheduler_perf/config/performance-config.yaml}): 5000 nodes of 4 CPU, 32
 *       GiB, 110 pods; 1000 pods already placed; 1000 measured pods of 100m and 500 MiB.
 *   <li>{@link #schedulingPodAntiAffinity}: {@code SchedulingPodAntiAffinity}: the same nodes, each
 *       with its own hostname; every pod is labelled {@code color: green} and requires that no
 *       {@code color: green} pod runs on its host, so each lands on a node of its own.
 * </ul>
 *
 * One operation is one pod ({@code @OperationsPerInvocation(1000)}): the score reads pods/s. Each
 * invocation adds 1000 fresh pods and returns when the last is bound; they are deleted after it.
 *
 * <p>Goals: at least 5000 pods/s for SchedulingBasic and 500 pods/s with pod anti-affinity on 2
 * cores.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SchedulerThroughputBenchmark {

  static final int MEASURED = 1000;
  static final int NODES = 5000;
  static final int PLACED = 1000;

  /** One workload's cluster and scheduler, built once per trial. */
  public abstract static class Workload {
    private final int nodes = NODES;
    private final int placed = PLACED;

    private SystemClock clock;
    private SchedulerCache cache;
    private Parallelizer parallelizer;
    private InMemoryCluster cluster;
    private Scheduler scheduler;
    private final AtomicInteger bound = new AtomicInteger();
    private int invocation;
    private String kind;

    private void start(String workload) {
      kind = workload;
      clock = new SystemClock("bench-clock", 1);
      cache = new SchedulerCache(clock);
      parallelizer = new Parallelizer("bench-scheduler", 2);
      cluster = new InMemoryCluster(clock);
      Snapshot snapshot = new Snapshot();
      PodBinder binder =
          b -> {
            cluster.bind(b);
            bound.incrementAndGet();
          };
      Map<String, FrameworkImpl> profiles =
          Profiles.newMap(
              Profiles.default118(),
              () ->
                  FrameworkImpl.builder(Profiles.registry())
                      .snapshot(snapshot)
                      .clock(clock)
                      .parallelizer(parallelizer)
                      .component(PodBinder.class, binder));
      PriorityQueue queue =
          new PriorityQueue(profiles.values().iterator().next().queueSortFunc(), clock);
      scheduler =
          Scheduler.builder()
              .clock(clock)
              .cache(cache)
              .snapshot(snapshot)
              .parallelizer(parallelizer)
              .queue(queue)
              .profiles(profiles)
              .client(cluster)
              .eventRecorder((regarding, related, type, reason, action, note) -> {})
              .random(new Random(1))
              .build();
      scheduler.addAllEventHandlers(cluster);
      queue.run();
      for (int i = 0; i < nodes; i++) {
        // Fixtures give every node its own kubernetes.io/hostname label.
        cluster.createNode(
            Fixtures.node(String.format("scheduler-perf-%05d", i))
                .allocatable("4", "32Gi")
                .pods(110)
                .build());
      }
      for (int i = 0; i < placed; i++) {
        Pod p = pod("sched-setup", "init-" + i);
        p.getSpec().setNodeName(String.format("scheduler-perf-%05d", i % nodes));
        cluster.createPod(p);
      }
    }

    private Pod pod(String namespace, String name) {
      Fixtures.PodFixture f =
          Fixtures.pod(name).namespace(namespace).requests("100m", "500Mi").limits("100m", "500Mi");
      if (kind.equals("antiAffinity")) {
        PodAffinityTerm term =
            new PodAffinityTermBuilder()
                .withLabelSelector(
                    new LabelSelectorBuilder().addToMatchLabels("color", "green").build())
                .withTopologyKey(Fixtures.LABEL_HOSTNAME)
                .withNamespaces(List.of("sched-test", "sched-setup"))
                .build();
        f.label("color", "green").requiredPodAntiAffinity(term);
      }
      return f.build();
    }

    /** Adds the measured pods and schedules until every one is bound. */
    int scheduleAll() throws InterruptedException {
      int base = bound.get();
      int n = invocation++;
      for (int i = 0; i < MEASURED; i++) {
        cluster.createPod(pod("sched-test", "pod-" + n + "-" + i));
      }
      int cycles = 0;
      while (bound.get() - base < MEASURED) {
        if (!scheduler.scheduleOne(Duration.ZERO)) {
          if (!scheduler.awaitBindings(Duration.ofSeconds(30))) {
            throw new IllegalStateException("bindings did not finish");
          }
          if (bound.get() - base < MEASURED && !scheduler.scheduleOne(Duration.ofMillis(100))) {
            throw new IllegalStateException(
                (bound.get() - base) + " of " + MEASURED + " pods bound; the rest do not fit");
          }
        }
        cycles++;
      }
      return cycles;
    }

    @TearDown(Level.Invocation)
    public void deleteMeasured() throws InterruptedException {
      scheduler.awaitBindings(Duration.ofSeconds(30));
      int n = invocation - 1;
      for (int i = 0; i < MEASURED; i++) {
        cluster.deletePod("sched-test", "pod-" + n + "-" + i);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      scheduler.close();
      cache.close();
      parallelizer.close();
      clock.close();
    }
  }

  @State(Scope.Benchmark)
  public static class Basic extends Workload {
    @Setup(Level.Trial)
    public void setUp() {
      super.start("basic");
    }
  }

  @State(Scope.Benchmark)
  public static class AntiAffinity extends Workload {
    @Setup(Level.Trial)
    public void setUp() {
      super.start("antiAffinity");
    }
  }

  @Benchmark
  @OperationsPerInvocation(MEASURED)
  public int schedulingBasic(Basic s) throws InterruptedException {
    return s.scheduleAll();
  }

  @Benchmark
  @OperationsPerInvocation(MEASURED)
  public int schedulingPodAntiAffinity(AntiAffinity s) throws InterruptedException {
    return s.scheduleAll();
  }
}
