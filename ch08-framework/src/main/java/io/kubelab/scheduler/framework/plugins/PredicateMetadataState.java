package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.PreFilterExtensions;
import io.kubelab.scheduler.framework.StateData;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.predicates.PodPredicateMetadata;

/**
 * Chapter 03's precomputed predicate metadata as one plugin's PreFilter state, with the AddPod and
 * RemovePod extensions that keep it in step when the generic scheduler adds nominated pods to a
 * node or preemption removes victims from one.
 *
 * <p>Upstream 1.18's InterPodAffinity and PodTopologySpread keep their own state types ({@code
 * preFilterState}) with the same counts and the same incremental updates ({@code updateWithPod});
 * chapter 03's {@link PodPredicateMetadata} already holds exactly those tables, so the plugins
 * store it (one copy each, under their own key) instead of a second implementation of the same
 * rules.
 */
final class PredicateMetadataState implements StateData {

  private final String key;
  private final PodPredicateMetadata meta;

  PredicateMetadataState(String key, PodPredicateMetadata meta) {
    this.key = key;
    this.meta = meta;
  }

  PodPredicateMetadata meta() {
    return meta;
  }

  /** A copy whose tables can change without touching this one's (upstream's {@code Clone}). */
  @Override
  public StateData clone() {
    return new PredicateMetadataState(key, meta.shallowCopy());
  }

  /** The extensions of the plugin that stored its metadata under {@code key}. */
  static PreFilterExtensions extensions(String key) {
    return new PreFilterExtensions() {
      @Override
      public Status addPod(CycleState state, Pod podToSchedule, Pod podToAdd, NodeInfo nodeInfo) {
        States.read(state, key, PredicateMetadataState.class)
            .meta
            .addPod(podToAdd, nodeInfo.node());
        return Status.SUCCESS;
      }

      @Override
      public Status removePod(
          CycleState state, Pod podToSchedule, Pod podToRemove, NodeInfo nodeInfo) {
        States.read(state, key, PredicateMetadataState.class)
            .meta
            .removePod(podToRemove, nodeInfo.node());
        return Status.SUCCESS;
      }
    };
  }
}
