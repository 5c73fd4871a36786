package io.kubelab.explain;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.algorithm.SchedulerExtender;
import io.kubelab.scheduler.framework.Code;
import io.kubelab.scheduler.framework.CycleRecorder;
import io.kubelab.scheduler.framework.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link CycleRecorder} that keeps everything one scheduling attempt reports: attach it to the
 * attempt's {@code CycleState}, run the cycle, then take the {@link #decision()}. The explanation
 * is therefore what the framework did, not a recomputation.
 *
 * <p>Not in upstream. kube-scheduler-simulator gets the same facts by wrapping every plugin ({@code
 * simulator/scheduler/plugin/wrappedplugin.go}); kubelab's framework reports them itself. Filter
 * results arrive from the filtering workers at once, one node on one worker: each run gets its own
 * verdict list ({@link #filterRun}); every other method is synchronized.
 */
public final class DecisionRecorder implements CycleRecorder {

  private final Map<String, Decision.Outcome> preFilter = new LinkedHashMap<>();
  private final Map<String, NodeFilters> filter = new LinkedHashMap<>();
  private final Map<String, Decision.Outcome> preScore = new LinkedHashMap<>();
  private final Map<String, Decision.PluginScores> scores = new LinkedHashMap<>();
  private final Map<String, Long> finalScores = new LinkedHashMap<>();
  private Map<String, Long> finalScoreMap; // the totals over the scored nodes, when they match
  private final Map<String, Decision.Outcome> reserve = new LinkedHashMap<>();
  private final Map<String, Decision.Outcome> permit = new LinkedHashMap<>();
  private final Map<String, Duration> permitTimeout = new LinkedHashMap<>();
  private final Map<String, Decision.Outcome> preBind = new LinkedHashMap<>();
  private final Map<String, Decision.Outcome> bind = new LinkedHashMap<>();
  private final List<String> victims = new ArrayList<>();
  private String selectedNode = "";
  private String nominatedNode = "";
  private boolean preemptionRan;
  private String error = "";

  private static final Decision.Outcome SUCCESS = new Decision.Outcome("Success", "");

  // The nodes of this cycle's score lists, shared by every plugin's ScoreMap.
  private ScoreMap.Nodes scoredNodes;

  static Decision.Outcome outcome(Status s) {
    Status st = Status.orSuccess(s);
    if (st.code() == Code.SUCCESS && st.message().isEmpty()) {
      return SUCCESS;
    }
    return new Decision.Outcome(st.code().toString(), st.message());
  }

  @Override
  public synchronized void preFilter(String plugin, Status status) {
    preFilter.put(plugin, outcome(status));
  }

  /**
   * A fresh verdict list for the node: its run's verdicts replace an earlier run's (the second run
   * of the filters, without the nominated pods). The worker filtering the node then records into
   * the list alone, without the recorder's lock; the cycle's end orders those writes before {@link
   * #decision()}.
   */
  @Override
  public CycleRecorder.FilterRun filterRun(String nodeName) {
    NodeFilters m = new NodeFilters();
    synchronized (this) {
      filter.put(nodeName, m);
    }
    return (plugin, status) -> m.add(plugin, outcome(status));
  }

  /** One verdict outside a run (a run of its own if the node has none yet). */
  @Override
  public synchronized void filter(String nodeName, String plugin, Status status) {
    filter.computeIfAbsent(nodeName, n -> new NodeFilters()).put(plugin, outcome(status));
  }

  @Override
  public synchronized void preScore(String plugin, Status status) {
    preScore.put(plugin, outcome(status));
  }

  @Override
  public synchronized void score(
      String plugin,
      long weight,
      NodeScoreList raw,
      NodeScoreList normalized,
      NodeScoreList weighted) {
    if (scoredNodes == null || !scoredNodes.sameAs(raw)) {
      scoredNodes = ScoreMap.Nodes.of(raw);
    }
    scores.put(
        plugin,
        new Decision.PluginScores(weight, scores(raw), scores(normalized), scores(weighted)));
  }

  /**
   * The list as a map over this cycle's shared node names (a plain map if its names differ). The
   * framework's lists are copies made for the recorder, so the map keeps the list itself.
   */
  private Map<String, Long> scores(NodeScoreList l) {
    return scoredNodes.sameAs(l) ? ScoreMap.owning(scoredNodes, l) : asMap(l);
  }

  /**
   * An extender's verdicts join the filter results under the extender's name: {@code Success} for
   * the nodes it kept, Unschedulable with its message for those it rejected.
   */
  @Override
  public synchronized void extenderFilter(
      String extender, List<String> kept, Map<String, String> failed) {
    for (String node : kept) {
      filter.computeIfAbsent(node, n -> new NodeFilters()).put(extender, outcome(Status.SUCCESS));
    }
    failed.forEach(
        (node, message) ->
            filter
                .computeIfAbsent(node, n -> new NodeFilters())
                .put(extender, outcome(Status.unschedulable(message))));
  }

  /**
   * An extender's scores join the Score plugins' under its name: raw on its 0-10 scale, normalised
   * by the ×10 that brings them to 0-100 ({@code MaxNodeScore / MaxExtenderPriority}), weighted by
   * its weight, so that a node's final score is still the sum of the weighted scores.
   */
  @Override
  public synchronized void extenderScore(String extender, long weight, Map<String, Long> raw) {
    long scale = NodeScoreList.MAX_NODE_SCORE / SchedulerExtender.MAX_EXTENDER_PRIORITY;
    Map<String, Long> r = new TreeMap<>(raw);
    Map<String, Long> normalized = new LinkedHashMap<>();
    Map<String, Long> weighted = new LinkedHashMap<>();
    r.forEach(
        (node, score) -> {
          normalized.put(node, score * scale);
          weighted.put(node, score * scale * weight);
        });
    scores.put(
        extender, new Decision.PluginScores(weight, new LinkedHashMap<>(r), normalized, weighted));
  }

  @Override
  public synchronized void schedulingFailed(String reason, String message) {
    error = message == null ? "" : message;
  }

  @Override
  public synchronized void finalScores(NodeScoreList totals) {
    if (scoredNodes != null && scoredNodes.sameAs(totals)) {
      finalScoreMap = ScoreMap.copyOf(scoredNodes, totals);
    } else {
      finalScores.putAll(asMap(totals));
    }
  }

  @Override
  public synchronized void selectedNode(String nodeName) {
    selectedNode = nodeName;
  }

  @Override
  public synchronized void preemption(String nominated, List<Pod> evict) {
    preemptionRan = true;
    nominatedNode = nominated;
    for (Pod v : evict) {
      victims.add(v.getMetadata().getNamespace() + "/" + v.getMetadata().getName());
    }
  }

  @Override
  public synchronized void reserve(String plugin, Status status) {
    reserve.put(plugin, outcome(status));
  }

  @Override
  public synchronized void permit(String plugin, Status status, Duration timeout) {
    permit.put(plugin, outcome(status));
    permitTimeout.put(plugin, timeout == null ? Duration.ZERO : timeout);
  }

  @Override
  public synchronized void preBind(String plugin, Status status) {
    preBind.put(plugin, outcome(status));
  }

  @Override
  public synchronized void bind(String plugin, Status status) {
    bind.put(plugin, outcome(status));
  }

  /** Everything recorded so far, copied. */
  public synchronized Decision decision() {
    Map<String, Map<String, Decision.Outcome>> f = new LinkedHashMap<>();
    filter.forEach((node, m) -> f.put(node, m.snapshot()));
    return new Decision(
        copy(preFilter),
        java.util.Collections.unmodifiableMap(f),
        copy(preScore),
        copy(scores),
        finalScoreMap != null ? finalScoreMap : copy(finalScores),
        selectedNode,
        nominatedNode,
        List.copyOf(victims),
        preemptionRan,
        copy(reserve),
        copy(permit),
        copy(permitTimeout),
        copy(preBind),
        copy(bind),
        error);
  }

  private static <V> Map<String, V> copy(Map<String, V> m) {
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m));
  }

  private static Map<String, Long> asMap(NodeScoreList l) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < l.size(); i++) {
      m.put(l.name(i), l.score(i));
    }
    return m;
  }
}
