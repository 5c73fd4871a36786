package io.kubelab.scheduler.spread;

import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.cache.NodeInfo;
import java.util.List;
import java.util.Objects;

/**
 * SelectorSpread's part of the priority metadata: upstream's {@code podSelector}, and what the map
 * and the reduce need from every filtered node, taken once per cycle from a {@link PodClassIndex}:
 * the selector's verdict on each kind of pod, and each node's zone as a small integer.
 *
 * <p>Upstream: the field {@code podSelector} of {@code priorityMetadata} ({@code
 * pkg/scheduler/algorithm/priorities/metadata.go}, v1.17); the counts and zones are ours (see
 * {@link PodClassIndex}). Every answer equals {@link SelectorSpread#countMatchingPods} and {@link
 * Zones#getZoneKey} on the same node; for a node the view does not cover the map counts the node's
 * pods itself.
 */
public final class PodSelectorCounts {

  private final SpreadSelector selector;
  private final String namespace;
  private final PodClassIndex.View view;
  private final boolean[] matching;

  /**
   * @param view the filtered nodes' view of the index; null for an empty selector, which counts
   *     nothing anywhere and needs no view
   */
  PodSelectorCounts(SpreadSelector selector, String namespace, PodClassIndex.View view) {
    this.selector = Objects.requireNonNull(selector, "selector");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    if (view == null && !selector.isEmpty()) {
      throw new NullPointerException("view");
    }
    this.view = view;
    // countMatchingPods' three conditions, asked once per kind of pod.
    this.matching =
        selector.isEmpty()
            ? new boolean[0]
            : view.matching(
                selector.requirements(),
                c ->
                    !c.terminating()
                        && c.namespace().equals(namespace)
                        && selector.matches(c.labels()));
  }

  /** {@code podSelector}: {@link SpreadSelector#defaultSelector} of the pod. */
  public SpreadSelector selector() {
    return selector;
  }

  /**
   * Where a caller outside the priority metadata (chapter 08's DefaultPodTopologySpread plugin)
   * gets its counts: one {@link PodClassIndex} kept across that caller's cycles, as the metadata's
   * own part keeps one per scheduler. Safe to share between cycles on several threads.
   */
  public static final class Source {
    private final PodClassIndex index = new PodClassIndex();

    /**
     * The counts of one cycle: {@code selector}'s matching pods in {@code namespace} on each of
     * {@code nodes} (the filtered nodes, in the order their scores will be listed), through the
     * index; {@code clusterSize} is the snapshot's node count.
     */
    public PodSelectorCounts counts(
        SpreadSelector selector,
        String namespace,
        List<NodeInfo> nodes,
        int clusterSize,
        Parallelizer workers) {
      // A pod no Service or controller selects counts nothing anywhere: no need to bring the index
      // up to date for it (the reduce then scores every node 100 without zones).
      return new PodSelectorCounts(
          selector,
          namespace,
          selector.isEmpty() ? null : index.refresh(nodes, clusterSize, workers));
    }
  }

  /** {@link SelectorSpread#countMatchingPods} for the pod's namespace and selector. */
  public long countMatchingPods(NodeInfo nodeInfo) {
    if (selector.isEmpty()) {
      return 0;
    }
    PodClassIndex.NodeEntry e = view.entry(nodeInfo);
    return e == null
        ? SelectorSpread.countMatchingPods(namespace, selector, nodeInfo)
        : PodClassIndex.View.count(e, matching);
  }

  /**
   * The zone of each node of {@code result} as an index below {@link #zoneCount}, -1 for none; null
   * unless {@code result} lists exactly the filtered nodes this part was computed for, in order.
   * The array is the view's own: read it, never write it.
   */
  int[] zones(NodeScoreList result) {
    if (view == null || result.size() != view.nodes().size()) {
      return null;
    }
    for (int i = 0; i < result.size(); i++) {
      String name = view.name(i);
      if (name == null || !name.equals(result.name(i))) {
        return null;
      }
    }
    return view.zoneColumn();
  }

  /** The number of distinct zones {@link #zones} may name. */
  int zoneCount() {
    return view == null ? 0 : view.zoneCount();
  }

  @Override
  public String toString() {
    return "PodSelectorCounts{" + selector + " in " + namespace + "}";
  }
}
