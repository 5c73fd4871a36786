package io.kubelab.kubelet.status;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Generates the Ready, ContainersReady and Initialized conditions from container statuses, with
 * upstream's reasons and messages.
 *
 * <p>Upstream: {@code pkg/kubelet/status/generate.go} and {@code pkg/kubelet/types/pod_status.go}
 * ({@code PodConditionsByKubelet}). Go prints a string slice as {@code [a b]}, which the messages
 * here reproduce. Upstream tells a nil status list (never generated) from an empty one; fabric8
 * lists are never null, so an empty list stands for nil here and yields {@code
 * UnknownContainerStatuses} as upstream's nil does.
 */
public final class PodConditions {
  private PodConditions() {}

  public static final String UNKNOWN_CONTAINER_STATUSES = "UnknownContainerStatuses";
  public static final String POD_COMPLETED = "PodCompleted";
  public static final String CONTAINERS_NOT_READY = "ContainersNotReady";
  public static final String CONTAINERS_NOT_INITIALIZED = "ContainersNotInitialized";
  public static final String READINESS_GATES_NOT_READY = "ReadinessGatesNotReady";

  public static final String READY = "Ready";
  public static final String CONTAINERS_READY = "ContainersReady";
  public static final String INITIALIZED = "Initialized";
  public static final String POD_SCHEDULED = "PodScheduled";

  /** The condition types the kubelet owns; every other type belongs to someone else. */
  static final Set<String> BY_KUBELET =
      Set.of(POD_SCHEDULED, READY, INITIALIZED, "Unschedulable", CONTAINERS_READY);

  /**
   * Whether the kubelet owns conditions of {@code type} (upstream's {@code PodConditionByKubelet}).
   */
  public static boolean ownedByKubelet(String type) {
    return BY_KUBELET.contains(type);
  }

  /** ContainersReady: True when every spec container has a ready status. */
  public static PodCondition containersReady(
      PodSpec spec, List<ContainerStatus> statuses, String phase) {
    if (statuses == null || statuses.isEmpty()) {
      return condition(CONTAINERS_READY, "False", UNKNOWN_CONTAINER_STATUSES, null);
    }
    List<String> unknown = new ArrayList<>();
    List<String> unready = new ArrayList<>();
    for (var c : spec.getContainers()) {
      ContainerStatus s = find(statuses, c.getName());
      if (s == null) {
        unknown.add(c.getName());
      } else if (!Boolean.TRUE.equals(s.getReady())) {
        unready.add(c.getName());
      }
    }
    if ("Succeeded".equals(phase) && unknown.isEmpty()) {
      return condition(CONTAINERS_READY, "False", POD_COMPLETED, null);
    }
    List<String> messages = new ArrayList<>();
    if (!unknown.isEmpty()) {
      messages.add("containers with unknown status: " + goList(unknown));
    }
    if (!unready.isEmpty()) {
      messages.add("containers with unready status: " + goList(unready));
    }
    if (!messages.isEmpty()) {
      return condition(
          CONTAINERS_READY, "False", CONTAINERS_NOT_READY, String.join(", ", messages));
    }
    return condition(CONTAINERS_READY, "True", null, null);
  }

  /** Ready: ContainersReady, and then every readiness gate's condition True. */
  public static PodCondition podReady(
      PodSpec spec, List<PodCondition> conditions, List<ContainerStatus> statuses, String phase) {
    PodCondition cr = containersReady(spec, statuses, phase);
    if (!"True".equals(cr.getStatus())) {
      return condition(READY, cr.getStatus(), cr.getReason(), cr.getMessage());
    }
    List<String> messages = new ArrayList<>();
    for (PodReadinessGate g : spec.getReadinessGates()) {
      PodCondition c = findCondition(conditions, g.getConditionType());
      if (c == null) {
        messages.add(
            "corresponding condition of pod readiness gate \""
                + g.getConditionType()
                + "\" does not exist.");
      } else if (!"True".equals(c.getStatus())) {
        messages.add(
            "the status of pod readiness gate \""
                + g.getConditionType()
                + "\" is not \"True\", but "
                + c.getStatus());
      }
    }
    if (!messages.isEmpty()) {
      return condition(READY, "False", READINESS_GATES_NOT_READY, String.join(", ", messages));
    }
    return condition(READY, "True", null, null);
  }

  /** Initialized: every init container ready (exited 0). */
  public static PodCondition initialized(
      PodSpec spec, List<ContainerStatus> statuses, String phase) {
    if ((statuses == null || statuses.isEmpty()) && !spec.getInitContainers().isEmpty()) {
      return condition(INITIALIZED, "False", UNKNOWN_CONTAINER_STATUSES, null);
    }
    List<String> unknown = new ArrayList<>();
    List<String> unready = new ArrayList<>();
    for (var c : spec.getInitContainers()) {
      ContainerStatus s = statuses == null ? null : find(statuses, c.getName());
      if (s == null) {
        unknown.add(c.getName());
      } else if (!Boolean.TRUE.equals(s.getReady())) {
        unready.add(c.getName());
      }
    }
    if ("Succeeded".equals(phase) && unknown.isEmpty()) {
      return condition(INITIALIZED, "True", POD_COMPLETED, null);
    }
    List<String> messages = new ArrayList<>();
    if (!unknown.isEmpty()) {
      messages.add("containers with unknown status: " + goList(unknown));
    }
    if (!unready.isEmpty()) {
      messages.add("containers with incomplete status: " + goList(unready));
    }
    if (!messages.isEmpty()) {
      return condition(
          INITIALIZED, "False", CONTAINERS_NOT_INITIALIZED, String.join(", ", messages));
    }
    return condition(INITIALIZED, "True", null, null);
  }

  static PodCondition findCondition(List<PodCondition> conditions, String type) {
    if (conditions == null) {
      return null;
    }
    for (PodCondition c : conditions) {
      if (type.equals(c.getType())) {
        return c;
      }
    }
    return null;
  }

  private static ContainerStatus find(List<ContainerStatus> statuses, String name) {
    for (ContainerStatus s : statuses) {
      if (name.equals(s.getName())) {
        return s;
      }
    }
    return null;
  }

  private static String goList(List<String> items) {
    return "[" + String.join(" ", items) + "]";
  }

  private static PodCondition condition(String type, String status, String reason, String message) {
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .build();
  }
}
