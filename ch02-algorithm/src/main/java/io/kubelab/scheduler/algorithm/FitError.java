package io.kubelab.scheduler.algorithm;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * No node fits the pod: how many nodes there were and why each examined node failed.
 *
 * <p>Upstream: {@code FitError} and its {@code Error()} in {@code
 * pkg/scheduler/core/generic_scheduler.go} (v1.17). The message is a histogram of reason strings,
 * each entry {@code "<count> <reason>"}, sorted as strings (so {@code "10 …"} sorts before {@code
 * "2 …"}, as Go's {@code sort.Strings} does), joined with {@code ", "}: {@code "0/3 nodes are
 * available: 1 Insufficient cpu, 2 node(s) didn't match node selector."}. Only the failed-predicate
 * map exists here; the 1.17 framework's filter statuses arrive with ch08.
 */
public final class FitError extends SchedulingError {

  private static final long serialVersionUID = 1L;

  /** {@code NoNodeAvailableMsg}. */
  public static final String NO_NODE_AVAILABLE_MSG = "0/%d nodes are available";

  private final transient Pod pod;
  private final int numAllNodes;
  private final transient Map<String, List<PredicateFailureReason>> failedPredicates;

  /**
   * @param pod the pod that did not fit
   * @param numAllNodes the number of nodes in the snapshot, examined or not
   * @param failedPredicates node name → the reasons it failed (copied)
   */
  public FitError(
      Pod pod, int numAllNodes, Map<String, List<PredicateFailureReason>> failedPredicates) {
    super(message(numAllNodes, failedPredicates), null);
    this.pod = pod;
    this.numAllNodes = numAllNodes;
    Map<String, List<PredicateFailureReason>> copy = new LinkedHashMap<>();
    failedPredicates.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    this.failedPredicates = Collections.unmodifiableMap(copy);
  }

  public Pod pod() {
    return pod;
  }

  public int numAllNodes() {
    return numAllNodes;
  }

  /** Node name → why it failed; preemption (ch06) reads this to skip hopeless nodes. */
  public Map<String, List<PredicateFailureReason>> failedPredicates() {
    return failedPredicates;
  }

  static String message(int numAllNodes, Map<String, List<PredicateFailureReason>> failed) {
    Map<String, Integer> histogram = new TreeMap<>();
    for (List<PredicateFailureReason> reasons : failed.values()) {
      for (PredicateFailureReason r : reasons) {
        histogram.merge(r.getReason(), 1, Integer::sum);
      }
    }
    List<String> entries = new ArrayList<>(histogram.size());
    histogram.forEach((reason, count) -> entries.add(count + " " + reason));
    // Sorting the formatted entries, not the reasons, is what upstream does: the count is part
    // of the sort key, compared as text.
    Collections.sort(entries);
    return String.format(NO_NODE_AVAILABLE_MSG, numAllNodes)
        + ": "
        + String.join(", ", entries)
        + ".";
  }
}
