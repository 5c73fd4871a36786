package io.kubelab.scheduler.framework;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The filter plugins that rejected a pod on one node, each with its status.
 *
 * <p>Upstream: {@code PluginToStatus} and {@code Merge} in {@code
 * pkg/scheduler/framework/v1alpha1/interface.go} (v1.18). Upstream's map iterates in random order,
 * so the merged reasons come out in any order; here the plugins keep the order they ran in, which
 * is the configured order, and the merged message is stable.
 */
public final class PluginToStatus {

  private static final PluginToStatus EMPTY = new PluginToStatus(Map.of());

  private final Map<String, Status> statuses;

  private PluginToStatus(Map<String, Status> statuses) {
    this.statuses = statuses;
  }

  /** No plugin rejected the pod: the node fits. */
  public static PluginToStatus empty() {
    return EMPTY;
  }

  /** One plugin's status. */
  public static PluginToStatus of(String plugin, Status status) {
    return new PluginToStatus(Map.of(plugin, status));
  }

  /** The statuses in the order given. */
  public static PluginToStatus of(Map<String, Status> statuses) {
    return statuses.isEmpty()
        ? EMPTY
        : new PluginToStatus(Collections.unmodifiableMap(new LinkedHashMap<>(statuses)));
  }

  public Map<String, Status> asMap() {
    return statuses;
  }

  public boolean isEmpty() {
    return statuses.isEmpty();
  }

  /**
   * {@code Merge}: one status with every reason, whose code is, by precedence, Error,
   * UnschedulableAndUnresolvable or Unschedulable if any plugin's status has it, and otherwise the
   * last plugin's code. An empty map merges to {@link Status#SUCCESS} (upstream: nil).
   */
  public Status merge() {
    if (statuses.isEmpty()) {
      return Status.SUCCESS;
    }
    if (statuses.size() == 1) {
      return Status.orSuccess(statuses.values().iterator().next());
    }
    boolean hasError = false;
    boolean hasUnresolvable = false;
    boolean hasUnschedulable = false;
    Code last = Code.SUCCESS;
    List<String> reasons = new ArrayList<>();
    for (Status s : statuses.values()) {
      Code c = Status.codeOf(s);
      if (c == Code.ERROR) {
        hasError = true;
      } else if (c == Code.UNSCHEDULABLE_AND_UNRESOLVABLE) {
        hasUnresolvable = true;
      } else if (c == Code.UNSCHEDULABLE) {
        hasUnschedulable = true;
      }
      last = c;
      if (s != null) {
        reasons.addAll(s.reasons());
      }
    }
    Code code = last;
    if (hasError) {
      code = Code.ERROR;
    } else if (hasUnresolvable) {
      code = Code.UNSCHEDULABLE_AND_UNRESOLVABLE;
    } else if (hasUnschedulable) {
      code = Code.UNSCHEDULABLE;
    }
    return Status.of(code, reasons);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PluginToStatus p && p.statuses.equals(statuses);
  }

  @Override
  public int hashCode() {
    return statuses.hashCode();
  }

  @Override
  public String toString() {
    return statuses.toString();
  }
}
