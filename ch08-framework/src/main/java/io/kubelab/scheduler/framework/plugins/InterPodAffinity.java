package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.algorithm.PredicateFailureReason;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.PodAffinityInfo;
import io.kubelab.scheduler.cache.Snapshot;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Inter-pod affinity and anti-affinity: the required terms filter (the incoming pod's and the
 * existing pods' anti-affinity), the preferred terms score.
 *
 * <p>Upstream: {@code pkg/scheduler/framework/plugins/interpodaffinity/} {@code plugin.go}, {@code
 * filtering.go} and {@code scoring.go} (v1.18). PreFilter counts, per topology pair, the pods that
 * match ({@link InterPodAffinityState}: v1.18 keeps counts where chapter 03's v1.17 metadata kept
 * pod names), AddPod/RemovePod keep the counts in step, and Filter reads them with chapter 03's
 * rules and reasons, all read from a {@link PodDomainIndex} kept across cycles (not upstream: v1.18
 * walks every pod in every cycle). A malformed label selector fails PreFilter with an Error status
 * ("calculating preFilterState: ..."), where v1.17 fell back to its slow path. The code depends on
 * the reason: the incoming pod's own affinity unmet is UnschedulableAndUnresolvable (evicting pods
 * cannot create a matching pod); the anti-affinity cases are Unschedulable. PreScore builds the
 * weighted topology table chapter 04's {@link
 * io.kubelab.scheduler.priorities.InterPodAffinity#buildTopologyPairToScore} builds, from the same
 * index, Score sums the node's entries (chapter 04) and NormalizeScore scales min..max onto 0..100.
 * Argument {@code hardPodAffinityWeight} (default 1, in [0, 100]).
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
    state.write(PRE_SCORE_STATE_KEY, new PreScoreState(scoreTable(pod)));
    return Status.SUCCESS;
  }

  /**
   * Chapter 04's topology score table ({@code buildTopologyPairToScore}: the weight each topology
   * pair gets), read from the index: the incoming pod's preferred terms matched once per class of
   * existing pods, and each distinct scoring term of the existing pods (required affinity with
   * {@code hardPodAffinityWeight}, preferred affinity and anti-affinity with their weights) matched
   * once against the incoming pod, each credited with its counts per domain. An existing term's
   * selector is looked at only where its key is on some node and its namespaces hold the pod, as
   * chapter 04 looks at it.
   *
   * @throws io.kubelab.apimachinery.labels.LabelSelectors.InvalidSelectorException naming the pod
   *     and field of a malformed term
   */
  private Map<String, Map<String, Long>> scoreTable(Pod pod) {
    List<io.kubelab.scheduler.priorities.InterPodAffinity.CompiledTerm> own =
        io.kubelab.scheduler.priorities.InterPodAffinity.preferredTerms(pod);
    Snapshot snapshot = handle.snapshotSharedLister();
    if (own.isEmpty() && snapshot.havePodsWithAffinityList().isEmpty()) {
      return Map.of(); // no preferred term of the pod, no existing pod with a term: nothing scores
    }
    index.sync(snapshot);
    Map<String, Map<String, Long>> table = new HashMap<>();
    for (io.kubelab.scheduler.priorities.InterPodAffinity.CompiledTerm t : own) {
      PodDomainIndex.Slice slice = new PodDomainIndex.Slice(t.topologyKey(), List.of());
      for (PodDomainIndex.PodClass c : index.classes()) {
        if (c.matches(t.namespaces(), t.selector())) {
          credit(table, t.topologyKey(), index.counts(c, slice), t.weight());
        }
      }
    }
    String namespace = AffinityTerms.namespace(pod);
    Map<String, String> labels = AffinityTerms.labels(pod);
    if (hardPodAffinityWeight > 0) {
      creditExisting(table, PodDomainIndex.TermKind.REQUIRED_AFFINITY, namespace, labels);
    }
    creditExisting(table, PodDomainIndex.TermKind.PREFERRED_AFFINITY, namespace, labels);
    creditExisting(table, PodDomainIndex.TermKind.PREFERRED_ANTI_AFFINITY, namespace, labels);
    return table;
  }

  private void creditExisting(
      Map<String, Map<String, Long>> table,
      PodDomainIndex.TermKind kind,
      String namespace,
      Map<String, String> labels) {
    for (Map.Entry<PodAffinityInfo.Term, PodDomainIndex.TermCounts> e :
        index.terms(kind).entrySet()) {
      PodAffinityInfo.Term t = e.getKey();
      PodDomainIndex.ValueCounts counts = e.getValue().counts();
      if (counts.total() == 0 || !t.namespaces().contains(namespace)) {
        continue; // no node has its key, or its namespaces leave the pod out
      }
      if (t.selector().matches(labels)) {
        long weight =
            switch (kind) {
              case REQUIRED_AFFINITY -> hardPodAffinityWeight;
              case PREFERRED_ANTI_AFFINITY -> -t.weight();
              default -> t.weight();
            };
        credit(table, t.topologyKey(), counts, weight);
      }
    }
  }

  /** Adds {@code weight} times each domain's count to the table's pairs of {@code key}. */
  private static void credit(
      Map<String, Map<String, Long>> table,
      String key,
      PodDomainIndex.ValueCounts counts,
      long weight) {
    if (counts.total() == 0) {
      return;
    }
    Map<String, Long> values = table.computeIfAbsent(key, k -> new HashMap<>());
    counts.byValue().forEach((value, n) -> values.merge(value, weight * n, Long::sum));
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

  /** 0 on every node when PreScore's topology score table is empty. */
  @Override
  public OptionalLong sameScoreOnEveryNode(CycleState state, Pod pod) {
    PreScoreState s = States.readOrNull(state, PRE_SCORE_STATE_KEY, PreScoreState.class);
    return s != null && s.topologyScore().isEmpty() ? OptionalLong.of(0) : OptionalLong.empty();
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
