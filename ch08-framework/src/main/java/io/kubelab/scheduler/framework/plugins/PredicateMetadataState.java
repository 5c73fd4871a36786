package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.PreFilterExtensions;
import io.kubelab.scheduler.framework.StateData;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.predicates.MetadataProducer;
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

  /** Where the first plugin to need the metadata in a cycle leaves it for the others. */
  static final String SHARED_KEY = "PreFilterPredicateMetadata";

  /** The metadata as computed, never updated; clones share it. */
  private record Shared(Pod pod, PodPredicateMetadata meta) implements StateData {
    @Override
    public StateData clone() {
      return this;
    }
  }

  /**
   * Chapter 03's metadata of {@code pod}, computed once per cycle: the first plugin to ask computes
   * it and keeps it under {@link #SHARED_KEY}; every caller gets its own copy, so that each
   * plugin's AddPod and RemovePod change only its own tables. Upstream's InterPodAffinity and
   * PodTopologySpread each compute their own part; both parts come from the one producer here, so
   * computing it twice would only repeat the work.
   */
  static PodPredicateMetadata computeOnce(CycleState state, Pod pod, Snapshot snapshot) {
    // PreFilter plugins run one after another on the cycle's thread: no lock needed.
    Shared shared = null;
    try {
      if (state.read(SHARED_KEY) instanceof Shared s && s.pod() == pod) {
        shared = s;
      }
    } catch (CycleState.NotFoundException e) {
      // the first plugin of the cycle to ask
    }
    if (shared == null) {
      shared = new Shared(pod, new MetadataProducer().produce(pod, snapshot));
      state.write(SHARED_KEY, shared);
    }
    return shared.meta() == null ? null : shared.meta().shallowCopy();
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
