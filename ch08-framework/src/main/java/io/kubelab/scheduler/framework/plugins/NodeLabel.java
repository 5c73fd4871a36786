package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FilterPlugin;
import io.kubelab.scheduler.framework.FrameworkHandle;
import io.kubelab.scheduler.framework.PluginArgs;
import io.kubelab.scheduler.framework.ScorePlugin;
import io.kubelab.scheduler.framework.Status;
import java.util.List;
import java.util.Map;

/**
 * Labels the node must have or lack (Filter), and labels it should have or lack (Score): the
 * Policy's {@code labelsPresence} predicate and {@code labelPreference} priority as one plugin.
 *
 * <p>Upstream: {@code pkg/scheduler/framework/plugins/nodelabel/node_label.go} (v1.18). Filter:
 * every {@code presentLabels} key on the node and no {@code absentLabels} key, else
 * UnschedulableAndUnresolvable "node(s) didn't have the requested labels". Score: chapter 04's
 * {@link io.kubelab.scheduler.priorities.NodeLabel}, 100 times the share of satisfied preferences.
 * A label both wanted and unwanted is an argument error (upstream's {@code validateNoConflict}).
 */
public final class NodeLabel implements FilterPlugin, ScorePlugin {

  /** {@code Name}. */
  public static final String NAME = "NodeLabel";

  /** {@code ErrReasonPresenceViolated}. */
  static final String ERR_REASON_PRESENCE_VIOLATED = "node(s) didn't have the requested labels";

  /** {@code Args}. */
  record Args(
      List<String> presentLabels,
      List<String> absentLabels,
      List<String> presentLabelsPreference,
      List<String> absentLabelsPreference) {
    Args {
      presentLabels = presentLabels == null ? List.of() : List.copyOf(presentLabels);
      absentLabels = absentLabels == null ? List.of() : List.copyOf(absentLabels);
      presentLabelsPreference =
          presentLabelsPreference == null ? List.of() : List.copyOf(presentLabelsPreference);
      absentLabelsPreference =
          absentLabelsPreference == null ? List.of() : List.copyOf(absentLabelsPreference);
    }
  }

  private final FrameworkHandle handle;
  private final Args args;
  private final io.kubelab.scheduler.priorities.NodeLabel preference;

  NodeLabel(PluginArgs pluginArgs, FrameworkHandle handle) {
    this.handle = handle;
    this.args = pluginArgs.decode(Args.class, () -> new Args(null, null, null, null));
    if (!args.presentLabels().isEmpty() || !args.absentLabels().isEmpty()) {
      // The same conflict rule, checked by chapter 04's constructor.
      new io.kubelab.scheduler.priorities.NodeLabel(args.presentLabels(), args.absentLabels());
    }
    this.preference =
        args.presentLabelsPreference().isEmpty() && args.absentLabelsPreference().isEmpty()
            ? null
            : new io.kubelab.scheduler.priorities.NodeLabel(
                args.presentLabelsPreference(), args.absentLabelsPreference());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status filter(CycleState state, Pod pod, NodeInfo nodeInfo) {
    if (nodeInfo == null || nodeInfo.node() == null) {
      return Status.error("node not found");
    }
    Map<String, String> labels = nodeInfo.node().getMetadata().getLabels();
    Map<String, String> nodeLabels = labels == null ? Map.of() : labels;
    for (String l : args.presentLabels()) {
      if (!nodeLabels.containsKey(l)) {
        return Status.unschedulableAndUnresolvable(ERR_REASON_PRESENCE_VIOLATED);
      }
    }
    for (String l : args.absentLabels()) {
      if (nodeLabels.containsKey(l)) {
        return Status.unschedulableAndUnresolvable(ERR_REASON_PRESENCE_VIOLATED);
      }
    }
    return Status.SUCCESS;
  }

  @Override
  public long score(CycleState state, Pod pod, String nodeName) {
    return score(state, pod, Snapshots.nodeInfo(handle, nodeName));
  }

  @Override
  public long score(CycleState state, Pod pod, NodeInfo nodeInfo) {
    return preference == null ? 0 : preference.map(pod, null, nodeInfo);
  }
}
