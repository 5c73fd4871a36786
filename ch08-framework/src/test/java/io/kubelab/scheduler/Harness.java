package io.kubelab.scheduler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.scheduler.cache.Cache;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.Framework;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.Registry;
import io.kubelab.scheduler.framework.WaitingPod;
import io.kubelab.scheduler.framework.config.KubeSchedulerConfiguration;
import io.kubelab.scheduler.framework.plugins.PodBinder;
import io.kubelab.scheduler.framework.profile.Profiles;
import io.kubelab.scheduler.metrics.SchedulerMetrics;
import io.kubelab.scheduler.queue.PriorityQueue;
import io.kubelab.scheduler.queue.SchedulingQueue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A scheduler on a {@link FakeClock} over an {@link InMemoryCluster}: the default-1.18 profile (or
 * a given configuration), an in-memory event recorder, and the real priority queue (recording its
 * move requests). Tests drive the scheduling loop themselves with {@link #settle()}; binding cycles
 * run on the scheduler's binding threads and are awaited with a bounded wait.
 */
final class Harness implements AutoCloseable {

  final FakeClock clock = new FakeClock();
  final InMemoryCluster cluster = new InMemoryCluster(clock);
  final InMemoryEventRecorder events = new InMemoryEventRecorder();
  final SchedulerCache schedulerCache = new SchedulerCache(clock);
  final Snapshot snapshot = new Snapshot();
  final Parallelizer parallelizer = new Parallelizer("scheduler-test", 2);
  final Map<String, FrameworkImpl> profiles;
  final SchedulingQueue queue;
  final Scheduler scheduler;

  /** Options of a harness. */
  static final class Options {
    KubeSchedulerConfiguration config = Profiles.default118();
    Registry registry = Profiles.registry();
    BiFunction<FakeClock, Framework.LessFunc, SchedulingQueue> queue =
        (clock, less) -> new RecordingQueue(new PriorityQueue(less, clock));
    Function<InMemoryCluster, PodBinder> binder = c -> c;
    UnaryOperator<Cache> cache = c -> c;
    UnaryOperator<Scheduler.Builder> builder = b -> b;
    SchedulerMetrics metrics;

    /**
     * Whether the harness starts the queue's flushes itself (else {@code scheduler.run()} does).
     */
    boolean runQueue = true;
  }

  Harness() {
    this(new Options());
  }

  Harness(Options o) {
    PodBinder binder = o.binder.apply(cluster);
    profiles =
        Profiles.newMap(
            o.config,
            () ->
                FrameworkImpl.builder(o.registry)
                    .snapshot(snapshot)
                    .clock(clock)
                    .parallelizer(parallelizer)
                    .metrics(o.metrics)
                    .component(PodBinder.class, binder));
    queue = o.queue.apply(clock, profiles.values().iterator().next().queueSortFunc());
    scheduler =
        o.builder
            .apply(
                Scheduler.builder()
                    .clock(clock)
                    .cache(o.cache.apply(schedulerCache))
                    .snapshot(snapshot)
                    .parallelizer(parallelizer)
                    .queue(queue)
                    .profiles(profiles)
                    .client(cluster)
                    .eventRecorder(events)
                    .metrics(o.metrics)
                    .random(new Random(7)))
            .build();
    scheduler.addAllEventHandlers(cluster);
    // The queue's flushes run on the fake clock: a test's clock steps drive them.
    if (o.runQueue) {
      queue.run();
    }
  }

  /**
   * Runs scheduling cycles until the queue has nothing active and no binding is in flight; each
   * binding is awaited for at most ten seconds of real time.
   *
   * @return how many scheduling cycles ran
   */
  int settle() throws InterruptedException {
    int cycles = 0;
    while (true) {
      while (scheduler.scheduleOne(Duration.ZERO)) {
        cycles++;
      }
      awaitBindings();
      if (!scheduler.scheduleOne(Duration.ZERO)) {
        return cycles;
      }
      cycles++;
    }
  }

  /**
   * Waits until no binding cycle is in flight, for at most ten seconds of real time.
   *
   * @throws AssertionError when a binding cycle is still running then
   */
  void awaitBindings() throws InterruptedException {
    if (!scheduler.awaitBindings(Duration.ofSeconds(10))) {
      throw new AssertionError("a binding cycle did not end within 10 s");
    }
  }

  /** The default profile's waiting pod for {@code p} (at Permit), or null. */
  WaitingPod waitingPod(Pod p) {
    return profiles
        .get(KubeSchedulerConfiguration.DEFAULT_SCHEDULER_NAME)
        .getWaitingPod(p.getMetadata().getUid());
  }

  /** Rejects {@code p} where it waits at Permit in the default profile, as a test ends it. */
  void rejectWaitingPod(Pod p) {
    profiles
        .get(KubeSchedulerConfiguration.DEFAULT_SCHEDULER_NAME)
        .rejectWaitingPod(p.getMetadata().getUid());
  }

  /** Whether the scheduler's cache holds {@code p}, assumed or added. */
  boolean inCache(Pod p) {
    try {
      return schedulerCache.getPod(p) != null;
    } catch (Cache.CacheException e) {
      return false;
    }
  }

  /** The notes of the events about {@code regarding} ({@code namespace/name}), in order. */
  List<String> notes(String regarding) {
    return events.regarding(regarding).stream().map(InMemoryEventRecorder.Event::note).toList();
  }

  /** The pod's PodScheduled condition, or null. */
  static PodCondition scheduledCondition(Pod p) {
    return PodConditions.get(p.getStatus(), PodConditions.POD_SCHEDULED);
  }

  /** The real queue. */
  PriorityQueue priorityQueue() {
    return ((RecordingQueue) queue).delegate;
  }

  /** The events of the move requests so far. */
  List<String> moves() {
    return ((RecordingQueue) queue).moves;
  }

  /** The pod as the cluster has it now. */
  Pod pod(String namespace, String name) {
    return cluster.pod(namespace, name).orElseThrow();
  }

  /** The pod's node, or null. */
  String nodeOf(String namespace, String name) {
    return pod(namespace, name).getSpec().getNodeName();
  }

  @Override
  public void close() {
    scheduler.close();
    schedulerCache.close();
    parallelizer.close();
  }
}
