package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.framework.Code;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FilterPlugin;
import io.kubelab.scheduler.framework.FrameworkHandle;
import io.kubelab.scheduler.framework.PreFilterExtensions;
import io.kubelab.scheduler.framework.PreFilterPlugin;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.predicates.EvenPodsSpreadPredicate;
import io.kubelab.scheduler.predicates.MetadataProducer;

/**
 * Hard topology spread constraints ({@code whenUnsatisfiable: DoNotSchedule}): placing the pod must
 * not make any domain's matching-pod count exceed the smallest one's by more than {@code maxSkew}.
 *
 * <p>Upstream: {@code pkg/scheduler/framework/plugins/podtopologyspread/filtering.go} (v1.18).
 * PreFilter counts matching pods per topology pair (chapter 03's {@link MetadataProducer}), AddPod
 * and RemovePod keep the counts in step, Filter is chapter 03's {@link
 * EvenPodsSpreadPredicate#evenPodsSpread}: Unschedulable, "node(s) didn't match pod topology spread
 * constraints". The soft constraints' Score belongs with the spreading priorities and is not part
 * of this plugin here.
 */
public final class PodTopologySpread implements PreFilterPlugin, FilterPlugin {

  /** {@code Name}. */
  public static final String NAME = "PodTopologySpread";

  static final String PRE_FILTER_STATE_KEY = "PreFilter" + NAME;

  private final FrameworkHandle handle;
  private final PreFilterExtensions extensions =
      PredicateMetadataState.extensions(PRE_FILTER_STATE_KEY);

  PodTopologySpread(FrameworkHandle handle) {
    this.handle = handle;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status preFilter(CycleState state, Pod pod) {
    state.write(
        PRE_FILTER_STATE_KEY,
        new PredicateMetadataState(
            PRE_FILTER_STATE_KEY,
            new MetadataProducer().produce(pod, handle.snapshotSharedLister())));
    return Status.SUCCESS;
  }

  @Override
  public PreFilterExtensions preFilterExtensions() {
    return extensions;
  }

  @Override
  public Status filter(CycleState state, Pod pod, NodeInfo nodeInfo) {
    if (nodeInfo == null || nodeInfo.node() == null) {
      return Status.error("node not found");
    }
    PredicateMetadataState s =
        States.read(state, PRE_FILTER_STATE_KEY, PredicateMetadataState.class);
    return PredicateStatus.of(
        EvenPodsSpreadPredicate.evenPodsSpread(pod, s.meta(), nodeInfo), Code.UNSCHEDULABLE);
  }
}
