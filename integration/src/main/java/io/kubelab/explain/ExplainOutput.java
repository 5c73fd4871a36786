package io.kubelab.explain;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Prints a {@link FrameworkSimulation}'s results: as a {@code v1 List} of Pods carrying
 * kube-scheduler-simulator's annotations ({@code -o json}, {@code -o yaml}), or as tables.
 *
 * <p>Each Pod is the pending pod as the scheduler left it, as the API server would show it after
 * the run: {@code spec.nodeName} and {@code PodScheduled=True} when bound (what {@code
 * pods/binding} stores; a nomination stays in {@code status.nominatedNodeName}, as v1.18 leaves
 * it); otherwise the {@code PodScheduled=False} condition with reason {@code Unschedulable} and the
 * FitError as message (upstream's {@code podConditionUpdater}), and {@code
 * status.nominatedNodeName} when preemption nominated it. Two annotations of kubelab's own add what
 * the simulator does not record: {@value #VICTIMS} (the pods this pod's preemption deleted) and
 * {@value #ATTEMPTS}.
 */
public final class ExplainOutput {

  /** A JSON list of the {@code namespace/name} of the pods the pod's preemption deleted. */
  public static final String VICTIMS = "kubelab.io/preemption-victims";

  /** How many scheduling attempts the pod took. */
  public static final String ATTEMPTS = "kubelab.io/scheduling-attempts";

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
  private static final ObjectMapper YAML = YAMLMapper.builder().build();
  private static final ObjectMapper COMPACT = JsonMapper.builder().build();

  private ExplainOutput() {}

  /** The pod as the run left it, annotated. */
  public static Pod annotated(PodResult r) {
    Map<String, String> annotations = new LinkedHashMap<>();
    if (r.pod().getMetadata().getAnnotations() != null) {
      annotations.putAll(r.pod().getMetadata().getAnnotations());
    }
    annotations.putAll(SimulatorAnnotations.of(r.decision(), r.preemptingAttempt()));
    if (!r.victims().isEmpty()) {
      annotations.put(VICTIMS, COMPACT.writeValueAsString(r.victims()));
    }
    annotations.put(ATTEMPTS, Integer.toString(r.attempts()));
    PodBuilder b =
        new PodBuilder(r.pod()).editMetadata().withAnnotations(annotations).endMetadata();
    if (r.bound()) {
      // What the binding subresource stores: spec.nodeName and PodScheduled=True.
      b.editSpec().withNodeName(r.node()).endSpec();
      b.editOrNewStatus()
          .withConditions(
              new PodConditionBuilder().withType("PodScheduled").withStatus("True").build())
          .endStatus();
    } else {
      PodCondition c =
          new PodConditionBuilder()
              .withType("PodScheduled")
              .withStatus("False")
              .withReason("Unschedulable")
              .withMessage(r.message())
              .build();
      b.editOrNewStatus()
          .withPhase("Pending")
          .withConditions(c)
          .withNominatedNodeName(r.nominatedNode().isEmpty() ? null : r.nominatedNode())
          .endStatus();
    }
    return b.build();
  }

  /** A {@code v1 List} of the annotated pods, as a tree. */
  public static ObjectNode list(List<PodResult> results) {
    ObjectNode root = JSON.createObjectNode();
    root.put("apiVersion", "v1");
    root.put("kind", "List");
    ArrayNode items = root.putArray("items");
    for (PodResult r : results) {
      ObjectNode pod = JSON.valueToTree(annotated(r));
      pod.put("apiVersion", "v1");
      pod.put("kind", "Pod");
      items.add(pod);
    }
    root.putObject("metadata");
    return root;
  }

  public static String json(List<PodResult> results) {
    return JSON.writeValueAsString(list(results)) + System.lineSeparator();
  }

  public static String yaml(List<PodResult> results) {
    return YAML.writeValueAsString(list(results));
  }

  /** Where each pod landed, one line each: the first table of {@code kubelab schedule}. */
  public static void placements(PrintStream out, List<PodResult> results) {
    int w = "POD".length();
    for (PodResult r : results) {
      w = Math.max(w, r.key().length());
    }
    String fmt = "%-" + w + "s  %-12s  %s%n";
    out.printf(fmt, "POD", "NODE", "RESULT");
    for (PodResult r : results) {
      String result;
      if (r.bound()) {
        int feasible = r.decision().feasibleNodes().size();
        result = feasible + " of " + r.decision().filter().size() + " examined nodes fit";
      } else {
        result = r.message();
      }
      out.printf(fmt, r.key(), r.bound() ? r.node() : "<none>", result);
    }
  }

  /** Every examined node's verdict for one pod, plugin by plugin; {@code *} marks the choice. */
  public static void verdicts(PrintStream out, PodResult r) {
    Decision d = r.decision();
    out.println();
    out.println(r.key() + (r.bound() ? " -> " + r.node() : " stays pending: " + r.message()));
    for (String node : d.filter().keySet()) {
      String reason = d.filterReason(node);
      Long total = d.finalScores().get(node);
      String verdict =
          reason.isEmpty() ? "fits" + (total == null ? "" : " (score " + total + ")") : reason;
      out.printf("  %s %-12s %s%n", node.equals(r.node()) ? "*" : " ", node, verdict);
    }
    if (!d.preFilter().isEmpty() && d.preFilter().values().stream().anyMatch(o -> !o.success())) {
      d.preFilter()
          .forEach(
              (p, o) -> {
                if (!o.success()) {
                  out.printf("  PreFilter %s: %s%n", p, o.message());
                }
              });
    }
    if (!d.preemptionRan() && !r.victims().isEmpty()) {
      out.println(
          "  an earlier attempt preempted "
              + String.join(", ", r.victims())
              + " on "
              + r.nominatedNode()
              + "; placed on attempt "
              + r.attempts());
    }
    if (d.preemptionRan()) {
      out.println(
          d.nominatedNode().isEmpty()
              ? "  preemption: no node where evicting lower-priority pods would help"
              : "  preemption: nominated to "
                  + d.nominatedNode()
                  + (d.victims().isEmpty() ? "" : ", evicting " + String.join(", ", d.victims())));
    }
  }

  /**
   * The pod's scores, nodes × Score plugins: each plugin's normalised score, and the final score (Σ
   * weight × normalised); {@code *} marks the chosen node.
   */
  public static void scoreTable(PrintStream out, PodResult r) {
    Decision d = r.decision();
    out.println();
    if (d.scores().isEmpty()) {
      out.println(
          "Scores for "
              + r.key()
              + ": none ("
              + (d.feasibleNodes().size() == 1
                  ? "one node fit, so the Score plugins did not run"
                  : "no node fit")
              + ").");
      return;
    }
    out.println("Scores for " + r.key() + " (normalised score per plugin; weight in brackets):");
    List<String> plugins = new ArrayList<>(d.scores().keySet());
    Set<String> nodes = new LinkedHashSet<>(d.finalScores().keySet());
    List<String> headers = new ArrayList<>();
    headers.add("NODE");
    for (String p : plugins) {
      headers.add(p + "(" + d.scores().get(p).weight() + ")");
    }
    headers.add("FINAL");
    List<List<String>> rows = new ArrayList<>();
    for (String n : nodes) {
      List<String> row = new ArrayList<>();
      row.add((n.equals(r.node()) ? "*" : " ") + n);
      for (String p : plugins) {
        Long v = d.scores().get(p).normalized().get(n);
        row.add(v == null ? "-" : v.toString());
      }
      row.add(String.valueOf(d.finalScores().get(n)));
      rows.add(row);
    }
    int[] w = new int[headers.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = headers.get(i).length();
      for (List<String> row : rows) {
        w[i] = Math.max(w[i], row.get(i).length());
      }
    }
    printRow(out, headers, w);
    for (List<String> row : rows) {
      printRow(out, row, w);
    }
  }

  private static void printRow(PrintStream out, List<String> cells, int[] w) {
    StringBuilder sb = new StringBuilder(" ");
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i);
      if (i == 0) {
        sb.append(c).append(" ".repeat(w[i] - c.length()));
      } else {
        sb.append("  ").append(" ".repeat(w[i] - c.length())).append(c);
      }
    }
    out.println(sb.toString().stripTrailing());
  }
}
