package io.kubelab.cluster.client;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.kubelab.cluster.controller.ApiStatusException;
import io.kubelab.cluster.controller.deployment.DeploymentController;
import java.util.function.Supplier;

/** The Deployment controller's calls against an API server, through fabric8. */
public final class ApiServerDeploymentClient implements DeploymentController.Client {

  private final KubernetesClient client;
  private final ApiServerEventSink events;

  public ApiServerDeploymentClient(KubernetesClient client, ApiServerEventSink events) {
    this.client = client;
    this.events = events;
  }

  private static <T> T call(Supplier<T> s) {
    try {
      return s.get();
    } catch (KubernetesClientException e) {
      throw ApiServerPodControl.convert(e);
    }
  }

  @Override
  public Deployment getDeployment(String namespace, String name) {
    Deployment d =
        call(() -> client.apps().deployments().inNamespace(namespace).withName(name).get());
    if (d == null) {
      throw ApiStatusException.notFound("deployments.apps \"" + name + "\" not found");
    }
    return d;
  }

  @Override
  public Deployment updateDeploymentStatus(Deployment d) {
    return call(
        () ->
            client
                .apps()
                .deployments()
                .inNamespace(d.getMetadata().getNamespace())
                .resource(d)
                .updateStatus());
  }

  @Override
  public ReplicaSet createReplicaSet(ReplicaSet rs) {
    return call(
        () ->
            client
                .apps()
                .replicaSets()
                .inNamespace(rs.getMetadata().getNamespace())
                .resource(rs)
                .create());
  }

  @Override
  public ReplicaSet updateReplicaSet(ReplicaSet rs) {
    return call(
        () ->
            client
                .apps()
                .replicaSets()
                .inNamespace(rs.getMetadata().getNamespace())
                .resource(rs)
                .update());
  }

  @Override
  public void deleteReplicaSet(String namespace, String name) {
    if (call(() -> client.apps().replicaSets().inNamespace(namespace).withName(name).delete())
        .isEmpty()) {
      throw ApiStatusException.notFound("replicasets.apps \"" + name + "\" not found");
    }
  }

  @Override
  public void patchReplicaSet(String namespace, String name, String patch) {
    call(
        () ->
            client
                .apps()
                .replicaSets()
                .inNamespace(namespace)
                .withName(name)
                .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch));
  }

  @Override
  public void event(Deployment d, String type, String reason, String message) {
    events.record(d, type, reason, message);
  }
}
