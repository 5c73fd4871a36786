package io.kubelab.cluster;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.cluster.apiserver.InProcessApi;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The simulation's API server, addressed by pod UID: chapter 11's registry and MVCC store, in
 * process ({@link InProcessApi}: no HTTP, no threads). The scheduler writes bindings through the
 * {@code pods/binding} subresource, kubelets write statuses through {@code pods/status}, with the
 * registry's rules (a pod is bound once; a status write keeps the spec).
 *
 * <p>Upstream: the pods registry of {@code pkg/registry/core/pod/storage}.
 */
public final class InMemoryApiServer {

  /** The phase of a pod that no kubelet has reported on yet. */
  public static final String PENDING = "Pending";

  private final InProcessApi api = new InProcessApi(new FakeClock(), 1);
  private final Map<String, String[]> byUid = new HashMap<>();

  /** Stores a pod as it was created (uid included); a pod without a status is Pending. */
  public synchronized void create(Pod pod) {
    String uid = pod.getMetadata().getUid();
    if (byUid.containsKey(uid)) {
      throw new IllegalArgumentException(
          "Pod " + key(pod) + ": metadata.uid \"" + uid + "\" already exists");
    }
    api.load(List.of(pod));
    String ns = pod.getMetadata().getNamespace();
    byUid.put(
        uid,
        new String[] {ns == null || ns.isEmpty() ? "default" : ns, pod.getMetadata().getName()});
  }

  /** Sets spec.nodeName (the {@code pods/binding} subresource). */
  public synchronized void bind(String uid, String nodeName) {
    String[] k = locate(uid);
    api.bind(k[0], k[1], nodeName);
  }

  /** Replaces the pod's status (the {@code pods/status} subresource). */
  public synchronized void updateStatus(String uid, PodStatus status) {
    String[] k = locate(uid);
    api.updatePodStatus(k[0], k[1], status);
  }

  /** The stored pod. */
  public synchronized Optional<Pod> find(String uid) {
    String[] k = byUid.get(uid);
    return k == null ? Optional.empty() : Optional.ofNullable(api.pod(k[0], k[1]));
  }

  /** status.phase of the stored pod; {@link #PENDING} when no kubelet has set one. */
  public synchronized String phase(String uid) {
    String[] k = locate(uid);
    Pod p = api.pod(k[0], k[1]);
    PodStatus s = p == null ? null : p.getStatus();
    return s == null || s.getPhase() == null || s.getPhase().isEmpty() ? PENDING : s.getPhase();
  }

  private String[] locate(String uid) {
    String[] k = byUid.get(uid);
    if (k == null) {
      throw new IllegalArgumentException("InMemoryApiServer: no pod with metadata.uid " + uid);
    }
    return k;
  }

  private static String key(Pod p) {
    return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
  }
}
