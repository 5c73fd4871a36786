package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.algorithm.PredicateFailureReason;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.framework.Code;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FilterPlugin;
import io.kubelab.scheduler.framework.FrameworkHandle;
import io.kubelab.scheduler.framework.PluginArgs;
import io.kubelab.scheduler.framework.PreFilterExtensions;
import io.kubelab.scheduler.framework.PreFilterPlugin;
import io.kubelab.scheduler.framework.PreScorePlugin;
import io.kubelab.scheduler.framework.ScoreExtensions;
import io.kubelab.scheduler.framework.ScorePlugin;
import io.kubelab.scheduler.framework.StateData;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.predicates.AffinityTerms;
import io.kubelab.scheduler.predicates.PredicateErrors;
import java.util.List;
import java.util.Map;

/**
 * Inter-pod affinity and anti-affinity: the required terms filter (the incoming pod's and the
 * existing pods' anti-affinity), the preferred terms score.
 *
 * <p>Upstream: {@code pkg/scheduler/framework/plugins/interpodaffinity/} {@code plugin.go}, {@code
 * filtering.go} and {@code scoring.go} (v1.18). PreFilter counts, per topology pair, the pods that
 * match ({@link InterPodAffinityState}: v1.18 keeps counts where chapter 03's v1.17 metadata kept
 * pod names), AddPod/RemovePod keep the counts in step, and Filter reads them with chapter 03's
 * rules and reasons. A malformed label selector fails PreFilter with an Error status ("calculating
 * preFilterState: ..."), where v1.17 fell back to its slow path. The code depends on the reason:
 * the incoming pod's own affinity unmet is UnschedulableAndUnresolvable (evicting pods cannot
 * create a matching pod); the anti-affinity cases are Unschedulable. PreScore builds the weighted
 * topology table with chapter 04's {@link
 * io.kubelab.scheduler.priorities.InterPodAffinity#buildTopologyPairToScore}, Score sums the node's
 * entries and NormalizeScore scales min..max onto 0..100. Argument {@code hardPodAffinityWeight}
 * (default 1, in [0, 100]).
 */
