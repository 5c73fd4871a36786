package io.kubelab.scheduler.spread;

import static io.kubelab.scheduler.algorithm.PriorityNames.EVEN_PODS_SPREAD_PRIORITY;
import static io.kubelab.scheduler.algorithm.PriorityNames.SELECTOR_SPREAD_PRIORITY;
import static io.kubelab.scheduler.algorithm.PriorityNames.SERVICE_SPREADING_PRIORITY;

import io.kubelab.scheduler.algorithm.AlgorithmFactories.MapReduce;
import io.kubelab.scheduler.algorithm.AlgorithmFactories.PredicateArgumentKind;
import io.kubelab.scheduler.algorithm.AlgorithmFactories.PriorityArgumentKind;
import io.kubelab.scheduler.algorithm.AlgorithmRegistry;
import io.kubelab.scheduler.priorities.Priorities;
import java.util.List;

/**
 * Registers this chapter's priorities, Policy arguments and metadata parts in chapter 02's {@link
 * AlgorithmRegistry}, under upstream's names and weights.
 *
 * <p>Upstream ({@code pkg/scheduler}, v1.17):
 *
 * <ul>
 *   <li>{@code algorithmprovider/defaults/register_priorities.go}: SelectorSpreadPriority from the
 *       four listers, ServiceSpreadingPriority from the Service lister alone ("registered for
 *       backward compatibility with 1.0", in no provider), the metadata factory with the listers;
 *   <li>{@code algorithm_factory.go}, {@code RegisterCustomFitPredicate} and {@code
 *       RegisterCustomPriorityFunction}: a Policy's {@code serviceAffinity} and {@code
 *       labelsPresence} predicate arguments, and its {@code serviceAntiAffinity} priority arguments
 *       (the {@code labelPreference} ones are chapter 04's NodeLabel);
 *   <li>{@code algorithmprovider/defaults/defaults.go}, {@code ApplyFeatureGates}:
 *       EvenPodsSpreadPriority, only when the EvenPodsSpread gate is on.
 * </ul>
 *
 * <p>The listers come from the factory args ({@link SpreadListers#from}). Chapter 04's {@link
 * Priorities#registerAll} registers its metadata factory without this chapter's parts: call it
 * first, then this one, which replaces the factory with one that has them.
 */
public final class Spread {

  private Spread() {}

  /** The names {@link #registerAll} registers. */
  public static final List<String> REGISTERED =
      List.of(SERVICE_SPREADING_PRIORITY, SELECTOR_SPREAD_PRIORITY);

  /**
   * Registers SelectorSpreadPriority, ServiceSpreadingPriority, the Policy arguments {@code
   * serviceAffinity}, {@code labelsPresence} and {@code serviceAntiAffinity}, and the metadata
   * factory with this chapter's parts.
   */
  public static void registerAll(AlgorithmRegistry registry) {
    Priorities.registerMetadataFactory(registry, SpreadMetadata.EXTENSIONS);
    Priorities.register(
        registry,
        SERVICE_SPREADING_PRIORITY,
        args -> selectorSpread(new SelectorSpread(SpreadListers.from(args).servicesOnly())));
    Priorities.register(
        registry,
        SELECTOR_SPREAD_PRIORITY,
        args -> selectorSpread(new SelectorSpread(SpreadListers.from(args))));
    registry.registerCustomPriority(
        PriorityArgumentKind.SERVICE_ANTI_AFFINITY, ServiceAntiAffinity::customPriority);
    registry.registerCustomPredicate(
        PredicateArgumentKind.SERVICE_AFFINITY, ServiceAffinityPredicate::customPredicate);
    registry.registerCustomPredicate(
        PredicateArgumentKind.LABELS_PRESENCE, NodeLabelChecker::customPredicate);
  }

  private static MapReduce selectorSpread(SelectorSpread s) {
    return new MapReduce(
        s::calculateSpreadPriorityMap, SelectorSpread::calculateSpreadPriorityReduce);
  }

  /**
   * {@code ApplyFeatureGates}, this chapter's half: with EvenPodsSpread on, registers
   * EvenPodsSpreadPriority and adds it to every provider. (Chapter 03 registers the predicate;
   * chapter 02's {@code AlgorithmProviders.applyFeatureGates} adds both names to the providers.)
   */
  public static void applyFeatureGates(AlgorithmRegistry registry, boolean evenPodsSpread) {
    if (evenPodsSpread) {
      Priorities.register(
          registry,
          EVEN_PODS_SPREAD_PRIORITY,
          EvenPodsSpreadPriority::calculateEvenPodsSpreadPriorityMap,
          EvenPodsSpreadPriority::calculateEvenPodsSpreadPriorityReduce);
      registry.insertPriorityKeyToAlgorithmProviderMap(EVEN_PODS_SPREAD_PRIORITY);
    }
  }
}
