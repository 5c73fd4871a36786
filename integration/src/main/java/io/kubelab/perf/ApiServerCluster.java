package io.kubelab.perf;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubelab.apimachinery.clock.SystemClock;
import io.kubelab.cluster.ClusterScheduler;
import io.kubelab.cluster.apiserver.ApiServer;
import io.kubelab.scheduler.framework.config.KubeSchedulerConfiguration;
import io.kubelab.scheduler.metrics.SchedulerMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The whole stack in one process, as upstream's scheduler_perf runs it ({@code mustSetupScheduler}:
 * an API server, the scheduler on informers, a client): kubelab's API server on a loopback port,
 * chapter 08's scheduler behind fabric8 informers ({@link ClusterScheduler}), and nodes and pods
 * created over HTTP by {@value #CREATORS} client threads. The measurement watches the pods through
 * the scheduler's pod informer, as upstream's does through the scheduler's informer factory.
 */
final class ApiServerCluster implements PerfCluster {

  static final int CREATORS = 4;

  private final PodTracker tracker = new PodTracker();
  private final ApiServer server;
  private final KubernetesClient client;
  private final SystemClock clock;
  private final ClusterScheduler scheduler;
  private final SchedulerMetrics metrics = new SchedulerMetrics();
  private final ExecutorService creators;

  ApiServerCluster(KubeSchedulerConfiguration config, long seed) {
    server = ApiServer.builder().historySize(20_000).build().start();
    client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(Config.empty())
                    .withMasterUrl(server.url())
                    .withNamespace("default")
                    .withRequestTimeout(60_000)
                    // As client-go over plain HTTP: HTTP/1.1 (HTTP/2 only after TLS negotiates
                    // it). The JDK client's HTTP/2 attempt on an http:// URL cost about a
                    // quarter of each request's time.
                    .withHttp2Disable(true)
                    .build())
            .build();
    clock = new SystemClock("perf-clock", 1);
    AtomicInteger n = new AtomicInteger();
    creators =
        Executors.newFixedThreadPool(
            CREATORS,
            r -> {
              Thread t = new Thread(r, "perf-creator-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    try {
      scheduler = ClusterScheduler.start(client, config, clock, seed, metrics);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException("interrupted while starting the scheduler", e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    scheduler.addPodHandler(tracker);
  }

  @Override
  public void createNodes(List<Node> nodes) {
    inParallel(nodes, node -> client.nodes().resource(node).create());
  }

  @Override
  public void createNamespace(String name) {
    if (client.namespaces().withName(name).get() == null) {
      try {
        client
            .namespaces()
            .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
            .create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
    }
  }

  @Override
  public void createPods(List<Pod> pods) {
    inParallel(
        pods,
        p -> {
          tracker.creating(PodTracker.key(p), System.nanoTime());
          client.pods().inNamespace(p.getMetadata().getNamespace()).resource(p).create();
        });
  }

  private <T> void inParallel(List<T> items, Consumer<T> create) {
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < CREATORS; t++) {
      int first = t;
      done.add(
          creators.submit(
              () -> {
                for (int i = first; i < items.size(); i += CREATORS) {
                  create.accept(items.get(i));
                }
              }));
    }
    try {
      for (Future<?> f : done) {
        f.get(10, TimeUnit.MINUTES);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating objects", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("creating objects: " + e.getCause().getMessage(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("creating objects took more than 10 minutes", e);
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
    for (Pod p : client.pods().inAnyNamespace().list().getItems()) {
      if (!PodTracker.bound(p)) {
        out.add(InProcessCluster.pending(p));
      }
    }
    return out;
  }

  @Override
  public void close() {
    creators.shutdownNow();
    try {
      creators.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (scheduler != null) {
      scheduler.close();
    }
    client.close();
    server.close();
    clock.close();
  }
}
