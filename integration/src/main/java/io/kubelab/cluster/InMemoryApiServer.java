package io.kubelab.cluster;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The API server's pod store, as much of it as the simulation needs: pods by UID, their binding and
 * their status. The scheduler writes bindings here, kubelets write statuses.
 *
 * <p>Upstream: the pods registry behind {@code pkg/registry/core/pod/storage} ({@code pods/binding}
 * and {@code pods/status} subresources), without etcd, watches or resource versions. Thread-safe.
 */
public final class InMemoryApiServer {

  /** The phase of a pod that no kubelet has reported on yet. */
  public static final String PENDING = "Pending";

  private final Map<String, Pod> pods = new LinkedHashMap<>();

  /** Stores a pod as it was created; a pod without a status is Pending. */
  public synchronized void create(Pod pod) {
    String uid = pod.getMetadata().getUid();
    if (pods.containsKey(uid)) {
      throw new IllegalArgumentException(
          "Pod " + key(pod) + ": metadata.uid \"" + uid + "\" already exists");
    }
    pods.put(uid, pod);
  }

  /** Sets spec.nodeName (upstream: the {@code pods/binding} subresource). */
  public synchronized void bind(String uid, String nodeName) {
    pods.put(uid, new PodBuilder(get(uid)).editSpec().withNodeName(nodeName).endSpec().build());
  }

  /** Replaces the pod's status (upstream: the {@code pods/status} subresource). */
  public synchronized void updateStatus(String uid, PodStatus status) {
    pods.put(uid, new PodBuilder(get(uid)).withStatus(status).build());
  }

  /** The stored pod. */
  public synchronized Optional<Pod> find(String uid) {
    return Optional.ofNullable(pods.get(uid));
  }

  /** status.phase of the stored pod; {@link #PENDING} when no kubelet has set one. */
  public synchronized String phase(String uid) {
    PodStatus s = get(uid).getStatus();
    return s == null || s.getPhase() == null || s.getPhase().isEmpty() ? PENDING : s.getPhase();
  }

  private Pod get(String uid) {
    Pod p = pods.get(uid);
    if (p == null) {
      throw new IllegalArgumentException("InMemoryApiServer: no pod with metadata.uid " + uid);
    }
    return p;
  }

  private static String key(Pod p) {
    return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
  }
}
