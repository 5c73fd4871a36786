package io.kubelab.cluster.client;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.kubelab.cluster.controller.ApiStatusException;
import io.kubelab.cluster.controller.ControllerUtils;
import io.kubelab.cluster.controller.PodControl;
import io.kubelab.kubelet.events.Event;

/**
 * A controller's pod calls against an API server, with upstream's events on the controller.
 *
 * <p>Upstream: {@code RealPodControl} of {@code pkg/controller/controller_utils.go} (v1.18).
 */
public final class ApiServerPodControl implements PodControl {

  private final KubernetesClient client;
  private final ApiServerEventSink events;

  public ApiServerPodControl(KubernetesClient client, ApiServerEventSink events) {
    this.client = client;
    this.events = events;
  }

  @Override
  public void createPodsWithControllerRef(
      String namespace, PodTemplateSpec template, HasMetadata controller, OwnerReference ref) {
    ControllerUtils.validateControllerRef(ref);
    Pod pod = ControllerUtils.podFromTemplate(template, controller, ref);
    if (pod.getMetadata().getLabels().isEmpty()) {
      throw new IllegalArgumentException("unable to create pods, no labels");
    }
    Pod created;
    try {
      created = client.pods().inNamespace(namespace).resource(pod).create();
    } catch (KubernetesClientException e) {
      ApiStatusException err = convert(e);
      if (!err.namespaceTerminating()) {
        events.record(
            controller, Event.WARNING, FAILED_CREATE, "Error creating: " + err.getMessage());
      }
      throw err;
    }
    events.record(
        controller,
        Event.NORMAL,
        SUCCESSFUL_CREATE,
        "Created pod: " + created.getMetadata().getName());
  }

  @Override
  public void deletePod(String namespace, String name, HasMetadata controller) {
    try {
      if (client.pods().inNamespace(namespace).withName(name).delete().isEmpty()) {
        // fabric8 answers a 404 with an empty list
        throw ApiStatusException.notFound("pods \"" + name + "\" not found");
      }
    } catch (KubernetesClientException e) {
      ApiStatusException err = convert(e);
      if (err.isNotFound()) {
        throw err;
      }
      events.record(
          controller, Event.WARNING, FAILED_DELETE, "Error deleting: " + err.getMessage());
      throw new ApiStatusException(
          err.code(), err.reason(), "unable to delete pods: " + err.getMessage(), false);
    }
    events.record(controller, Event.NORMAL, SUCCESSFUL_DELETE, "Deleted pod: " + name);
  }

  @Override
  public void patchPod(String namespace, String name, String strategicMergePatch) {
    try {
      client
          .pods()
          .inNamespace(namespace)
          .withName(name)
          .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), strategicMergePatch);
    } catch (KubernetesClientException e) {
      throw convert(e);
    }
  }

  /** The server's {@code Status} as the controller reads it (its message, as Go's err.Error()). */
  public static ApiStatusException convert(KubernetesClientException e) {
    Status s = e.getStatus();
    String message = s != null && s.getMessage() != null ? s.getMessage() : e.getMessage();
    boolean terminating = false;
    if (s != null && s.getDetails() != null && s.getDetails().getCauses() != null) {
      for (StatusCause c : s.getDetails().getCauses()) {
        terminating |= "NamespaceTerminating".equals(c.getReason());
      }
    }
    return new ApiStatusException(
        e.getCode(), s == null ? null : s.getReason(), message, terminating);
  }
}
