package io.kubelab.scheduler.predicates;

import static io.kubelab.scheduler.algorithm.PredicateOrdering.*;

import io.kubelab.scheduler.algorithm.AlgorithmRegistry;
import io.kubelab.scheduler.algorithm.FitPredicate;
import io.kubelab.scheduler.algorithm.PredicateOrdering;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The predicates by upstream name, the order they run in, and the default set.
 *
 * <p>Upstream: the {@code *Pred} name constants, {@code predicatesOrdering} and {@code Ordering()}
 * in {@code pkg/scheduler/algorithm/predicates/predicates.go}, and the DefaultProvider set in
 * {@code pkg/scheduler/algorithmprovider/defaults/defaults.go} (v1.17). The order puts cheap and
 * most-restrictive predicates first, so that with short-circuiting a node is usually rejected
 * before the expensive inter-pod affinity check runs. A predicate that is not in the order never
 * runs.
 */
public final class Predicates {

  private Predicates() {}

  /**
   * {@code predicatesOrdering}, v1.17. ch02 owns the list (its generic scheduler runs predicates in
   * this order); {@code PredicatesTest} pins it to upstream's.
   */
  public static final List<String> ORDERING = PredicateOrdering.ordering();

  /**
   * The v1.17 DefaultProvider predicates that this chapter implements. Upstream's set also has
   * NoVolumeZoneConflict, MaxEBSVolumeCount, MaxGCEPDVolumeCount, MaxAzureDiskVolumeCount and
   * CheckVolumeBinding, which need cloud and volume-binding machinery this book leaves out.
   */
  public static final Set<String> DEFAULT_PROVIDER =
      Set.of(
          MAX_CSI_VOLUME_COUNT_PRED,
          MATCH_INTER_POD_AFFINITY_PRED,
          NO_DISK_CONFLICT_PRED,
          GENERAL_PRED,
          POD_TOLERATES_NODE_TAINTS_PRED,
          CHECK_NODE_UNSCHEDULABLE_PRED);

  /**
   * Every predicate this chapter implements, by upstream name, in {@link #ORDERING} order.
   *
   * @param snapshot the cycle's snapshot, for MatchInterPodAffinity's no-metadata path
   * @param volumes storage objects for MaxCSIVolumeCountPred
   */
  public static Map<String, FitPredicate> all(Supplier<Snapshot> snapshot, VolumeListers volumes) {
    Map<String, FitPredicate> byName = new LinkedHashMap<>();
    byName.put(CHECK_NODE_UNSCHEDULABLE_PRED, NodeTaintPredicates::checkNodeUnschedulable);
    byName.put(GENERAL_PRED, GeneralPredicates::generalPredicates);
    byName.put(HOST_NAME_PRED, GeneralPredicates::podFitsHost);
    byName.put(POD_FITS_HOST_PORTS_PRED, GeneralPredicates::podFitsHostPorts);
    byName.put(MATCH_NODE_SELECTOR_PRED, GeneralPredicates::podMatchNodeSelector);
    byName.put(POD_FITS_RESOURCES_PRED, GeneralPredicates::podFitsResources);
    byName.put(NO_DISK_CONFLICT_PRED, NoDiskConflict::noDiskConflict);
    byName.put(POD_TOLERATES_NODE_TAINTS_PRED, NodeTaintPredicates::podToleratesNodeTaints);
    byName.put(
        POD_TOLERATES_NODE_NO_EXECUTE_TAINTS_PRED,
        NodeTaintPredicates::podToleratesNodeNoExecuteTaints);
    byName.put(MAX_CSI_VOLUME_COUNT_PRED, new CsiMaxVolumeLimitPredicate(volumes));
    byName.put(EVEN_PODS_SPREAD_PRED, EvenPodsSpreadPredicate::evenPodsSpread);
    byName.put(MATCH_INTER_POD_AFFINITY_PRED, new InterPodAffinityPredicate(snapshot));
    return byName;
  }

  /** {@link #registerAll(AlgorithmRegistry, Set)} with no ignored extended resources. */
  public static void registerAll(AlgorithmRegistry registry) {
    registerAll(registry, Set.of());
  }

  /**
   * Registers every predicate of this chapter under its upstream name, and the metadata producer.
   * Upstream does this in {@code algorithmprovider/defaults/register_predicates.go}'s {@code
   * init()} and, for the ignored resources, {@code
   * RegisterPredicateMetadataProducerWithExtendedResourceOptions} (v1.17). MatchInterPodAffinity
   * reads the scheduler's snapshot (the factory args' shared lister); MaxCSIVolumeCountPred reads
   * the {@link VolumeListers} given in the factory args, or sees no storage objects when none were
   * given.
   *
   * @param ignoredExtendedResources extended resources PodFitsResources leaves to an extender
   */
  public static void registerAll(AlgorithmRegistry registry, Set<String> ignoredExtendedResources) {
    Set<String> ignored = Set.copyOf(ignoredExtendedResources);
    registry.registerFitPredicate(
        CHECK_NODE_UNSCHEDULABLE_PRED, NodeTaintPredicates::checkNodeUnschedulable);
    registry.registerFitPredicate(GENERAL_PRED, GeneralPredicates::generalPredicates);
    registry.registerFitPredicate(HOST_NAME_PRED, GeneralPredicates::podFitsHost);
    registry.registerFitPredicate(POD_FITS_HOST_PORTS_PRED, GeneralPredicates::podFitsHostPorts);
    registry.registerFitPredicate(
        MATCH_NODE_SELECTOR_PRED, GeneralPredicates::podMatchNodeSelector);
    registry.registerFitPredicate(POD_FITS_RESOURCES_PRED, GeneralPredicates::podFitsResources);
    registry.registerFitPredicate(NO_DISK_CONFLICT_PRED, NoDiskConflict::noDiskConflict);
    registry.registerFitPredicate(
        POD_TOLERATES_NODE_TAINTS_PRED, NodeTaintPredicates::podToleratesNodeTaints);
    registry.registerFitPredicate(
        POD_TOLERATES_NODE_NO_EXECUTE_TAINTS_PRED,
        NodeTaintPredicates::podToleratesNodeNoExecuteTaints);
    registry.registerFitPredicate(EVEN_PODS_SPREAD_PRED, EvenPodsSpreadPredicate::evenPodsSpread);
    registry.registerFitPredicateFactory(
        MAX_CSI_VOLUME_COUNT_PRED,
        args ->
            new CsiMaxVolumeLimitPredicate(
                args.listers().containsKey(VolumeListers.class)
                    ? args.lister(VolumeListers.class)
                    : VolumeListers.NONE));
    registry.registerFitPredicateFactory(
        MATCH_INTER_POD_AFFINITY_PRED, args -> new InterPodAffinityPredicate(args::sharedLister));
    // The names given here and those a Policy's extenders mark ignoredByScheduler (in the args).
    registry.registerPredicateMetadataProducerFactory(
        args -> {
          Set<String> all = new java.util.TreeSet<>(ignored);
          all.addAll(args.ignoredExtendedResources());
          return new MetadataProducer(all, null);
        });
  }

  /** The names of {@code predicates} that run, in the order they run. */
  public static List<String> ordered(Set<String> predicates) {
    return ORDERING.stream().filter(predicates::contains).toList();
  }
}
