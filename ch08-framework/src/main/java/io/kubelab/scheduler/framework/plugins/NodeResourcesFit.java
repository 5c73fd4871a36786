package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.resource.PodRequests;
import io.kubelab.apimachinery.resource.Resource;
import io.kubelab.scheduler.algorithm.PredicateFailureReason;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.framework.Code;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FilterPlugin;
import io.kubelab.scheduler.framework.PluginArgs;
import io.kubelab.scheduler.framework.PreFilterPlugin;
import io.kubelab.scheduler.framework.StateData;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.predicates.GeneralPredicates;
import java.util.List;
import java.util.Set;

/**
 * Does the node have room for the pod's requests (CPU, memory, ephemeral storage, extended
 * resources, and one more pod)?
 *
 * <p>Upstream: {@code pkg/scheduler/framework/plugins/noderesources/fit.go} (v1.18). PreFilter
 * computes the request once ({@code computePodResourceRequest}: the containers' sum, at least each
 * init container, plus overhead, the rule of {@link PodRequests#of}); Filter checks it with chapter
 * 03's {@link GeneralPredicates#fitsRequest}, one reason per short resource, code Unschedulable.
 * Argument {@code ignoredResources}: extended resources left to an extender.
 */
public final class NodeResourcesFit implements PreFilterPlugin, FilterPlugin {

  /** {@code FitName}. */
  public static final String NAME = "NodeResourcesFit";

  /** {@code preFilterStateKey}. */
  static final String PRE_FILTER_STATE_KEY = "PreFilter" + NAME;

  /** {@code FitArgs}. */
  record Args(List<String> ignoredResources) {
    Args {
      ignoredResources = ignoredResources == null ? List.of() : List.copyOf(ignoredResources);
    }
  }

  private final Set<String> ignoredResources;

  NodeResourcesFit(PluginArgs args) {
    this.ignoredResources =
        Set.copyOf(args.decode(Args.class, () -> new Args(List.of())).ignoredResources());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status preFilter(CycleState state, Pod pod) {
    state.write(PRE_FILTER_STATE_KEY, new PreFilterState(PodRequests.of(pod)));
    return Status.SUCCESS;
  }

  @Override
  public Status filter(CycleState state, Pod pod, NodeInfo nodeInfo) {
    Resource request = States.read(state, PRE_FILTER_STATE_KEY, PreFilterState.class).request();
    List<? extends PredicateFailureReason> insufficient =
        GeneralPredicates.fitsRequest(request, ignoredResources, nodeInfo);
    return insufficient.isEmpty()
        ? Status.SUCCESS
        : Status.of(Code.UNSCHEDULABLE, PredicateStatus.reasons(insufficient));
  }

  /** {@code preFilterState}: the pod's request; never changed, so clones share it. */
  record PreFilterState(Resource request) implements StateData {
    @Override
    public StateData clone() {
      return this;
    }
  }
}
