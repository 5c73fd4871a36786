package io.kubelab.scheduler.framework.core;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.framework.Status;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * No node fits the pod: every examined node's merged filter status, and the message the pod's
 * {@code FailedScheduling} event carries.
 *
 * <p>Upstream: {@code FitError} and its {@code Error()} in {@code
 * pkg/scheduler/core/generic_scheduler.go} (v1.18): {@code "0/N nodes are available: "} and each
 * reason with its count, sorted as strings, joined with {@code ", "}, ending in a full stop.
 * Preemption reads the statuses: a node whose status is UnschedulableAndUnresolvable is skipped.
 */
public final class FitError extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** {@code NoNodeAvailableMsg}. */
  public static final String NO_NODE_AVAILABLE_MSG = "0/%d nodes are available";

  private final transient Pod pod;
  private final int numAllNodes;
  private final transient Map<String, Status> filteredNodesStatuses;

  /**
   * @param numAllNodes the number of nodes in the snapshot
   * @param filteredNodesStatuses node name → its merged filter status (copied)
   */
  public FitError(Pod pod, int numAllNodes, Map<String, Status> filteredNodesStatuses) {
    super(message(numAllNodes, filteredNodesStatuses));
    this.pod = pod;
    this.numAllNodes = numAllNodes;
    this.filteredNodesStatuses =
        Collections.unmodifiableMap(new LinkedHashMap<>(filteredNodesStatuses));
  }

  public Pod pod() {
    return pod;
  }

  public int numAllNodes() {
    return numAllNodes;
  }

  /** {@code FilteredNodesStatuses}. */
  public Map<String, Status> filteredNodesStatuses() {
    return filteredNodesStatuses;
  }

  static String message(int numAllNodes, Map<String, Status> statuses) {
    Map<String, Integer> reasons = new TreeMap<>();
    for (Status s : statuses.values()) {
      for (String r : s.reasons()) {
        reasons.merge(r, 1, Integer::sum);
      }
    }
    List<String> strings = new ArrayList<>(reasons.size());
    reasons.forEach((reason, count) -> strings.add(count + " " + reason));
    Collections.sort(strings);
    return String.format(NO_NODE_AVAILABLE_MSG, numAllNodes)
        + ": "
        + String.join(", ", strings)
        + ".";
  }
}
