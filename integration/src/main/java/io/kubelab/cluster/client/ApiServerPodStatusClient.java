package io.kubelab.cluster.client;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kubelab.kubelet.status.PodStatusClient;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Chapter 10's {@link PodStatusClient} over the fabric8 client: the three calls the kubelet's
 * status manager makes, against any API server (kubelab's or a real cluster's).
 *
 * <p>Upstream: the {@code kubeClient.CoreV1().Pods(ns)} calls of {@code
 * pkg/kubelet/status/status_manager.go} and {@code PatchPodStatus} in {@code pkg/util/pod/pod.go},
 * which sends a two-way strategic merge patch of the status with the pod's UID in it. Here the
 * patch is a JSON merge patch of the same two-way difference (keys the new status drops become
 * null; lists are sent whole, which is what the strategic patch of a status amounts to), with the
 * UID as a precondition the server checks.
 */
public final class ApiServerPodStatusClient implements PodStatusClient {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final KubernetesClient client;
  private final KubernetesSerialization serialization;

  public ApiServerPodStatusClient(KubernetesClient client) {
    this.client = client;
    this.serialization = client.getKubernetesSerialization();
  }

  @Override
  public Pod get(String namespace, String name) throws ApiException {
    try {
      Pod p = client.pods().inNamespace(namespace).withName(name).get();
      if (p == null) {
        throw new ApiException(Reason.NOT_FOUND, "pods \"" + name + "\" not found");
      }
      return p;
    } catch (KubernetesClientException e) {
      throw translate(e);
    }
  }

  @Override
  public Pod patchStatus(
      String namespace, String name, String uid, PodStatus oldStatus, PodStatus newStatus)
      throws ApiException {
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    patch.putObject("metadata").put("uid", uid);
    patch.set("status", diff(tree(oldStatus), tree(newStatus)));
    try {
      return client
          .pods()
          .inNamespace(namespace)
          .withName(name)
          .subresource("status")
          .patch(PatchContext.of(PatchType.JSON_MERGE), JSON.writeValueAsString(patch));
    } catch (KubernetesClientException e) {
      throw translate(e);
    }
  }

  /**
   * DELETE with grace period 0 and the UID as a precondition, as the status manager's final delete
   * does (fabric8's delete DSL has no preconditions, so this goes through its HTTP client).
   */
  @Override
  public void delete(String namespace, String name, String uid) throws ApiException {
    ObjectNode options = JsonNodeFactory.instance.objectNode();
    options.put("kind", "DeleteOptions");
    options.put("apiVersion", "v1");
    options.put("gracePeriodSeconds", 0);
    options.putObject("preconditions").put("uid", uid);
    String url =
        client.getMasterUrl().toString().replaceAll("/$", "")
            + "/api/v1/namespaces/"
            + namespace
            + "/pods/"
            + name;
    HttpResponse<String> r;
    try {
      r =
          client
              .getHttpClient()
              .sendAsync(
                  client
                      .getHttpClient()
                      .newHttpRequestBuilder()
                      .uri(url)
                      .delete("application/json", JSON.writeValueAsString(options))
                      .build(),
                  String.class)
              .get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(Reason.TRANSIENT, "interrupted");
    } catch (ExecutionException | TimeoutException e) {
      throw new ApiException(Reason.TRANSIENT, String.valueOf(e.getCause()));
    }
    switch (r.code()) {
      case 200, 202 -> {}
      case 404 -> throw new ApiException(Reason.NOT_FOUND, r.body());
      case 409 -> throw new ApiException(Reason.CONFLICT, r.body());
      default -> throw new ApiException(Reason.TRANSIENT, r.code() + " " + r.body());
    }
  }

  private JsonNode tree(PodStatus s) {
    return s == null
        ? JsonNodeFactory.instance.objectNode()
        : JSON.readTree(serialization.asJson(s));
  }

  /** The JSON merge patch that turns {@code from} into {@code to}. */
  static JsonNode diff(JsonNode from, JsonNode to) {
    if (!from.isObject() || !to.isObject()) {
      return to;
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> e : from.properties()) {
      if (!to.has(e.getKey())) {
        out.putNull(e.getKey());
      }
    }
    for (Map.Entry<String, JsonNode> e : to.properties()) {
      JsonNode old = from.get(e.getKey());
      if (old == null || !old.equals(e.getValue())) {
        out.set(e.getKey(), old == null ? e.getValue() : diff(old, e.getValue()));
      }
    }
    return out;
  }

  private static ApiException translate(KubernetesClientException e) {
    Reason r =
        switch (e.getCode()) {
          case 404 -> Reason.NOT_FOUND;
          case 409 -> Reason.CONFLICT;
          default -> Reason.TRANSIENT;
        };
    return new ApiException(r, e.getMessage());
  }
}
