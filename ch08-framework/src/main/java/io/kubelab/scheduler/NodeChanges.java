package io.kubelab.scheduler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.kubelab.scheduler.queue.QueueEvents;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Whether a node update may make unschedulable pods schedulable, and as which event.
 *
 * <p>Upstream: {@code nodeSchedulingPropertiesChange} and its helpers in {@code
 * pkg/scheduler/eventhandlers.go} (v1.18), checked in this order: the node became schedulable
 * ({@code spec.unschedulable} turned false; turning true is no reason to retry anything), its
 * allocatable, its labels, its taints, its conditions (type → status only: a heartbeat that moves
 * only {@code lastHeartbeatTime} is no change).
 */
final class NodeChanges {

  private NodeChanges() {}

  /** {@code nodeSchedulingPropertiesChange}: the event's name, or null when nothing relevant. */
  static String nodeSchedulingPropertiesChange(Node newNode, Node oldNode) {
    if (nodeSpecUnschedulableChanged(newNode, oldNode)) {
      return QueueEvents.NODE_SPEC_UNSCHEDULABLE_CHANGE;
    }
    if (!Objects.equals(allocatable(oldNode), allocatable(newNode))) {
      return QueueEvents.NODE_ALLOCATABLE_CHANGE;
    }
    if (!Objects.equals(labels(oldNode), labels(newNode))) {
      return QueueEvents.NODE_LABEL_CHANGE;
    }
    if (!Objects.equals(taints(newNode), taints(oldNode))) {
      return QueueEvents.NODE_TAINT_CHANGE;
    }
    if (!conditionStatuses(oldNode).equals(conditionStatuses(newNode))) {
      return QueueEvents.NODE_CONDITION_CHANGE;
    }
    return null;
  }

  private static boolean nodeSpecUnschedulableChanged(Node newNode, Node oldNode) {
    boolean now = unschedulable(newNode);
    return now != unschedulable(oldNode) && !now;
  }

  private static boolean unschedulable(Node n) {
    return n.getSpec() != null && Boolean.TRUE.equals(n.getSpec().getUnschedulable());
  }

  private static Map<String, Quantity> allocatable(Node n) {
    return n.getStatus() == null ? null : emptyToNull(n.getStatus().getAllocatable());
  }

  private static Map<String, String> labels(Node n) {
    return n.getMetadata() == null ? null : emptyToNull(n.getMetadata().getLabels());
  }

  private static List<Taint> taints(Node n) {
    if (n.getSpec() == null || n.getSpec().getTaints() == null) {
      return null;
    }
    return n.getSpec().getTaints().isEmpty() ? null : n.getSpec().getTaints();
  }

  /**
   * Go's {@code reflect.DeepEqual} tells a nil map from an empty one; a decoded object has nil
   * where the field was absent, and fabric8 may hold an empty map there instead, so both read as
   * absent.
   */
  private static <K, V> Map<K, V> emptyToNull(Map<K, V> m) {
    return m == null || m.isEmpty() ? null : m;
  }

  private static Map<String, String> conditionStatuses(Node n) {
    Map<String, String> m = new HashMap<>();
    if (n.getStatus() != null && n.getStatus().getConditions() != null) {
      for (NodeCondition c : n.getStatus().getConditions()) {
        m.put(c.getType(), c.getStatus());
      }
    }
    return m;
  }
}
