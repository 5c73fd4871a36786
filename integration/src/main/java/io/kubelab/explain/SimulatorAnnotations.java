package io.kubelab.explain;

import io.kubelab.scheduler.framework.GoDurations;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@link Decision} as the annotations kube-scheduler-simulator puts on a scheduled pod, so that
 * tools written for the simulator read kubelab's output.
 *
 * <p>Keys and value shapes are the simulator's: {@code
 * simulator/scheduler/plugin/annotation/annotation.go} (the keys) and {@code
 * simulator/scheduler/plugin/resultstore/store.go} (the values) in
 * https://github.com/kubernetes-sigs/kube-scheduler-simulator. Every value is a JSON document
 * marshalled as Go's {@code encoding/json} does a {@code map[string]...}: keys sorted, no spaces.
 *
 * <ul>
 *   <li>{@code prefilter-result-status}, {@code prescore-result}, {@code reserve-result}, {@code
 *       permit-result}, {@code prebind-result}, {@code bind-result}: plugin → {@code "success"} or
 *       the status message ({@code permit-result}: {@code "wait"} for Wait).
 *   <li>{@code prefilter-result}: plugin → the node names of its PreFilterResult. v1.18's PreFilter
 *       returns no PreFilterResult, so this is always {@code {}}.
 *   <li>{@code filter-result}: node → plugin → {@code "passed"} or the status message; plugins that
 *       did not run on a node (after one failed) are absent.
 *   <li>{@code postfilter-result}: node → plugin → message, for every node the filters rejected;
 *       the nominated node carries {@code "preemption victim"} under the preemption plugin's name,
 *       the others an empty map.
 *   <li>{@code score-result}: node → plugin → raw score (a decimal string).
 *   <li>{@code finalscore-result}: node → plugin → normalised score × weight (a decimal string).
 *   <li>{@code permit-result-timeout}: plugin → the timeout as Go prints a duration ({@code "0s"}).
 *   <li>{@code selected-node}: the node name, or {@code ""} (the simulator sets it at Reserve).
 * </ul>
 */
public final class SimulatorAnnotations {

  private SimulatorAnnotations() {}

  public static final String PREFIX = "kube-scheduler-simulator.sigs.k8s.io/";
  public static final String PRE_FILTER_STATUS = PREFIX + "prefilter-result-status";
  public static final String PRE_FILTER = PREFIX + "prefilter-result";
  public static final String FILTER = PREFIX + "filter-result";
  public static final String POST_FILTER = PREFIX + "postfilter-result";
  public static final String PRE_SCORE = PREFIX + "prescore-result";
  public static final String SCORE = PREFIX + "score-result";
  public static final String FINAL_SCORE = PREFIX + "finalscore-result";
  public static final String RESERVE = PREFIX + "reserve-result";
  public static final String PERMIT = PREFIX + "permit-result";
  public static final String PERMIT_TIMEOUT = PREFIX + "permit-result-timeout";
  public static final String PRE_BIND = PREFIX + "prebind-result";
  public static final String BIND = PREFIX + "bind-result";
  public static final String SELECTED_NODE = PREFIX + "selected-node";

  /** Every key, in the order the simulator adds them to a pod. */
  public static final List<String> KEYS =
      List.of(
          PRE_FILTER,
          PRE_FILTER_STATUS,
          FILTER,
          POST_FILTER,
          PRE_SCORE,
          SCORE,
          FINAL_SCORE,
          RESERVE,
          PERMIT_TIMEOUT,
          PERMIT,
          PRE_BIND,
          BIND,
          SELECTED_NODE);

  /** The simulator's {@code PassedFilterMessage}. */
  public static final String PASSED = "passed";

  /** The simulator's {@code SuccessMessage}. */
  public static final String SUCCESS = "success";

  /** The simulator's {@code WaitMessage}. */
  public static final String WAIT = "wait";

  /** The simulator's {@code PostFilterNominatedMessage}. */
  public static final String NOMINATED = "preemption victim";

