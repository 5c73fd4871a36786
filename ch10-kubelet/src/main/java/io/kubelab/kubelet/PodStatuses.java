package io.kubelab.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.kubelet.container.ContainerState;
import io.kubelab.kubelet.container.ContainerStatus;
import io.kubelab.kubelet.container.PodStatus;
import io.kubelab.kubelet.kuberuntime.ReasonCache;
import io.kubelab.kubelet.kuberuntime.RuntimeManager;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the kubelet turns the runtime's view of a pod into the API's {@code PodStatus}: the phase and
 * the container statuses.
 *
 * <p>Upstream: {@code pkg/kubelet/kubelet_pods.go} ({@code getPhase}, {@code
 * convertToAPIContainerStatuses}, {@code notRunning}) as of v1.18, and {@code
 * pkg/kubelet/types/pod_status.go} for the ordering of statuses.
 */
public final class PodStatuses {
  private PodStatuses() {}

  /**
   * Upstream {@code getPhase}: Failed if an init container failed and the pod never restarts;
   * Pending while an init container is pending or a container waits; Running while one runs; once
   * all stopped, Succeeded when all exited 0, Failed for Never, else Running (they will be
   * restarted).
   */
  public static String getPhase(
      io.fabric8.kubernetes.api.model.PodSpec spec,
      List<io.fabric8.kubernetes.api.model.ContainerStatus> info) {
    int pendingInitialization = 0;
    int failedInitialization = 0;
    for (Container c : spec.getInitContainers()) {
      var s = find(info, c.getName());
      if (s == null) {
        pendingInitialization++;
        continue;
      }
      var state = s.getState();
      if (state != null && state.getRunning() != null) {
        pendingInitialization++;
      } else if (state != null && state.getTerminated() != null) {
        if (exitCode(state.getTerminated()) != 0) {
          failedInitialization++;
        }
      } else if (state != null && state.getWaiting() != null) {
        var last = s.getLastState();
        if (last != null && last.getTerminated() != null) {
          if (exitCode(last.getTerminated()) != 0) {
            failedInitialization++;
          }
        } else {
          pendingInitialization++;
        }
      } else {
        pendingInitialization++;
      }
    }
    int unknown = 0;
    int running = 0;
    int waiting = 0;
    int stopped = 0;
    int succeeded = 0;
    for (Container c : spec.getContainers()) {
      var s = find(info, c.getName());
      if (s == null) {
        unknown++;
        continue;
      }
      var state = s.getState();
      if (state != null && state.getRunning() != null) {
        running++;
      } else if (state != null && state.getTerminated() != null) {
        stopped++;
        if (exitCode(state.getTerminated()) == 0) {
          succeeded++;
        }
      } else if (state != null && state.getWaiting() != null) {
        if (s.getLastState() != null && s.getLastState().getTerminated() != null) {
          stopped++;
        } else {
          waiting++;
        }
      } else {
        unknown++;
      }
    }
    String policy = spec.getRestartPolicy() == null ? "Always" : spec.getRestartPolicy();
    if (failedInitialization > 0 && "Never".equals(policy)) {
      return "Failed";
    }
    if (pendingInitialization > 0 || waiting > 0) {
      return "Pending";
    }
    if (running > 0 && unknown == 0) {
      return "Running";
    }
    if (running == 0 && stopped > 0 && unknown == 0) {
      if ("Always".equals(policy)) {
        return "Running";
      }
      if (stopped == succeeded) {
        return "Succeeded";
      }
      if ("Never".equals(policy)) {
        return "Failed";
      }
      return "Running";
    }
    return "Pending";
  }

  private static int exitCode(io.fabric8.kubernetes.api.model.ContainerStateTerminated t) {
    return t.getExitCode() == null ? 0 : t.getExitCode();
  }

  private static io.fabric8.kubernetes.api.model.ContainerStatus find(
      List<io.fabric8.kubernetes.api.model.ContainerStatus> statuses, String name) {
    for (var s : statuses) {
      if (name.equals(s.getName())) {
        return s;
      }
    }
    return null;
  }

