package io.kubelab.scheduler.spread;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.AlgorithmFactoryArgs;
import io.kubelab.scheduler.algorithm.FitPredicate;
import io.kubelab.scheduler.algorithm.PredicateMetadata;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.algorithm.policy.Policy;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.predicates.PredicateErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * CheckNodeLabelPresence: a node fits when it has every label of {@code presentLabels} and none of
 * {@code absentLabels}, whatever their values. Keeps pods in the regions or racks an administrator
 * labelled, or off nodes labelled {@code retiring}.
 *
 * <p>Upstream: {@code NodeLabelChecker}, {@code NewNodeLabelPredicate} and {@code
 * CheckNodeLabelPresence} in {@code pkg/scheduler/algorithm/predicates/predicates.go} (v1.17),
 * built by {@code RegisterCustomFitPredicate} from a Policy's {@code labelsPresence} arguments (all
 * of them, accumulated, under the one name {@code CheckNodeLabelPresence}); the v1.18 {@code
 * NodeLabel} plugin's Filter. Reason: "node(s) didn't have the requested labels".
 */
public final class NodeLabelChecker implements FitPredicate {

  private final List<String> presentLabels;
  private final List<String> absentLabels;

  /** {@code NewNodeLabelPredicate}. */
  public NodeLabelChecker(List<String> presentLabels, List<String> absentLabels) {
    this.presentLabels = List.copyOf(presentLabels);
    this.absentLabels = List.copyOf(absentLabels);
  }

  public List<String> presentLabels() {
    return presentLabels;
  }

  public List<String> absentLabels() {
    return absentLabels;
  }

  /** {@code CheckNodeLabelPresence}. */
  @Override
  public PredicateResult check(Pod pod, PredicateMetadata meta, NodeInfo nodeInfo) {
    Node node = SelectorSpread.requireNode(nodeInfo);
    Map<String, String> labels = node.getMetadata().getLabels();
    Map<String, String> nodeLabels = labels == null ? Map.of() : labels;
    if (check(nodeLabels, presentLabels, true) && check(nodeLabels, absentLabels, false)) {
      return PredicateResult.FIT;
    }
    return PredicateResult.fail(PredicateErrors.ERR_NODE_LABEL_PRESENCE_VIOLATED);
  }

  private static boolean check(
      Map<String, String> nodeLabels, List<String> labels, boolean presence) {
    for (String label : labels) {
      if (nodeLabels.containsKey(label) != presence) {
        return false;
      }
    }
    return true;
  }

  /**
   * The custom-predicate factory for {@code labelsPresence}: the labels of every argument, present
   * and absent, in Policy order.
   */
  static FitPredicate customPredicate(
      List<Policy.PredicateArgument> arguments, AlgorithmFactoryArgs args) {
    List<String> present = new ArrayList<>();
    List<String> absent = new ArrayList<>();
    for (Policy.PredicateArgument a : arguments) {
      (a.labelsPresence().presence() ? present : absent).addAll(a.labelsPresence().labels());
    }
    return new NodeLabelChecker(present, absent);
  }

  @Override
  public String toString() {
    return "CheckNodeLabelPresence{present=" + presentLabels + ", absent=" + absentLabels + "}";
  }
}
