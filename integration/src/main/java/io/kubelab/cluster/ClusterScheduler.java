package io.kubelab.cluster;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.cluster.client.ApiServerSchedulerClient;
import io.kubelab.scheduler.Scheduler;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.extender.HttpExtender;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.config.KubeSchedulerConfiguration;
import io.kubelab.scheduler.framework.plugins.PodBinder;
import io.kubelab.scheduler.framework.profile.Profiles;
import io.kubelab.scheduler.metrics.SchedulerMetrics;
import io.kubelab.scheduler.queue.PriorityQueue;
import io.kubelab.scheduler.spread.SpreadListers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Chapter 08's scheduler running against an API server: informers, queue, cache, the profiles of a
 * {@code KubeSchedulerConfiguration}, and the scheduling loop on its own thread.
 *
 * <p>Upstream: {@code cmd/kube-scheduler/app/server.go} ({@code Setup} then {@code Run}: build the
 * scheduler from the configuration, start the informers, wait for their caches to sync, run) and
 * {@code scheduler.New} in {@code pkg/scheduler/scheduler.go} (v1.18). The configuration's
 * extenders are chapter 07's HTTP clients, called by the generic scheduler, preemption and bind. No
 * leader election: one kubelab scheduler per scheduler name.
 */
public final class ClusterScheduler implements AutoCloseable {

  /** How long the informers may take to list everything before {@link #start} gives up. */
  public static final Duration CACHE_SYNC_TIMEOUT = Duration.ofSeconds(60);

  private final ApiServerSchedulerClient client;
  private final Parallelizer parallelizer;
  private final SchedulerCache cache;
  private final Scheduler scheduler;
  private final List<HttpExtender> extenders;

  private ClusterScheduler(
      ApiServerSchedulerClient client,
      Parallelizer parallelizer,
      SchedulerCache cache,
      Scheduler scheduler,
      List<HttpExtender> extenders) {
    this.extenders = List.copyOf(extenders);
    this.client = client;
    this.parallelizer = parallelizer;
    this.cache = cache;
    this.scheduler = scheduler;
  }

  /**
   * Builds the scheduler for {@code config}, starts its informers, waits for them to sync and
   * starts scheduling.
   *
   * @param config the profiles; pods whose {@code spec.schedulerName} names none are left alone
   * @throws io.kubelab.scheduler.framework.FrameworkException when a profile is invalid
   * @throws IllegalStateException when the informers do not sync within {@link #CACHE_SYNC_TIMEOUT}
   */
  public static ClusterScheduler start(
      KubernetesClient kube, KubeSchedulerConfiguration config, Clock clock, long seed)
      throws InterruptedException {
    return start(kube, config, clock, seed, null);
  }

  /**
   * As {@link #start(KubernetesClient, KubeSchedulerConfiguration, Clock, long)}, observing the
   * scheduler's and its frameworks' latencies in {@code metrics} (none when null).
   */
  public static ClusterScheduler start(
      KubernetesClient kube,
      KubeSchedulerConfiguration config,
      Clock clock,
      long seed,
      SchedulerMetrics metrics)
      throws InterruptedException {
    List<String> errors = config.validate();
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException("KubeSchedulerConfiguration: " + errors.get(0));
    }
    String component = config.profiles().get(0).schedulerName();
    ApiServerSchedulerClient client = new ApiServerSchedulerClient(kube, component, clock);
    Parallelizer parallelizer =
        Parallelizer.onCores("scheduler-parallelizer", Parallelizer.DEFAULT_PARALLELISM);
    SchedulerCache cache = new SchedulerCache(clock);
    List<HttpExtender> extenders = new ArrayList<>();
    try {
      for (int i = 0; i < config.extenders().size(); i++) {
        try {
          extenders.add(HttpExtender.create(config.extenders().get(i)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("extenders[" + i + "]: " + e.getMessage(), e);
        }
      }
      Snapshot snapshot = new Snapshot();
      SpreadListers spreadListers = client.spreadListers();
      Map<String, FrameworkImpl> profiles =
          Profiles.newMap(
              config,
              () ->
                  FrameworkImpl.builder(Profiles.registry())
                      .snapshot(snapshot)
                      .clock(clock)
                      .parallelizer(parallelizer)
                      .metrics(metrics)
                      .component(PodBinder.class, client)
                      .component(SpreadListers.class, spreadListers));
      PriorityQueue queue =
          new PriorityQueue(
              profiles.values().iterator().next().queueSortFunc(),
              clock,
              Duration.ofSeconds(config.podInitialBackoffSeconds()),
              Duration.ofSeconds(config.podMaxBackoffSeconds()));
      Scheduler scheduler =
          Scheduler.builder()
              .clock(clock)
              .cache(cache)
              .snapshot(snapshot)
              .parallelizer(parallelizer)
              .queue(queue)
              .profiles(profiles)
              .extenders(extenders)
              .client(client)
              .eventRecorder(client)
              .pdbLister(client)
              .disablePreemption(config.disablePreemption())
              .percentageOfNodesToScore(config.percentageOfNodesToScore())
              .random(new Random(seed))
              .metrics(metrics)
              .build();
      scheduler.addAllEventHandlers(client);
      client.start(CACHE_SYNC_TIMEOUT);
      scheduler.run();
      return new ClusterScheduler(client, parallelizer, cache, scheduler, extenders);
    } catch (RuntimeException | InterruptedException e) {
      extenders.forEach(HttpExtender::close);
      client.close();
      parallelizer.close();
      cache.close();
      throw e;
    }
  }

  /**
   * Adds a handler to the scheduler's own pod informer, as upstream's scheduler_perf watches the
   * measured pods through the scheduler's informer factory: one watch and one decoding of each pod
   * event serve both. The handler runs on the informer's thread and must be quick.
   */
  public void addPodHandler(io.kubelab.scheduler.ResourceEventHandler<Pod> handler) {
    client.addPodHandler(handler);
  }

  /** The scheduler, for tests and tools that look at its queue or wait for its bindings. */
  public Scheduler scheduler() {
    return scheduler;
  }

  /** Stops scheduling (in-flight bindings finish or are abandoned), then the informers. */
  @Override
  public void close() {
    scheduler.close();
    client.close();
    parallelizer.close();
    cache.close();
    extenders.forEach(HttpExtender::close);
  }
}
