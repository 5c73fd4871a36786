package io.kubelab.scheduler.algorithm;

import io.kubelab.scheduler.cache.Snapshot;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What every predicate, priority and metadata factory receives when a scheduler is built.
 *
 * <p>Upstream: {@code AlgorithmFactoryArgs} in {@code pkg/scheduler/algorithm_factory.go} (v1.17):
 * the shared lister (the snapshot), the informer factory, the volume binder and the hard pod
 * affinity symmetric weight. The informer-backed listers of later chapters (services, replica sets,
 * PVCs) go into {@link #listers()}, keyed by the interface a chapter declares, so this chapter does
 * not need to know them.
 *
 * <p>{@link #ignoredExtendedResources()} are the names a Policy's extenders manage with {@code
 * ignoredByScheduler: true}. Upstream's {@code CreateFromConfig} hands them to {@code
 * RegisterPredicateMetadataProducerWithExtendedResourceOptions}, a global registration; here they
 * travel with the args to the predicate metadata producer's factory, so PodFitsResources leaves
 * them to the extender.
 *
 * @param sharedLister the snapshot every function reads during a cycle
 * @param hardPodAffinitySymmetricWeight 1 to 100
 * @param listers interface → implementation, for the outside world later chapters need
 * @param ignoredExtendedResources extended resources PodFitsResources does not check
 */
public record AlgorithmFactoryArgs(
    Snapshot sharedLister,
    int hardPodAffinitySymmetricWeight,
    Map<Class<?>, Object> listers,
    Set<String> ignoredExtendedResources) {

  /** {@code DefaultHardPodAffinitySymmetricWeight} of v1.17. */
  public static final int DEFAULT_HARD_POD_AFFINITY_SYMMETRIC_WEIGHT = 1;

  public AlgorithmFactoryArgs {
    Objects.requireNonNull(sharedLister, "sharedLister");
    listers = Map.copyOf(listers);
    ignoredExtendedResources = Set.copyOf(ignoredExtendedResources);
    for (Map.Entry<Class<?>, Object> e : listers.entrySet()) {
      if (!e.getKey().isInstance(e.getValue())) {
        throw new IllegalArgumentException(
            "lister for " + e.getKey().getName() + " is a " + e.getValue().getClass().getName());
      }
    }
  }

  /** Args that ignore no extended resources. */
  public AlgorithmFactoryArgs(
      Snapshot sharedLister, int hardPodAffinitySymmetricWeight, Map<Class<?>, Object> listers) {
    this(sharedLister, hardPodAffinitySymmetricWeight, listers, Set.of());
  }

  /** Args with the default weight and no listers. */
  public static AlgorithmFactoryArgs of(Snapshot snapshot) {
    return new AlgorithmFactoryArgs(snapshot, DEFAULT_HARD_POD_AFFINITY_SYMMETRIC_WEIGHT, Map.of());
  }

  /** A copy with another weight. */
  public AlgorithmFactoryArgs withHardPodAffinitySymmetricWeight(int weight) {
    return new AlgorithmFactoryArgs(sharedLister, weight, listers, ignoredExtendedResources);
  }

  /** A copy that also ignores {@code names} (extender-managed, {@code ignoredByScheduler}). */
  public AlgorithmFactoryArgs withIgnoredExtendedResources(Set<String> names) {
    Set<String> all = new java.util.TreeSet<>(ignoredExtendedResources);
    all.addAll(names);
    return new AlgorithmFactoryArgs(sharedLister, hardPodAffinitySymmetricWeight, listers, all);
  }

  /**
   * The lister registered for {@code type}.
   *
   * @throws IllegalStateException when none was given
   */
  public <T> T lister(Class<T> type) {
    Object o = listers.get(type);
    if (o == null) {
      throw new IllegalStateException(
          "no " + type.getSimpleName() + " was given to the algorithm factory args");
    }
    return type.cast(o);
  }
}
