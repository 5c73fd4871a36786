package io.kubelab.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Hears every result of one pod's scheduling and binding cycle as it is made: per plugin, and for
 * Filter and Score per node. What an explanation of the decision is built from, so that it is what
 * happened, not a recomputation.
 *
 * <p>Not in upstream, whose framework records metrics (and, in kube-scheduler-simulator, plugins
 * wrapped to record their results). Attach one to a {@link CycleState} with {@link
 * CycleState#setRecorder}; with none attached the framework does no extra work. Every method has an
 * empty default. {@link #filterRun} (and by default {@link #filter}) is called from several threads
 * at once, one node on one thread; the others from the thread that runs the extension point.
 */
public interface CycleRecorder {

  /** Hears one run of the Filter plugins on one node, from the one thread that runs them. */
  @FunctionalInterface
  interface FilterRun {
    /** A Filter plugin ran on the node. */
    void filter(String plugin, Status status);
  }

  /**
   * The Filter plugins are about to run on a node: their results go to the returned run, in plugin
   * order, from the calling thread alone. With nominated pods on the node the filters may run twice
   * (with and without them); each run asks for its own. A recorder that keeps per-node results
   * finds the node once per run here instead of once per plugin. By default each result goes to
   * {@link #filter}.
   */
  default FilterRun filterRun(String nodeName) {
    return (plugin, status) -> filter(nodeName, plugin, status);
  }

  /** A PreFilter plugin ran. */
  default void preFilter(String plugin, Status status) {}

  /**
   * A Filter plugin ran on a node. With nominated pods on the node the filters may run twice (with
   * and without them); both runs are reported.
   */
  default void filter(String nodeName, String plugin, Status status) {}

  /** A PreScore plugin ran. */
  default void preScore(String plugin, Status status) {}

  /**
   * A Score plugin's scores over the feasible nodes: as its Score returned them, after its
   * NormalizeScore, and multiplied by its weight. The lists are copies the framework no longer
   * changes; two arguments may be the same copy when their scores are equal by construction (no
   * NormalizeScore, weight 1).
   */
  default void score(
      String plugin,
      long weight,
      NodeScoreList raw,
      NodeScoreList normalized,
      NodeScoreList weighted) {}

  /** An extender filtered: the nodes it kept and those it rejected with its message. */
  default void extenderFilter(String extender, List<String> kept, Map<String, String> failed) {}

  /** An extender scored (on its 0-10 scale) with this weight. */
  default void extenderScore(String extender, long weight, Map<String, Long> scores) {}

  /** Every feasible node's total: the sum of weighted scores and scaled extender scores. */
  default void finalScores(NodeScoreList totals) {}

  /** The node the cycle chose. */
  default void selectedNode(String nodeName) {}

  /**
   * Preemption ran after the filters left no node: the node the pod was nominated to ({@code ""}
   * when none) and the pods to evict there. Preemption's what-if filter runs are not reported.
   */
  default void preemption(String nominatedNode, List<Pod> victims) {}

  /** A Reserve plugin ran. */
  default void reserve(String plugin, Status status) {}

  /** A Permit plugin ran; {@code timeout} matters when it asked the pod to wait. */
  default void permit(String plugin, Status status, Duration timeout) {}

  /** A waiting pod was allowed, rejected or timed out. */
  default void permitWait(Status status) {}

  /** A PreBind plugin ran. */
  default void preBind(String plugin, Status status) {}

  /** A Bind plugin ran (Skip included). */
  default void bind(String plugin, Status status) {}

  /** A PostBind plugin ran. */
  default void postBind(String plugin) {}

  /** An Unreserve plugin ran. */
  default void unreserve(String plugin) {}

  /**
   * The scheduler gave up on this attempt: {@code reason} is the pod condition's ({@code
   * Unschedulable} or {@code SchedulerError}), {@code message} the {@code FailedScheduling}
   * event's.
   */
  default void schedulingFailed(String reason, String message) {}
}
