package io.kubelab.explain;

import java.util.List;
import java.util.Map;

/**
 * What one scheduling attempt of one pod recorded, extension point by extension point, as the
 * framework reported it to a {@link DecisionRecorder}. Maps keep the order the framework ran things
 * in (plugins in profile order, nodes in the order they were filtered).
 *
 * <p>Not in upstream, whose scheduler keeps no such record; kube-scheduler-simulator's {@code
 * resultstore.Store} (simulator/scheduler/plugin/resultstore/store.go) keeps the same facts.
 *
 * @param preFilter plugin → status
 * @param filter node → plugin → status (the last run on that node: with nominated pods, the filters
 *     may run twice)
 * @param preScore plugin → status
 * @param scores plugin → its raw, normalised and weighted scores per node
 * @param finalScores node → total (Σ weight × normalised score); empty when one node was feasible
 * @param selectedNode the node the cycle chose, or "" when none
 * @param nominatedNode where preemption nominated the pod, "" when it did not or did not run
 * @param victims {@code namespace/name} of the pods preemption chose to evict
 * @param preemptionRan whether preemption ran after the filters left no node
 * @param reserve plugin → status
 * @param permit plugin → status
 * @param permitTimeout plugin → the timeout it asked for
 * @param preBind plugin → status
 * @param bind plugin → status (Skip included)
 * @param error the FitError or other error that ended the attempt, "" when it bound
 */
public record Decision(
    Map<String, Outcome> preFilter,
    Map<String, Map<String, Outcome>> filter,
    Map<String, Outcome> preScore,
    Map<String, PluginScores> scores,
    Map<String, Long> finalScores,
    String selectedNode,
    String nominatedNode,
    List<String> victims,
    boolean preemptionRan,
    Map<String, Outcome> reserve,
    Map<String, Outcome> permit,
    Map<String, java.time.Duration> permitTimeout,
    Map<String, Outcome> preBind,
    Map<String, Outcome> bind,
    String error) {

  /**
   * A plugin's verdict: its code's name ({@code Success}, {@code Unschedulable}, ...) and message.
   */
  public record Outcome(String code, String message) {
    public boolean success() {
      return "Success".equals(code);
    }
  }

  /**
   * One Score plugin's scores, node → score, in the order of the feasible nodes.
   *
   * @param weight the plugin's weight in the profile
   */
  public record PluginScores(
      long weight,
      Map<String, Long> raw,
      Map<String, Long> normalized,
      Map<String, Long> weighted) {}

  /** The nodes every filter passed, in filter order. */
  public List<String> feasibleNodes() {
    return filter.entrySet().stream()
        .filter(e -> e.getValue().values().stream().allMatch(Outcome::success))
        .map(Map.Entry::getKey)
        .toList();
  }

  /** The reasons a node was filtered out, joined; "" when it passed. */
  public String filterReason(String node) {
    Map<String, Outcome> m = filter.get(node);
    if (m == null) {
      return "";
    }
    return String.join(
        "; ", m.values().stream().filter(o -> !o.success()).map(Outcome::message).toList());
  }
}