public final class InterPodAffinity
    implements PreFilterPlugin,
        PreFilterExtensions,
        FilterPlugin,
        PreScorePlugin,
        ScorePlugin,
        ScoreExtensions {

  /** {@code Name}. */
  public static final String NAME = "InterPodAffinity";

  /** {@code DefaultHardPodAffinityWeight}. */
  public static final int DEFAULT_HARD_POD_AFFINITY_WEIGHT = 1;

  static final String PRE_FILTER_STATE_KEY = "PreFilter" + NAME;
  static final String PRE_SCORE_STATE_KEY = "PreScore" + NAME;

  /** {@code Args}. */
  record Args(Integer hardPodAffinityWeight) {}

  private final FrameworkHandle handle;
  private final int hardPodAffinityWeight;
  private final PodDomainIndex index = new PodDomainIndex();

  InterPodAffinity(PluginArgs args, FrameworkHandle handle) {
    this.handle = handle;
    Args a = args.decode(Args.class, () -> new Args(null));
    int w =
        a.hardPodAffinityWeight() == null
            ? DEFAULT_HARD_POD_AFFINITY_WEIGHT
            : a.hardPodAffinityWeight();
    if (w < 0 || w > 100) {
      throw new IllegalArgumentException(
          "hardPodAffinityWeight: Invalid value: " + w + ": not in valid range [0-100]");
    }
    this.hardPodAffinityWeight = w;
  }

  /** {@code preScoreState}: the weighted topology table; never changed, so clones share it. */
  record PreScoreState(Map<String, Map<String, Long>> topologyScore) implements StateData {
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
  public Status preFilter(CycleState state, Pod pod) {
    InterPodAffinityState s;
    try {
      s = InterPodAffinityState.compute(pod, handle.snapshotSharedLister(), index);
    } catch (IllegalArgumentException e) {
      return Status.error("calculating preFilterState: " + e.getMessage());
    }
    state.write(PRE_FILTER_STATE_KEY, s);
    return Status.SUCCESS;
  }

  /** How often the plugin's index was built from scratch (for tests). */
  long indexRebuilds() {
    return index.rebuilds();
  }

  @Override
  public PreFilterExtensions preFilterExtensions() {
    return this;
  }

  @Override
  public Status addPod(CycleState state, Pod podToSchedule, Pod podToAdd, NodeInfo nodeInfo) {
    States.read(state, PRE_FILTER_STATE_KEY, InterPodAffinityState.class)
        .updateWithPod(podToAdd, nodeInfo.node(), 1);
    return Status.SUCCESS;
  }

  @Override
  public Status removePod(CycleState state, Pod podToSchedule, Pod podToRemove, NodeInfo nodeInfo) {
    States.read(state, PRE_FILTER_STATE_KEY, InterPodAffinityState.class)
        .updateWithPod(podToRemove, nodeInfo.node(), -1);
    return Status.SUCCESS;
  }

  /**
   * Existing pods' anti-affinity first, then (only for a pod with pod affinity or anti-affinity)
   * its own affinity and anti-affinity, as v1.18's {@code Filter}.
   */
  @Override
  public Status filter(CycleState state, Pod pod, NodeInfo nodeInfo) {
    if (nodeInfo == null || nodeInfo.node() == null) {
      return Status.error("node not found");
    }
    InterPodAffinityState s = States.read(state, PRE_FILTER_STATE_KEY, InterPodAffinityState.class);
    Node node = nodeInfo.node();
    if (!s.satisfiesExistingPodsAntiAffinity(node)) {
      return unschedulable(
          Code.UNSCHEDULABLE, PredicateErrors.ERR_EXISTING_PODS_ANTI_AFFINITY_RULES_NOT_MATCH);
    }
    if (!AffinityTerms.hasPodAffinityOrAntiAffinity(pod)) {
      return Status.SUCCESS;
    }
    if (!s.satisfiesAffinity(node)) {
      return unschedulable(
          Code.UNSCHEDULABLE_AND_UNRESOLVABLE, PredicateErrors.ERR_POD_AFFINITY_RULES_NOT_MATCH);
    }
    if (!s.satisfiesAntiAffinity(node)) {
      return unschedulable(
          Code.UNSCHEDULABLE, PredicateErrors.ERR_POD_ANTI_AFFINITY_RULES_NOT_MATCH);
    }
    return Status.SUCCESS;
  }

  private static Status unschedulable(Code code, PredicateFailureReason reason) {
    return PredicateStatus.of(
        PredicateResult.fail(PredicateErrors.ERR_POD_AFFINITY_NOT_MATCH, reason), code);
  }

  @Override
  public Status preScore(CycleState state, Pod pod, List<Node> nodes) {
    if (nodes.isEmpty()) {
      return Status.SUCCESS;
    }
    state.write(
        PRE_SCORE_STATE_KEY,
        new PreScoreState(
            io.kubelab.scheduler.priorities.InterPodAffinity.buildTopologyPairToScore(
                pod, handle.snapshotSharedLister(), hardPodAffinityWeight, handle.parallelizer())));
    return Status.SUCCESS;
  }

  @Override
  public long score(CycleState state, Pod pod, String nodeName) {
    return score(state, pod, Snapshots.nodeInfo(handle, nodeName));
  }

  @Override
  public long score(CycleState state, Pod pod, NodeInfo nodeInfo) {
    PreScoreState s = States.read(state, PRE_SCORE_STATE_KEY, PreScoreState.class);
    return io.kubelab.scheduler.priorities.InterPodAffinity.score(
        s.topologyScore(), nodeInfo.node());
  }

  @Override
  public ScoreExtensions scoreExtensions() {
    return this;
  }

  @Override
  public Status normalizeScore(CycleState state, Pod pod, NodeScoreList scores) {
    PreScoreState s = States.read(state, PRE_SCORE_STATE_KEY, PreScoreState.class);
    io.kubelab.scheduler.priorities.InterPodAffinity.normalize(s.topologyScore(), scores);
    return Status.SUCCESS;
  }
}