  /** Upstream {@code notRunning}: every status terminated or waiting (or none at all). */
  public static boolean notRunning(List<io.fabric8.kubernetes.api.model.ContainerStatus> statuses) {
    for (var s : statuses) {
      if (s.getState() == null
          || (s.getState().getTerminated() == null && s.getState().getWaiting() == null)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Upstream {@code convertToAPIContainerStatuses} (v1.18): every spec container gets a status,
   * waiting ({@code ContainerCreating}, or {@code PodInitializing} when the pod has init
   * containers) until the runtime knows it; the newest runtime container gives the state and the
   * one before it the last termination state; a container that should be restarted and whose last
   * start failed waits with the failure's reason ({@code CrashLoopBackOff}).
   */
  static List<io.fabric8.kubernetes.api.model.ContainerStatus> convertToApiContainerStatuses(
      Pod pod,
      PodStatus podStatus,
      List<io.fabric8.kubernetes.api.model.ContainerStatus> previous,
      List<Container> containers,
      boolean hasInitContainers,
      boolean isInitContainer,
      ReasonCache reasonCache) {
    Map<String, io.fabric8.kubernetes.api.model.ContainerStatus> oldStatuses = new HashMap<>();
    for (var s : previous) {
      oldStatuses.put(s.getName(), s);
    }
    String defaultWaiting = hasInitContainers ? "PodInitializing" : "ContainerCreating";
    Map<String, io.fabric8.kubernetes.api.model.ContainerStatus> statuses = new LinkedHashMap<>();
    for (Container c : containers) {
      var status =
          new ContainerStatusBuilder()
              .withName(c.getName())
              .withImage(c.getImage())
              .withRestartCount(0)
              .withReady(false)
              .withState(
                  new ContainerStateBuilder()
                      .withNewWaiting()
                      .withReason(defaultWaiting)
                      .endWaiting()
                      .build())
              .build();
      var old = oldStatuses.get(c.getName());
      if (old != null) {
        if (old.getState() != null && old.getState().getTerminated() != null) {
          status = new ContainerStatusBuilder(old).build(); // terminated statuses are not updated
        } else {
          status.setRestartCount(old.getRestartCount());
          status.setLastState(old.getLastState());
        }
      }
      statuses.put(c.getName(), status);
    }
    List<ContainerStatus> newestFirst = new ArrayList<>(podStatus.containerStatuses());
    newestFirst.sort(
        Comparator.comparing(
            ContainerStatus::createdAt, Comparator.nullsFirst(Comparator.reverseOrder())));
    Map<String, Integer> seen = new HashMap<>();
    for (ContainerStatus cs : newestFirst) {
      String name = cs.name();
      if (!statuses.containsKey(name) || seen.getOrDefault(name, 0) >= 2) {
        continue;
      }
      var converted = convert(cs, imageOf(containers, name));
      if (seen.getOrDefault(name, 0) == 0) {
        statuses.put(name, converted);
      } else {
        statuses.get(name).setLastState(converted.getState());
      }
      seen.merge(name, 1, Integer::sum);
    }
    for (Container c : containers) {
      if (isInitContainer) {
        Optional<ContainerStatus> s = podStatus.findContainerStatusByName(c.getName());
        if (s.isPresent() && s.get().state() == ContainerState.EXITED && s.get().exitCode() == 0) {
          continue; // a completed init container is not restarted
        }
      }
      if (!RuntimeManager.shouldContainerBeRestarted(c, pod, podStatus)) {
        continue;
      }
      Optional<ReasonCache.Reason> reason =
          reasonCache.get(pod.getMetadata().getUid(), c.getName());
      if (reason.isEmpty()) {
        continue;
      }
      var status = statuses.get(c.getName());
      if (status.getState() != null && status.getState().getTerminated() != null) {
        status.setLastState(status.getState());
      }
      status.setState(
          new ContainerStateBuilder()
              .withNewWaiting()
              .withReason(reason.get().error())
              .withMessage(reason.get().message())
              .endWaiting()
              .build());
    }
    // statuses was filled in the spec's order, which is the order upstream's
    // SortStatusesOfInitContainers gives init containers; the others are sorted by name
    // (SortedContainerStatuses).
    List<io.fabric8.kubernetes.api.model.ContainerStatus> out = new ArrayList<>(statuses.values());
    if (!isInitContainer) {
      out.sort(Comparator.comparing(io.fabric8.kubernetes.api.model.ContainerStatus::getName));
    }
    return out;
  }

  private static String imageOf(List<Container> containers, String name) {
    for (Container c : containers) {
      if (c.getName().equals(name)) {
        return c.getImage();
      }
    }
    return null;
  }

  /** Upstream's {@code convertContainerStatus}: created counts as exited. */
  private static io.fabric8.kubernetes.api.model.ContainerStatus convert(
      ContainerStatus cs, String image) {
    String cid = cs.id().toString();
    ContainerStateBuilder state = new ContainerStateBuilder();
    switch (cs.state()) {
      case RUNNING -> state.withNewRunning().withStartedAt(time(cs.startedAt())).endRunning();
      case CREATED, EXITED ->
          state
              .withNewTerminated()
              .withExitCode(cs.exitCode())
              .withReason(cs.reason() == null || cs.reason().isEmpty() ? null : cs.reason())
              .withMessage(cs.message() == null || cs.message().isEmpty() ? null : cs.message())
              .withStartedAt(time(cs.startedAt()))
              .withFinishedAt(time(cs.finishedAt()))
              .withContainerID(cid)
              .endTerminated();
      default -> state.withNewWaiting().endWaiting();
    }
    return new ContainerStatusBuilder()
        .withName(cs.name())
        .withRestartCount(cs.restartCount())
        .withImage(image)
        .withContainerID(cid)
        .withReady(false)
        .withState(state.build())
        .build();
  }

  static String time(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
