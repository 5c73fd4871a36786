package io.kubelab.kubelet;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.kubelet.status.PodManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The kubelet's desired pods: what its source last said is bound to this node.
 *
 * <p>Upstream: {@code pkg/kubelet/pod/pod_manager.go} ({@code basicManager}: {@code AddPod}, {@code
 * UpdatePod}, {@code DeletePod}, {@code GetPods}, {@code GetPodByUID}). Mirror and static pods are
 * not modelled, so there is one map, by UID. Thread-safe.
 */
public final class BasicPodManager implements PodManager {
  private final Map<String, Pod> podByUid = new LinkedHashMap<>();

  /** Adds or replaces the pod (upstream {@code AddPod} and {@code UpdatePod} do the same). */
  public synchronized void addPod(Pod pod) {
    podByUid.put(pod.getMetadata().getUid(), pod);
  }

  public void updatePod(Pod pod) {
    addPod(pod);
  }

  public synchronized void deletePod(Pod pod) {
    podByUid.remove(pod.getMetadata().getUid());
  }

  public synchronized List<Pod> getPods() {
    return new ArrayList<>(podByUid.values());
  }

  @Override
  public synchronized Optional<Pod> getPodByUid(String uid) {
    return Optional.ofNullable(podByUid.get(uid));
  }
}
