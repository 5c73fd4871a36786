package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FrameworkHandle;
import io.kubelab.scheduler.framework.PreScorePlugin;
import io.kubelab.scheduler.framework.ScoreExtensions;
import io.kubelab.scheduler.framework.ScorePlugin;
import io.kubelab.scheduler.framework.StateData;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.spread.SelectorSpread;
import io.kubelab.scheduler.spread.SpreadListers;
import io.kubelab.scheduler.spread.SpreadSelector;
import java.util.List;

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
 */
public final class DefaultPodTopologySpread
    implements PreScorePlugin, ScorePlugin, ScoreExtensions {

  /** {@code Name}. */
  public static final String NAME = "DefaultPodTopologySpread";

  /** {@code preScoreStateKey}. */
  static final String PRE_SCORE_STATE_KEY = "PreScore" + NAME;

  private final FrameworkHandle handle;
  private final SpreadListers listers;

  DefaultPodTopologySpread(FrameworkHandle handle) {
    this.handle = handle;
    this.listers = handle.componentOr(SpreadListers.class, SpreadListers.EMPTY);
  }

  /** {@code preScoreState}: the pod's selector; never changed, so clones share it. */
  record PreScoreState(SpreadSelector selector) implements StateData {
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
    state.write(
        PRE_SCORE_STATE_KEY, new PreScoreState(SpreadSelector.defaultSelector(pod, listers)));
    return Status.SUCCESS;
  }

  @Override
  public long score(CycleState state, Pod pod, String nodeName) {
    return score(state, pod, Snapshots.nodeInfo(handle, nodeName));
  }

  @Override
  public long score(CycleState state, Pod pod, NodeInfo nodeInfo) {
    PreScoreState s = States.read(state, PRE_SCORE_STATE_KEY, PreScoreState.class);
    String ns = pod.getMetadata().getNamespace();
    return SelectorSpread.countMatchingPods(ns == null ? "" : ns, s.selector(), nodeInfo);
  }

  @Override
  public ScoreExtensions scoreExtensions() {
    return this;
  }

  @Override
  public Status normalizeScore(CycleState state, Pod pod, NodeScoreList scores) {
    SelectorSpread.calculateSpreadPriorityReduce(pod, null, handle.snapshotSharedLister(), scores);
    return Status.SUCCESS;
  }
}
