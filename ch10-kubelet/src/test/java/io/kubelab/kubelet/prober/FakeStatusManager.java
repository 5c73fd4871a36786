package io.kubelab.kubelet.prober;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.kubelab.kubelet.container.ContainerId;
import io.kubelab.kubelet.status.Manager;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A status manager that only stores what it is given and records probe callbacks. */
final class FakeStatusManager implements Manager {
  final Map<String, PodStatus> statuses = new ConcurrentHashMap<>();
  final List<String> calls = new CopyOnWriteArrayList<>();

  @Override
  public Optional<PodStatus> getPodStatus(String podUid) {
    return Optional.ofNullable(statuses.get(podUid));
  }

  @Override
  public void setPodStatus(Pod pod, PodStatus status) {
    statuses.put(pod.getMetadata().getUid(), status);
  }

  @Override
  public void setContainerReadiness(String podUid, ContainerId containerId, boolean ready) {
    calls.add("ready " + podUid + " " + containerId + " " + ready);
  }

  @Override
  public void setContainerStartup(String podUid, ContainerId containerId, boolean started) {
    calls.add("started " + podUid + " " + containerId + " " + started);
  }

  @Override
  public void terminatePod(Pod pod) {}

  @Override
  public void removeOrphanedStatuses(Set<String> podUids) {
    statuses.keySet().retainAll(podUids);
  }
}
