package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.framework.Code;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FilterPlugin;
import io.kubelab.scheduler.framework.FrameworkHandle;
import io.kubelab.scheduler.framework.PreFilterExtensions;
import io.kubelab.scheduler.framework.PreFilterPlugin;
import io.kubelab.scheduler.framework.PreScorePlugin;
import io.kubelab.scheduler.framework.ScoreExtensions;
import io.kubelab.scheduler.framework.ScorePlugin;
import io.kubelab.scheduler.framework.StateData;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.predicates.EvenPodsSpreadMetadata;
import io.kubelab.scheduler.predicates.EvenPodsSpreadPredicate;
import io.kubelab.scheduler.spread.EvenPodsSpreadPriority;
import io.kubelab.scheduler.spread.PodTopologySpreadMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Topology spread constraints: the hard ones ({@code whenUnsatisfiable: DoNotSchedule}) filter, the
 * soft ones ({@code ScheduleAnyway}) score.
 *
 * <p>Upstream: {@code pkg/scheduler/framework/plugins/podtopologyspread/} {@code filtering.go} and
 * {@code scoring.go} (v1.18). PreFilter counts matching pods per topology pair (chapter 03's {@link
 * EvenPodsSpreadMetadata}, over the nodes in parallel, terminating pods left out as v1.18 leaves
 * them out where v1.17 counted them; a malformed selector fails PreFilter with an Error status
 * "obtaining pod's hard topology spread constraints: ..."), AddPod and RemovePod keep the counts in
 * step, Filter is chapter 03's {@link EvenPodsSpreadPredicate#withCounts}: Unschedulable, "node(s)
 * didn't match pod topology spread constraints". PreScore counts, per topology pair of the filtered
 * nodes that carry every soft constraint's key, the live pods of the pod's namespace matching the
 * constraint on all nodes that pass the pod's node selector and affinity (chapter 05's {@link
 * PodTopologySpreadMap#buildV118}); Score sums the node's pairs; NormalizeScore is chapter 05's
 * {@link EvenPodsSpreadPriority#reduce} ({@code 100 × (total − score) / (total − min)}; a node
 * without every key gets 0). A pod without soft constraints scores 0 on every node.
 *
 * <p>Not upstream: both counts are read from a {@link PodDomainIndex} kept across cycles (per pod
 * class, the pods per domain of a key over the nodes that carry every constraint key) instead of
 * walking every node's pods, unless the pod narrows its nodes ({@link #selectsNodes}); the counts
 * are v1.18's.
 */
public final class PodTopologySpread
    implements PreFilterPlugin,
        PreFilterExtensions,
        FilterPlugin,
        PreScorePlugin,
        ScorePlugin,
        ScoreExtensions {

  /** {@code Name}. */
  public static final String NAME = "PodTopologySpread";

  static final String PRE_FILTER_STATE_KEY = "PreFilter" + NAME;

  /** {@code preScoreStateKey}. */
  static final String PRE_SCORE_STATE_KEY = "PreScore" + NAME;

  /**
   * {@code preScoreState}: the soft constraints' counts, or null when the pod has none; never
   * changed, so clones share it.
   */
  record PreScoreState(PodTopologySpreadMap map) implements StateData {
    @Override
    public StateData clone() {
      return this;
    }
  }

  /**
   * {@code preFilterState}: the hard constraints' counts, or null when the pod has none. AddPod and
   * RemovePod change them, so a clone copies them.
   */
  record PreFilterState(EvenPodsSpreadMetadata counts) implements StateData {
    @Override
    public StateData clone() {
      return counts == null ? this : new PreFilterState(counts.copy());
    }
  }

  private final FrameworkHandle handle;
  private final PodDomainIndex index = new PodDomainIndex();

  PodTopologySpread(FrameworkHandle handle) {
    this.handle = handle;
  }

  /**
   * True when the pod narrows its nodes with a {@code nodeSelector} or a required node affinity:
   * upstream then counts only the nodes it selects, so the counts are taken by walking the nodes;
   * otherwise they are read from the plugin's {@link PodDomainIndex}, kept across cycles.
   */
  static boolean selectsNodes(Pod pod) {
    Map<String, String> selector = pod.getSpec().getNodeSelector();
    if (selector != null && !selector.isEmpty()) {
      return true;
    }
    Affinity a = pod.getSpec().getAffinity();
    return a != null
        && a.getNodeAffinity() != null
        && a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() != null;
  }

  /** How often the plugin's index was built from scratch (for tests). */
  long indexRebuilds() {
    return index.rebuilds();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status preFilter(CycleState state, Pod pod) {
    EvenPodsSpreadMetadata counts;
    try {
      counts =
          selectsNodes(pod)
              ? EvenPodsSpreadMetadata.of(
                  pod, handle.snapshotSharedLister().list(), handle.parallelizer())
              : EvenPodsSpreadMetadata.of(pod, index.over(handle.snapshotSharedLister()));
    } catch (IllegalArgumentException e) {
      return Status.error("obtaining pod's hard topology spread constraints: " + e.getMessage());
    }
    state.write(PRE_FILTER_STATE_KEY, new PreFilterState(counts));
    return Status.SUCCESS;
  }

  @Override
  public PreFilterExtensions preFilterExtensions() {
    return this;
  }

  @Override
  public Status addPod(CycleState state, Pod podToSchedule, Pod podToAdd, NodeInfo nodeInfo) {
    return update(state, podToAdd, nodeInfo, 1);
  }

  @Override
  public Status removePod(CycleState state, Pod podToSchedule, Pod podToRemove, NodeInfo nodeInfo) {
    return update(state, podToRemove, nodeInfo, -1);
  }

  private static Status update(CycleState state, Pod pod, NodeInfo nodeInfo, int delta) {
    PreFilterState s = States.read(state, PRE_FILTER_STATE_KEY, PreFilterState.class);
    if (s.counts() != null) {
      s.counts().updateWithPod(pod, nodeInfo.node(), delta);
    }
    return Status.SUCCESS;
  }

  @Override
  public Status filter(CycleState state, Pod pod, NodeInfo nodeInfo) {
    if (nodeInfo == null || nodeInfo.node() == null) {
      return Status.error("node not found");
    }
    PreFilterState s = States.read(state, PRE_FILTER_STATE_KEY, PreFilterState.class);
    return PredicateStatus.of(
        EvenPodsSpreadPredicate.withCounts(pod, s.counts(), nodeInfo), Code.UNSCHEDULABLE);
  }

  /**
   * A pod without hard constraints passes on every node: PreFilter stored no counts, and adding or
   * removing pods leaves none.
   */
  @Override
  public boolean filterPassesEveryNode(CycleState state, Pod pod) {
    PreFilterState s = States.readOrNull(state, PRE_FILTER_STATE_KEY, PreFilterState.class);
    return s != null && s.counts() == null;
  }

  @Override
  public Status preScore(CycleState state, Pod pod, List<Node> nodes) {
    var snapshot = handle.snapshotSharedLister();
    List<NodeInfo> allNodes = snapshot.list();
    if (nodes.isEmpty() || allNodes.isEmpty()) {
      return Status.SUCCESS; // no nodes to score
    }
    List<PodTopologySpreadMap.Constraint> soft;
    try {
      soft = PodTopologySpreadMap.filterSoftTopologySpreadConstraints(pod);
    } catch (IllegalArgumentException e) {
      return Status.error(
          "error when calculating preScoreState: obtaining pod's soft topology spread"
              + " constraints: "
              + e.getMessage());
    }
    if (soft.isEmpty()) {
      // The usual pod: nothing to count, every node will score 0.
      state.write(PRE_SCORE_STATE_KEY, new PreScoreState(null));
      return Status.SUCCESS;
    }
    List<NodeInfo> filtered = new ArrayList<>(nodes.size());
    for (Node n : nodes) {
      filtered.add(Snapshots.nodeInfo(handle, n.getMetadata().getName()));
    }
    PodTopologySpreadMap m;
    try {
      m =
          selectsNodes(pod)
              ? PodTopologySpreadMap.buildV118(pod, filtered, allNodes, handle.parallelizer())
              : PodTopologySpreadMap.buildV118(pod, filtered, index.over(snapshot));
    } catch (IllegalArgumentException e) {
      return Status.error(
          "error when calculating preScoreState: obtaining pod's soft topology spread"
              + " constraints: "
              + e.getMessage());
    }
    state.write(PRE_SCORE_STATE_KEY, new PreScoreState(m));
    return Status.SUCCESS;
  }

  @Override
  public long score(CycleState state, Pod pod, String nodeName) {
    return score(state, pod, Snapshots.nodeInfo(handle, nodeName));
  }

  @Override
  public long score(CycleState state, Pod pod, NodeInfo nodeInfo) {
    Node node = nodeInfo.node();
    PreScoreState s = States.read(state, PRE_SCORE_STATE_KEY, PreScoreState.class);
    if (s.map() == null || !s.map().isEligible(nodeInfo.nodeName())) {
      return 0;
    }
    return s.map().score(node.getMetadata().getLabels());
  }

  /** 0 on every node when PreScore found no soft constraint. */
  @Override
  public OptionalLong sameScoreOnEveryNode(CycleState state, Pod pod) {
    PreScoreState s = States.readOrNull(state, PRE_SCORE_STATE_KEY, PreScoreState.class);
    return s != null && s.map() == null ? OptionalLong.of(0) : OptionalLong.empty();
  }

  @Override
  public ScoreExtensions scoreExtensions() {
    return this;
  }

  @Override
  public Status normalizeScore(CycleState state, Pod pod, NodeScoreList scores) {
    PreScoreState s = States.read(state, PRE_SCORE_STATE_KEY, PreScoreState.class);
    if (s.map() == null) {
      // No node is eligible: upstream's diff is total − MaxInt64, never 0, so every node gets 0.
      for (int i = 0; i < scores.size(); i++) {
        scores.setScore(i, 0);
      }
      return Status.SUCCESS;
    }
    EvenPodsSpreadPriority.reduce(s.map(), handle.snapshotSharedLister(), scores);
    return Status.SUCCESS;
  }
}
