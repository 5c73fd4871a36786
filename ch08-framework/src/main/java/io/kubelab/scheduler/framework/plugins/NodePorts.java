package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FilterPlugin;
import io.kubelab.scheduler.framework.PreFilterPlugin;
import io.kubelab.scheduler.framework.StateData;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.predicates.GeneralPredicates;
import io.kubelab.scheduler.predicates.PredicateErrors;
import java.util.List;

/**
 * Are the host ports the pod asks for free on the node?
 *
 * <p>Upstream: {@code pkg/scheduler/framework/plugins/nodeports/node_ports.go} (v1.18). PreFilter
 * gathers the containers' ports ({@code getContainerPorts}) once; Filter checks them with chapter
 * 03's {@link GeneralPredicates#fitsPorts}: Unschedulable, "node(s) didn't have free ports for the
 * requested pod ports".
 */
public final class NodePorts implements PreFilterPlugin, FilterPlugin {

  /** {@code Name}. */
  public static final String NAME = "NodePorts";

  /** {@code preFilterStateKey}. */
  static final String PRE_FILTER_STATE_KEY = "PreFilter" + NAME;

  /** {@code preFilterState}: the wanted ports; never changed, so clones share it. */
  record PreFilterState(List<ContainerPort> ports) implements StateData {
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
    state.write(PRE_FILTER_STATE_KEY, new PreFilterState(GeneralPredicates.containerPorts(pod)));
    return Status.SUCCESS;
  }

  @Override
  public Status filter(CycleState state, Pod pod, NodeInfo nodeInfo) {
    List<ContainerPort> wanted =
        States.read(state, PRE_FILTER_STATE_KEY, PreFilterState.class).ports();
    return GeneralPredicates.fitsPorts(wanted, nodeInfo)
        ? Status.SUCCESS
        : Status.unschedulable(PredicateErrors.ERR_POD_NOT_FITS_HOST_PORTS.getReason());
  }

  /**
   * A pod that wants no host port (0 conflicts with nothing) passes on every node, once PreFilter
   * has stored its ports (without them Filter fails, as upstream's does).
   */
  @Override
  public boolean filterPassesEveryNode(CycleState state, Pod pod) {
    PreFilterState s = States.readOrNull(state, PRE_FILTER_STATE_KEY, PreFilterState.class);
    if (s == null) {
      return false; // Filter will report it
    }
    for (ContainerPort p : s.ports()) {
      if (p.getHostPort() != null && p.getHostPort() > 0) {
        return false;
      }
    }
    return true;
  }
}
