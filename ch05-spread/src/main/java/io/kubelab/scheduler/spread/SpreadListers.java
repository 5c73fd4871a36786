package io.kubelab.scheduler.spread;

import io.kubelab.scheduler.algorithm.AlgorithmFactoryArgs;
import java.util.Objects;

/**
 * The four listers the spreading priorities read: what selects a pod.
 *
 * <p>Upstream: the {@code InformerFactory} of {@code AlgorithmFactoryArgs} in {@code
 * pkg/scheduler/algorithm_factory.go} (v1.17), from which {@code register_priorities.go} takes
 * these four listers. Here they are given to chapter 02's {@link AlgorithmFactoryArgs#listers()}
 * under {@code SpreadListers.class}; a scheduler built without them sees no Service and no
 * controller, so SelectorSpread scores every node the same.
 *
 * @param services Services
 * @param replicationControllers ReplicationControllers
 * @param replicaSets ReplicaSets
 * @param statefulSets StatefulSets
 */
public record SpreadListers(
    ServiceLister services,
    ReplicationControllerLister replicationControllers,
    ReplicaSetLister replicaSets,
    StatefulSetLister statefulSets) {

  /** No objects at all. */
  public static final SpreadListers EMPTY =
      new SpreadListers(
          ServiceLister.EMPTY,
          ReplicationControllerLister.EMPTY,
          ReplicaSetLister.EMPTY,
          StatefulSetLister.EMPTY);

  public SpreadListers {
    Objects.requireNonNull(services, "services");
    Objects.requireNonNull(replicationControllers, "replicationControllers");
    Objects.requireNonNull(replicaSets, "replicaSets");
    Objects.requireNonNull(statefulSets, "statefulSets");
  }

  /**
   * The Services only, with empty controller listers: what v1.17 builds ServiceSpreadingPriority
   * from ({@code algorithm.EmptyControllerLister{}} and friends).
   */
  public SpreadListers servicesOnly() {
    return new SpreadListers(
        services,
        ReplicationControllerLister.EMPTY,
        ReplicaSetLister.EMPTY,
        StatefulSetLister.EMPTY);
  }

  /** The listers given to {@code args}, or {@link #EMPTY} when none were. */
  public static SpreadListers from(AlgorithmFactoryArgs args) {
    return args.listers().containsKey(SpreadListers.class)
        ? args.lister(SpreadListers.class)
        : EMPTY;
  }
}
