package io.kubelab.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.cluster.client.ApiServerDeploymentClient;
import io.kubelab.cluster.client.ApiServerEventSink;
import io.kubelab.cluster.client.ApiServerPodControl;
import io.kubelab.cluster.controller.deployment.DeploymentController;
import io.kubelab.cluster.controller.replicaset.ReplicaSetController;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The controllers of the stack against an API server, each fed by informers as in
 * kube-controller-manager: the Deployment controller and the ReplicaSet controller.
 *
 * <p>Upstream: {@code cmd/kube-controller-manager/app} ({@code startReplicaSetController}: {@code
 * NewReplicaSetController(rsInformer, podInformer, client, BurstReplicas).Run(ConcurrentRSSyncs,
 * stop)}; {@code startDeploymentController}: {@code NewDeploymentController(dInformer, rsInformer,
 * podInformer, client).Run(ConcurrentDeploymentSyncs, stop)}), v1.18. The informers are started and
 * synced before the workers run ({@code WaitForNamedCacheSync}); no leader election.
 */
public final class ControllerManager implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ControllerManager.class.getName());

  /** How long the informers may take to list everything before {@link #start} gives up. */
  static final Duration CACHE_SYNC_TIMEOUT = Duration.ofSeconds(60);

  private final SharedIndexInformer<Deployment> deployments;
  private final SharedIndexInformer<ReplicaSet> replicaSets;
  private final SharedIndexInformer<Pod> pods;
  private final ApiServerEventSink events;
  private final ApiServerEventSink deploymentEvents;
  private final DeploymentController deploymentController;
  private final ExecutorService calls;
  private final ReplicaSetController replicaSetController;

  private ControllerManager(KubernetesClient client, Clock clock) {
    deployments = client.apps().deployments().inAnyNamespace().runnableInformer(0);
    replicaSets = client.apps().replicaSets().inAnyNamespace().runnableInformer(0);
    pods = client.pods().inAnyNamespace().runnableInformer(0);
    events = new ApiServerEventSink(client, "replicaset-controller", null, clock);
    deploymentEvents = new ApiServerEventSink(client, "deployment-controller", null, clock);
    calls =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "replicaset-controller-call");
              t.setDaemon(true);
              return t;
            });
    ReplicaSetController.Cache cache =
        new ReplicaSetController.Cache() {
          @Override
          public ReplicaSet replicaSet(String namespace, String name) {
            return replicaSets.getIndexer().getByKey(namespace + "/" + name);
          }

          @Override
          public List<ReplicaSet> replicaSets(String namespace) {
            return replicaSets.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace);
          }

          @Override
          public List<Pod> pods(String namespace) {
            return pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace);
          }
        };
    ReplicaSetController.ReplicaSetClient rsClient =
        new ReplicaSetController.ReplicaSetClient() {
          @Override
          public ReplicaSet get(String namespace, String name) {
            ReplicaSet rs;
            try {
              rs = client.apps().replicaSets().inNamespace(namespace).withName(name).get();
            } catch (KubernetesClientException e) {
              throw ApiServerPodControl.convert(e);
            }
            if (rs == null) {
              throw io.kubelab.cluster.controller.ApiStatusException.notFound(
                  "replicasets.apps \"" + name + "\" not found");
            }
            return rs;
          }

          @Override
          public ReplicaSet updateStatus(ReplicaSet rs) {
            try {
              return client
                  .apps()
                  .replicaSets()
                  .inNamespace(rs.getMetadata().getNamespace())
                  .resource(rs)
                  .updateStatus();
            } catch (KubernetesClientException e) {
              throw ApiServerPodControl.convert(e);
            }
          }
        };
    replicaSetController =
        new ReplicaSetController(
            cache,
            rsClient,
            new ApiServerPodControl(client, events),
            clock,
            calls,
            ReplicaSetController.BURST_REPLICAS);
    deploymentController =
        new DeploymentController(
            new DeploymentController.Cache() {
              @Override
              public Deployment deployment(String namespace, String name) {
                return deployments.getIndexer().getByKey(namespace + "/" + name);
              }

              @Override
              public List<Deployment> deployments(String namespace) {
                return deployments.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace);
              }

              @Override
              public List<ReplicaSet> replicaSets(String namespace) {
                return replicaSets.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace);
              }

              @Override
              public List<Pod> pods(String namespace) {
                return pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace);
              }
            },
            new ApiServerDeploymentClient(client, deploymentEvents),
            clock);
    DeploymentController dc = deploymentController;
    deployments.addEventHandler(
        handler(dc::addDeployment, dc::updateDeployment, dc::deleteDeployment));
    replicaSets.addEventHandler(
        handler(dc::addReplicaSet, dc::updateReplicaSet, dc::deleteReplicaSet));
    pods.addEventHandler(handler(p -> {}, (o, n) -> {}, dc::deletePod));
    ReplicaSetController c = replicaSetController;
    replicaSets.addEventHandler(
        handler(c::addReplicaSet, c::updateReplicaSet, c::deleteReplicaSet));
    pods.addEventHandler(handler(c::addPod, c::updatePod, c::deletePod));
    for (SharedIndexInformer<?> i : List.of(deployments, replicaSets, pods)) {
      // as upstream's reflectors, which list and watch again after any error, never give up
      i.exceptionHandler(
          (started, t) -> {
            LOG.warning("controller informer: " + t + "; listing and watching again");
            return true;
          });
    }
  }

  private static <T extends HasMetadata> ResourceEventHandler<T> handler(
      Consumer<T> add, java.util.function.BiConsumer<T, T> update, Consumer<T> delete) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        add.accept(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        update.accept(oldObj, newObj);
      }

      @Override
      public void onDelete(T obj, boolean finalStateUnknown) {
        delete.accept(obj);
      }
    };
  }

  /**
   * Starts the informers, waits until they have listed everything, then the controllers' workers.
   *
   * @throws IllegalStateException when the informers did not sync within {@link
   *     #CACHE_SYNC_TIMEOUT}
   */
  public static ControllerManager start(KubernetesClient client, Clock clock)
      throws InterruptedException {
    ControllerManager m = new ControllerManager(client, clock);
    try {
      m.deployments.start();
      m.replicaSets.start();
      m.pods.start();
      long deadline = System.nanoTime() + CACHE_SYNC_TIMEOUT.toNanos();
      while (!m.deployments.hasSynced() || !m.replicaSets.hasSynced() || !m.pods.hasSynced()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "controller manager: informers not synced after " + CACHE_SYNC_TIMEOUT);
        }
        TimeUnit.MILLISECONDS.sleep(10);
      }
      m.deploymentController.run(DeploymentController.CONCURRENT_DEPLOYMENT_SYNCS);
      m.replicaSetController.run(ReplicaSetController.CONCURRENT_RS_SYNCS);
      return m;
    } catch (RuntimeException | InterruptedException e) {
      m.close();
      throw e;
    }
  }

  /** The ReplicaSet controller (for tests). */
  ReplicaSetController replicaSetController() {
    return replicaSetController;
  }

  @Override
  public void close() {
    deploymentController.close();
    replicaSetController.close();
    deployments.close();
    replicaSets.close();
    pods.close();
    calls.shutdownNow();
    events.close();
    deploymentEvents.close();
  }
}
