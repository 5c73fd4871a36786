package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.cache.Cache;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FrameworkHandle;
import io.kubelab.scheduler.framework.PreScorePlugin;
import io.kubelab.scheduler.framework.ScoreExtensions;
import io.kubelab.scheduler.framework.ScorePlugin;
import io.kubelab.scheduler.framework.StateData;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.spread.PodSelectorCounts;
import io.kubelab.scheduler.spread.SelectorSpread;
import io.kubelab.scheduler.spread.SpreadListers;
import io.kubelab.scheduler.spread.SpreadSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Spread the pods of one Service or controller over nodes and zones: prefer the node, and the zone,
 * that runs the fewest of them.
 *
 * <p>Upstream: {@code
 * pkg/scheduler/framework/plugins/defaultpodtopologyspread/default_pod_topology_spread.go} (v1.18),
 * the SelectorSpread priority as a plugin. PreScore builds the selector of the pod's Services,
 * ReplicationControllers, ReplicaSets and StatefulSets ({@link SpreadSelector#defaultSelector});
 * Score counts the node's live pods of the pod's namespace that match it ({@link
 * SelectorSpread#countMatchingPods}); NormalizeScore is chapter 05's {@link
 * SelectorSpread#calculateSpreadPriorityReduce} (fewest scores 100, two thirds of a zoned node's
 * score from its zone). The objects come from the {@link SpreadListers} component (none given: no
 * Service or controller selects any pod, so every node scores 100).
 *
 * <p>Counted as chapter 05's SelectorSpread counts: PreScore takes the filtered nodes' view of a
 * {@link PodSelectorCounts.Source} this plugin keeps across cycles (only nodes changed since the
 * last cycle are looked at again), Score reads a node's count from it, NormalizeScore its numbered
 * zones. Upstream walks every pod of every scored node and builds every node's zone key in every
 * cycle; the scores are the same (a node the snapshot lacks takes upstream's way).
 */
public final class DefaultPodTopologySpread
    implements PreScorePlugin, ScorePlugin, ScoreExtensions {

  /** {@code Name}. */
  public static final String NAME = "DefaultPodTopologySpread";

  /** {@code preScoreStateKey}. */
  static final String PRE_SCORE_STATE_KEY = "PreScore" + NAME;

  private final FrameworkHandle handle;
  private final SpreadListers listers;
  private final PodSelectorCounts.Source counts = new PodSelectorCounts.Source();

  DefaultPodTopologySpread(FrameworkHandle handle) {
    this.handle = handle;
    this.listers = handle.componentOr(SpreadListers.class, SpreadListers.EMPTY);
  }

  /**
   * {@code preScoreState}: the pod's selector, and its counts over the filtered nodes (null when a
   * filtered node is not in the snapshot); never changed, so clones share it.
   */
  record PreScoreState(SpreadSelector selector, PodSelectorCounts counts) implements StateData {
    @Override
    public StateData clone() {
      return this;
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status preScore(CycleState state, Pod pod, List<Node> nodes) {
    SpreadSelector selector = SpreadSelector.defaultSelector(pod, listers);
    state.write(PRE_SCORE_STATE_KEY, new PreScoreState(selector, counts(pod, selector, nodes)));
    return Status.SUCCESS;
  }

  private PodSelectorCounts counts(Pod pod, SpreadSelector selector, List<Node> nodes) {
    if (selector.isEmpty()) {
      return null; // nothing matches: every count is 0 without looking
    }
    Snapshot snapshot = handle.snapshotSharedLister();
    List<NodeInfo> infos = new ArrayList<>(nodes.size());
    for (Node n : nodes) {
      NodeInfo ni;
      try {
        ni = snapshot.get(n.getMetadata().getName());
      } catch (Cache.CacheException e) {
        return null; // Score and NormalizeScore fail on it as upstream's do
      }
      infos.add(ni);
    }
    String ns = pod.getMetadata().getNamespace();
    return counts.counts(
        selector, ns == null ? "" : ns, infos, snapshot.numNodes(), handle.parallelizer());
  }

  @Override
  public long score(CycleState state, Pod pod, String nodeName) {
    return score(state, pod, Snapshots.nodeInfo(handle, nodeName));
  }

  @Override
  public long score(CycleState state, Pod pod, NodeInfo nodeInfo) {
    PreScoreState s = States.read(state, PRE_SCORE_STATE_KEY, PreScoreState.class);
    if (s.counts() != null) {
      return s.counts().countMatchingPods(nodeInfo);
    }
    String ns = pod.getMetadata().getNamespace();
    return SelectorSpread.countMatchingPods(ns == null ? "" : ns, s.selector(), nodeInfo);
  }

  /** 0 on every node when no Service, controller or StatefulSet selects the pod. */
  @Override
  public OptionalLong sameScoreOnEveryNode(CycleState state, Pod pod) {
    PreScoreState s = States.readOrNull(state, PRE_SCORE_STATE_KEY, PreScoreState.class);
    return s != null && s.selector().isEmpty() ? OptionalLong.of(0) : OptionalLong.empty();
  }

  @Override
  public ScoreExtensions scoreExtensions() {
    return this;
  }

  @Override
  public Status normalizeScore(CycleState state, Pod pod, NodeScoreList scores) {
    // Upstream's NormalizeScore reads no state; the counts, when PreScore left them, only spare
    // the zone keys.
    PodSelectorCounts c = null;
    try {
      if (state.read(PRE_SCORE_STATE_KEY) instanceof PreScoreState s) {
        c = s.counts();
      }
    } catch (CycleState.NotFoundException e) {
      // no PreScore in this cycle: every zone key from the snapshot
    }
    SelectorSpread.calculateSpreadPriorityReduce(c, handle.snapshotSharedLister(), scores);
    return Status.SUCCESS;
  }
}