  /**
   * The name preemption is recorded under. v1.18 preempts in the scheduler, not in a plugin; v1.19
   * moved the same code into the PostFilter plugin of this name.
   */
  public static final String PREEMPTION_PLUGIN = "DefaultPreemption";

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The annotations for one decision, in {@link #KEYS} order. */
  public static Map<String, String> of(Decision d) {
    return of(d, null);
  }

  /**
   * The annotations for a pod's last attempt {@code d}; when that attempt ran no preemption, {@code
   * postfilter-result} comes from {@code preempting}, the attempt whose preemption nominated the
   * node the pod was then placed on (null: none).
   */
  public static Map<String, String> of(Decision d, Decision preempting) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put(PRE_FILTER, "{}");
    a.put(PRE_FILTER_STATUS, json(statuses(d.preFilter(), SUCCESS)));
    Map<String, Map<String, String>> filter = new TreeMap<>();
    d.filter()
        .forEach(
            (node, m) -> {
              Map<String, String> byPlugin = new TreeMap<>();
              m.forEach((p, o) -> byPlugin.put(p, o.success() ? PASSED : o.message()));
              filter.put(node, byPlugin);
            });
    a.put(FILTER, json(filter));
    a.put(POST_FILTER, json(postFilter(d.preemptionRan() || preempting == null ? d : preempting)));
    a.put(PRE_SCORE, json(statuses(d.preScore(), SUCCESS)));
    Map<String, Map<String, String>> score = new TreeMap<>();
    Map<String, Map<String, String>> fin = new TreeMap<>();
    d.scores()
        .forEach(
            (plugin, s) -> {
              s.raw()
                  .forEach(
                      (node, v) ->
                          score
                              .computeIfAbsent(node, n -> new TreeMap<>())
                              .put(plugin, Long.toString(v)));
              s.weighted()
                  .forEach(
                      (node, v) ->
                          fin.computeIfAbsent(node, n -> new TreeMap<>())
                              .put(plugin, Long.toString(v)));
            });
    a.put(SCORE, json(score));
    a.put(FINAL_SCORE, json(fin));
    a.put(RESERVE, json(statuses(d.reserve(), SUCCESS)));
    Map<String, String> timeouts = new TreeMap<>();
    d.permitTimeout().forEach((p, t) -> timeouts.put(p, GoDurations.format(t)));
    a.put(PERMIT_TIMEOUT, json(timeouts));
    Map<String, String> permit = new TreeMap<>();
    d.permit()
        .forEach(
            (p, o) ->
                permit.put(
                    p, o.success() ? SUCCESS : "Wait".equals(o.code()) ? WAIT : o.message()));
    a.put(PERMIT, json(permit));
    a.put(PRE_BIND, json(statuses(d.preBind(), SUCCESS)));
    a.put(BIND, json(statuses(d.bind(), SUCCESS)));
    a.put(SELECTED_NODE, d.selectedNode());
    return a;
  }

  /**
   * {@code AddPostFilterResult}: every node the filters rejected, the nominated one marked; empty
   * when preemption did not run.
   */
  private static Map<String, Map<String, String>> postFilter(Decision d) {
    Map<String, Map<String, String>> post = new TreeMap<>();
    if (!d.preemptionRan()) {
      return post;
    }
    for (Map.Entry<String, Map<String, Decision.Outcome>> e : d.filter().entrySet()) {
      if (e.getValue().values().stream().allMatch(Decision.Outcome::success)) {
        continue;
      }
      Map<String, String> m = new TreeMap<>();
      if (e.getKey().equals(d.nominatedNode())) {
        m.put(PREEMPTION_PLUGIN, NOMINATED);
      }
      post.put(e.getKey(), m);
    }
    return post;
  }

  private static Map<String, String> statuses(Map<String, Decision.Outcome> m, String ok) {
    Map<String, String> out = new TreeMap<>();
    m.forEach((p, o) -> out.put(p, o.success() ? ok : o.message()));
    return out;
  }

  private static String json(Object o) {
    return JSON.writeValueAsString(o);
  }
}
