package io.kubelab.perf;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.kubelab.apimachinery.clock.SystemClock;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.scheduler.InMemoryCluster;
import io.kubelab.scheduler.Scheduler;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.config.KubeSchedulerConfiguration;
import io.kubelab.scheduler.framework.plugins.PodBinder;
import io.kubelab.scheduler.framework.profile.Profiles;
import io.kubelab.scheduler.metrics.SchedulerMetrics;
import io.kubelab.scheduler.queue.PriorityQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Chapter 08's whole scheduler (queue, cache, the default-1.18 profile, preemption, binding on its
 * own threads) over an {@link InMemoryCluster}: no API server, no HTTP. Pods and nodes reach the
 * scheduler's event handlers when they are created, as one informer would deliver them; a binding
 * is accepted in memory.
 */
final class InProcessCluster implements PerfCluster {

  private final PodTracker tracker = new PodTracker();
  private final SystemClock clock;
  private final SchedulerCache cache;
  private final Parallelizer parallelizer;
  private final InMemoryCluster cluster;
  private final Scheduler scheduler;
  private final SchedulerMetrics metrics = new SchedulerMetrics();

  InProcessCluster(KubeSchedulerConfiguration config, long seed, int parallelism) {
    clock = new SystemClock("perf-clock", 1);
    cache = new SchedulerCache(clock);
    parallelizer = Parallelizer.onCores("perf-scheduler", parallelism);
    cluster = new InMemoryCluster(clock);
    Snapshot snapshot = new Snapshot();
    Map<String, FrameworkImpl> profiles =
        Profiles.newMap(
            config,
            () ->
                FrameworkImpl.builder(Profiles.registry())
                    .snapshot(snapshot)
                    .clock(clock)
                    .parallelizer(parallelizer)
                    .metrics(metrics)
                    .component(PodBinder.class, cluster));
    PriorityQueue queue =
        new PriorityQueue(
            profiles.values().iterator().next().queueSortFunc(),
            clock,
            Duration.ofSeconds(config.podInitialBackoffSeconds()),
            Duration.ofSeconds(config.podMaxBackoffSeconds()));
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
            .disablePreemption(config.disablePreemption())
            .percentageOfNodesToScore(config.percentageOfNodesToScore())
            .random(new Random(seed))
            .metrics(metrics)
            .build();
    cluster.addPodHandler(tracker);
    scheduler.addAllEventHandlers(cluster);
    scheduler.run();
  }

  @Override
  public void createNodes(List<Node> nodes) {
    for (Node n : nodes) {
      cluster.createNode(n);
    }
  }

  @Override
  public void createNamespace(String name) {
    // The in-memory API keeps no Namespace objects: a pod's namespace is its field.
  }

  @Override
  public void createPods(List<Pod> pods) {
    for (Pod p : pods) {
      tracker.creating(PodTracker.key(p), System.nanoTime());
      cluster.createPod(p);
    }
  }

  @Override
  public SchedulerMetrics metrics() {
    return metrics;
  }

  @Override
  public PodTracker tracker() {
    return tracker;
  }

  @Override
  public List<Pending> pending() {
    List<Pending> out = new ArrayList<>();
    for (Pod p : cluster.pods()) {
      if (!PodTracker.bound(p)) {
        out.add(pending(p));
      }
    }
    return out;
  }

  static Pending pending(Pod p) {
    if (p.getStatus() != null && p.getStatus().getConditions() != null) {
      for (PodCondition c : p.getStatus().getConditions()) {
        if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())) {
          return new Pending(
              PodTracker.key(p),
              c.getReason() == null ? "" : c.getReason(),
              c.getMessage() == null ? "" : c.getMessage());
        }
      }
    }
    return new Pending(PodTracker.key(p), "", "not yet attempted");
  }

  @Override
  public void close() {
    scheduler.close();
    cache.close();
    parallelizer.close();
    clock.close();
  }
}
