package io.kubelab.scheduler.priorities;

import static io.kubelab.scheduler.algorithm.NodeScoreList.MAX_NODE_SCORE;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import io.kubelab.apimachinery.labels.CompiledNodeSelector;
import io.kubelab.apimachinery.labels.LabelSelectors;
import io.kubelab.apimachinery.labels.NodeSelectors;
import io.kubelab.apimachinery.resource.PodRequests;
import io.kubelab.scheduler.algorithm.PriorityMetadata;
import io.kubelab.scheduler.algorithm.PriorityReduceFunction;
import io.kubelab.scheduler.cache.NodeInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * NodeAffinityPriority: the sum of the weights of the pod's preferred node-affinity terms that the
 * node matches, normalized so that the best node scores 100.
 *
 * <p>Upstream: {@code node_affinity.go} (v1.17). Each {@code
 * preferredDuringSchedulingIgnoredDuringExecution} term of non-zero weight is turned into a label
 * selector from its {@code matchExpressions} alone ({@code NodeSelectorRequirementsAsSelector}):
 * {@code matchFields} are not looked at, and a term without expressions matches no node (whatever
 * the comment above upstream's loop says). The reduce is {@link NormalizeReduce} forward. We
 * compile the terms once per pod, in the metadata; upstream does it per node (its TODO).
 */
public final class NodeAffinity {

  private NodeAffinity() {}

  private static final String FIELD =
      "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution";

  /** {@code CalculateNodeAffinityPriorityReduce}. */
  public static final PriorityReduceFunction CALCULATE_NODE_AFFINITY_PRIORITY_REDUCE =
      new NormalizeReduce(MAX_NODE_SCORE, false);

  /**
   * One compiled preferred term.
   *
   * @param weight the term's weight, never 0
   * @param selector its match expressions
   */
  public record PreferredTerm(long weight, CompiledNodeSelector selector) {}

  /** {@code CalculateNodeAffinityPriorityMap}. */
  public static long calculateNodeAffinityPriorityMap(
      Pod pod, PriorityMetadata meta, NodeInfo nodeInfo) {
    Node node = Priorities.requireNode(nodeInfo);
    List<PreferredTerm> terms =
        meta instanceof PodPriorityMetadata m
            ? m.preferredNodeAffinity()
            : preferredTerms(pod, pod.getSpec().getAffinity());
    return sumOfMatchingWeights(terms, node);
  }

  /** The sum of the weights of the terms that match the node's labels. */
  public static long sumOfMatchingWeights(List<PreferredTerm> terms, Node node) {
    Map<String, String> labels = node.getMetadata().getLabels();
    if (labels == null) {
      labels = Map.of();
    }
    long count = 0;
    for (PreferredTerm t : terms) {
      if (t.selector().matches(labels, null)) {
        count += t.weight();
      }
    }
    return count;
  }

  /**
   * The pod's preferred terms of non-zero weight, compiled.
   *
   * @throws LabelSelectors.InvalidSelectorException naming the pod and the field of a malformed
   *     expression (upstream: the map function's error, which fails the attempt)
   */
  public static List<PreferredTerm> preferredTerms(Pod pod, Affinity affinity) {
    if (affinity == null
        || affinity.getNodeAffinity() == null
        || affinity.getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution()
            == null) {
      return List.of();
    }
    List<PreferredSchedulingTerm> preferred =
        affinity.getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
    List<PreferredTerm> out = new ArrayList<>();
    for (int i = 0; i < preferred.size(); i++) {
      PreferredSchedulingTerm p = preferred.get(i);
      long weight = p.getWeight() == null ? 0 : p.getWeight();
      if (weight == 0) {
        continue;
      }
      NodeSelectorTerm expressionsOnly = new NodeSelectorTerm();
      if (p.getPreference() != null) {
        expressionsOnly.setMatchExpressions(p.getPreference().getMatchExpressions());
      }
      String what = PodRequests.describe(pod) + ": " + FIELD + "[" + i + "].preference";
      NodeSelectors.checkRequirementsAsSelector(expressionsOnly.getMatchExpressions(), what);
      out.add(new PreferredTerm(weight, CompiledNodeSelector.compile(List.of(expressionsOnly))));
    }
    return List.copyOf(out);
  }
}
