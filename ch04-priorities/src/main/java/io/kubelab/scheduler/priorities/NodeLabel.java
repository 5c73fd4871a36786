package io.kubelab.scheduler.priorities;

import static io.kubelab.scheduler.algorithm.NodeScoreList.MAX_NODE_SCORE;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.AlgorithmFactories.MapReduce;
import io.kubelab.scheduler.algorithm.AlgorithmFactoryArgs;
import io.kubelab.scheduler.algorithm.PriorityMapFunction;
import io.kubelab.scheduler.algorithm.PriorityMetadata;
import io.kubelab.scheduler.algorithm.policy.Policy;
import io.kubelab.scheduler.cache.NodeInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The NodeLabel priority of a Policy's {@code labelPreference} arguments: 100 for each preferred
 * label the node has (or, for an absence preference, lacks), averaged over all the preferences.
 *
 * <p>Upstream: {@code node_label.go} ({@code NewNodeLabelPriority}, {@code
 * CalculateNodeLabelPriorityMap}) with the argument handling of {@code
 * RegisterCustomPriorityFunction} in {@code algorithm_factory.go} and the conflict check of the
 * NodeLabel plugin ({@code framework/plugins/nodelabel}, which v1.17 runs it as). Every {@code
 * labelPreference} of a Policy lands in one priority named {@code NodeLabel}, whose weight is the
 * sum of theirs; only the label key counts, never its value. No reduce.
 */
public final class NodeLabel implements PriorityMapFunction {

  private final List<String> presentLabelsPreference;
  private final List<String> absentLabelsPreference;

  /**
   * {@code NewNodeLabelPriority}.
   *
   * @throws IllegalArgumentException when a label is preferred both present and absent, or none is
   *     given
   */
  public NodeLabel(List<String> presentLabelsPreference, List<String> absentLabelsPreference) {
    this.presentLabelsPreference = List.copyOf(presentLabelsPreference);
    this.absentLabelsPreference = List.copyOf(absentLabelsPreference);
    if (this.presentLabelsPreference.isEmpty() && this.absentLabelsPreference.isEmpty()) {
      throw new IllegalArgumentException("NodeLabel: no label preference given");
    }
    validateNoConflict(this.presentLabelsPreference, this.absentLabelsPreference);
  }

  /** The plugin's {@code validateNoConflict}, with its message. */
  static void validateNoConflict(List<String> presentLabels, List<String> absentLabels) {
    Set<String> present = new HashSet<>(presentLabels);
    for (String l : absentLabels) {
      if (present.contains(l)) {
        throw new IllegalArgumentException(
            "detecting at least one label (e.g., \""
                + l
                + "\") that exist in both the present("
                + goSlice(presentLabels)
                + ") and absent("
                + goSlice(absentLabels)
                + ") label list");
      }
    }
  }

  private static String goSlice(List<String> l) {
    return "[" + String.join(" ", l) + "]";
  }

  public List<String> presentLabelsPreference() {
    return presentLabelsPreference;
  }

  public List<String> absentLabelsPreference() {
    return absentLabelsPreference;
  }

  /** {@code CalculateNodeLabelPriorityMap}. */
  @Override
  public long map(Pod pod, PriorityMetadata meta, NodeInfo nodeInfo) {
    Node node = Priorities.requireNode(nodeInfo);
    Map<String, String> labels = node.getMetadata().getLabels();
    if (labels == null) {
      labels = Map.of();
    }
    long score = 0;
    for (String label : presentLabelsPreference) {
      if (labels.containsKey(label)) {
        score += MAX_NODE_SCORE;
      }
    }
    for (String label : absentLabelsPreference) {
      if (!labels.containsKey(label)) {
        score += MAX_NODE_SCORE;
      }
    }
    // The average, so that the score never exceeds MaxNodeScore.
    return score / (presentLabelsPreference.size() + absentLabelsPreference.size());
  }

  /**
   * The custom-priority factory for {@code labelPreference}: the present and absent labels of all
   * the Policy's arguments, in Policy order.
   */
  static MapReduce customPriority(
      List<Policy.PriorityArgument> arguments, AlgorithmFactoryArgs args) {
    List<String> present = new ArrayList<>();
    List<String> absent = new ArrayList<>();
    for (int i = 0; i < arguments.size(); i++) {
      Policy.LabelPreference p = arguments.get(i).labelPreference();
      if (p.label() == null || p.label().isEmpty()) {
        throw new IllegalArgumentException(
            "NodeLabel: labelPreference.label is required (argument " + i + ")");
      }
      (p.presence() ? present : absent).add(p.label());
    }
    return new MapReduce(new NodeLabel(present, absent), null);
  }

  @Override
  public String toString() {
    return "NodeLabel{present="
        + presentLabelsPreference
        + ", absent="
        + absentLabelsPreference
        + "}";
  }
}
