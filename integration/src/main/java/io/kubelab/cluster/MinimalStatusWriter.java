package io.kubelab.cluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.kubelab.kubelet.container.ContainerState;
import io.kubelab.kubelet.container.ContainerStatus;
import io.kubelab.kubelet.container.PodStatus;
import java.util.Optional;

/**
 * A minimal status path, standing in for ch10's {@code StatusManager}: it derives the pod's phase
 * from the runtime status and writes it straight into the {@link InMemoryApiServer}, on the
 * caller's thread. The {@code StatusManager} writes from its own sync thread, which would make a
 * virtual-time run wait on a real thread; this writer keeps the simulation single-threaded.
 *
 * <p>Upstream: {@code pkg/kubelet/kubelet_pods.go} ({@code getPhase}, the phase rules of v1.18)
 * and, in spirit, {@code pkg/kubelet/status/status_manager.go} ({@code syncPod}). Only the phase is
 * written: no conditions, container statuses or IPs.
 */
final class MinimalStatusWriter {

  private final InMemoryApiServer api;

  MinimalStatusWriter(InMemoryApiServer api) {
    this.api = api;
  }

  /** Writes the phase that {@code runtimeStatus} implies for {@code pod}. */
  void write(Pod pod, PodStatus runtimeStatus) {
    String phase = getPhase(pod, runtimeStatus);
    api.updateStatus(pod.getMetadata().getUid(), new PodStatusBuilder().withPhase(phase).build());
  }

  /**
   * Upstream {@code getPhase}: Pending until every init container has exited 0 and every container
   * exists; Running while any runs; once all stopped, Succeeded or Failed unless the restart policy
   * would start them again.
   */
  static String getPhase(Pod pod, PodStatus runtimeStatus) {
    for (Container c : pod.getSpec().getInitContainers()) {
      Optional<ContainerStatus> s = runtimeStatus.findContainerStatusByName(c.getName());
      if (s.isEmpty() || s.get().state() != ContainerState.EXITED || s.get().exitCode() != 0) {
        return InMemoryApiServer.PENDING; // pendingInitialization
      }
    }
    int running = 0;
    int waiting = 0;
    int stopped = 0;
    int succeeded = 0;
    int unknown = 0;
    for (Container c : pod.getSpec().getContainers()) {
      Optional<ContainerStatus> s = runtimeStatus.findContainerStatusByName(c.getName());
      if (s.isEmpty()) {
        waiting++; // not created yet
        continue;
      }
      switch (s.get().state()) {
        case RUNNING -> running++;
        case CREATED -> waiting++;
        case EXITED -> {
          stopped++;
          if (s.get().exitCode() == 0) {
            succeeded++;
          }
        }
        case UNKNOWN -> unknown++;
      }
    }
    String restartPolicy =
        pod.getSpec().getRestartPolicy() == null ? "Always" : pod.getSpec().getRestartPolicy();
    if (waiting > 0) {
      return InMemoryApiServer.PENDING;
    }
    if (running > 0 && unknown == 0) {
      return "Running";
    }
    if (running == 0 && stopped > 0 && unknown == 0) {
      if ("Always".equals(restartPolicy)) {
        return "Running"; // the containers will be restarted
      }
      if (stopped == succeeded) {
        return "Succeeded";
      }
      if ("Never".equals(restartPolicy)) {
        return "Failed";
      }
      return "Running"; // OnFailure: the failed ones will be restarted
    }
    return InMemoryApiServer.PENDING;
  }
}
