package io.kubelab.scheduler.priorities;

import static io.kubelab.scheduler.algorithm.PriorityNames.*;

import io.fabric8.kubernetes.api.model.Node;
import io.kubelab.scheduler.algorithm.AlgorithmFactories.PriorityArgumentKind;
import io.kubelab.scheduler.algorithm.AlgorithmFactories.PriorityConfigFactory;
import io.kubelab.scheduler.algorithm.AlgorithmFactories.PriorityFunctionFactory;
import io.kubelab.scheduler.algorithm.AlgorithmFactoryArgs;
import io.kubelab.scheduler.algorithm.AlgorithmProviders;
import io.kubelab.scheduler.algorithm.AlgorithmRegistry;
import io.kubelab.scheduler.algorithm.PriorityMapFunction;
import io.kubelab.scheduler.algorithm.PriorityReduceFunction;
import io.kubelab.scheduler.cache.NodeInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Registers this chapter's priorities in chapter 02's {@link AlgorithmRegistry}, under upstream's
 * names and weights, with the metadata factory and the Policy arguments.
 *
 * <p>Upstream: {@code pkg/scheduler/algorithmprovider/defaults/register_priorities.go}'s {@code
 * init()} and the ResourceLimitsPriorityFunction branch of {@code ApplyFeatureGates} in {@code
 * defaults.go} (v1.17). The weights are the ones chapter 02 lists in {@link
 * AlgorithmProviders#DEFAULT_PRIORITY_WEIGHTS} (all 1, NodePreferAvoidPods 10000). The spreading
 * priorities (SelectorSpreadPriority, ServiceSpreadingPriority, EvenPodsSpreadPriority and the
 * Policy's serviceAntiAffinity) are chapter 05's; it registers them with {@link #register} and adds
 * its metadata with {@link #registerMetadataFactory}. v1.17 registers nothing under {@code
 * EqualPriority}: a Policy that names it is accepted and the name skipped (chapter 02's
 * Configurator).
 */
public final class Priorities {

  private Priorities() {}

  /** The names {@link #registerAll} registers, in upstream's registration order. */
  public static final List<String> REGISTERED =
      List.of(
          MOST_REQUESTED_PRIORITY,
          REQUESTED_TO_CAPACITY_RATIO_PRIORITY,
          INTER_POD_AFFINITY_PRIORITY,
          LEAST_REQUESTED_PRIORITY,
          BALANCED_RESOURCE_ALLOCATION,
          NODE_PREFER_AVOID_PODS_PRIORITY,
          NODE_AFFINITY_PRIORITY,
          TAINT_TOLERATION_PRIORITY,
          IMAGE_LOCALITY_PRIORITY);

  /** The DefaultProvider priorities chapter 05 registers, not this chapter. */
  public static final Set<String> REGISTERED_BY_CHAPTER_05 =
      Set.of(SELECTOR_SPREAD_PRIORITY, SERVICE_SPREADING_PRIORITY, EVEN_PODS_SPREAD_PRIORITY);

  /**
   * Registers every priority v1.17 registers unconditionally (except the spreading ones), the
   * {@code labelPreference} and {@code requestedToCapacityRatioArguments} Policy arguments, and the
   * metadata factory without extensions.
   */
  public static void registerAll(AlgorithmRegistry registry) {
    registerMetadataFactory(registry, List.of());
    // Optional, cluster-autoscaler friendly: give used nodes higher priority.
    register(registry, MOST_REQUESTED_PRIORITY, MostRequested.MOST_RESOURCE_PRIORITY, null);
    register(
        registry,
        REQUESTED_TO_CAPACITY_RATIO_PRIORITY,
        RequestedToCapacityRatio.requestedToCapacityRatioResourceAllocationPriorityDefault(),
        null);
    register(
        registry,
        INTER_POD_AFFINITY_PRIORITY,
        InterPodAffinity::calculateInterPodAffinityPriorityMap,
        InterPodAffinity::calculateInterPodAffinityPriorityReduce);
    register(registry, LEAST_REQUESTED_PRIORITY, LeastRequested.LEAST_RESOURCE_PRIORITY, null);
    register(
        registry,
        BALANCED_RESOURCE_ALLOCATION,
        BalancedResourceAllocation.BALANCED_RESOURCE_PRIORITY,
        null);
    // Weight 10000: "large enough to override all other priority functions".
    register(
        registry,
        NODE_PREFER_AVOID_PODS_PRIORITY,
        NodePreferAvoidPods::calculateNodePreferAvoidPodsPriorityMap,
        null);
    register(
        registry,
        NODE_AFFINITY_PRIORITY,
        NodeAffinity::calculateNodeAffinityPriorityMap,
        NodeAffinity.CALCULATE_NODE_AFFINITY_PRIORITY_REDUCE);
    register(
        registry,
        TAINT_TOLERATION_PRIORITY,
        TaintToleration::computeTaintTolerationPriorityMap,
        TaintToleration.COMPUTE_TAINT_TOLERATION_PRIORITY_REDUCE);
    register(registry, IMAGE_LOCALITY_PRIORITY, ImageLocality::imageLocalityPriorityMap, null);
    registry.registerCustomPriority(
        PriorityArgumentKind.LABEL_PREFERENCE, NodeLabel::customPriority);
    registry.registerCustomPriority(
        PriorityArgumentKind.REQUESTED_TO_CAPACITY_RATIO, RequestedToCapacityRatio::customPriority);
  }

  /**
   * {@code ApplyFeatureGates}, this chapter's half: with ResourceLimitsPriorityFunction on,
   * registers ResourceLimitsPriority and adds it to every provider. (EvenPodsSpread is chapter 05's
   * half.)
   */
  public static void applyFeatureGates(
      AlgorithmRegistry registry, boolean resourceLimitsPriorityFunction) {
    if (resourceLimitsPriorityFunction) {
      register(registry, RESOURCE_LIMITS_PRIORITY, ResourceLimits::resourceLimitsPriorityMap, null);
      registry.insertPriorityKeyToAlgorithmProviderMap(RESOURCE_LIMITS_PRIORITY);
    }
  }

  /**
   * Registers a priority that needs nothing from the factory args, with its upstream weight from
   * {@link AlgorithmProviders#DEFAULT_PRIORITY_WEIGHTS}.
   *
   * @throws IllegalArgumentException for a name without an upstream weight
   */
  public static void register(
      AlgorithmRegistry registry,
      String name,
      PriorityMapFunction map,
      PriorityReduceFunction reduce) {
    registry.registerPriorityMapReduceFunction(name, map, reduce, defaultWeight(name));
  }

  /**
   * Registers a priority built from the factory args (listers, the symmetric weight), with its
   * upstream weight.
   *
   * @throws IllegalArgumentException for a name without an upstream weight
   */
  public static void register(
      AlgorithmRegistry registry, String name, PriorityFunctionFactory factory) {
    registry.registerPriorityConfigFactory(
        name, new PriorityConfigFactory(factory, defaultWeight(name)));
  }

  /** The weight v1.17 registers {@code name} with. */
  public static long defaultWeight(String name) {
    Long w = AlgorithmProviders.DEFAULT_PRIORITY_WEIGHTS.get(name);
    if (w == null) {
      throw new IllegalArgumentException("priority " + name + " has no upstream default weight");
    }
    return w;
  }

  /**
   * Registers the metadata factory (replacing any earlier one) with these extensions. Each
   * scheduler built from the registry gets a {@link MetadataFactory} with the args' symmetric
   * weight and the extensions' parts built from the same args.
   */
  public static void registerMetadataFactory(
      AlgorithmRegistry registry, List<MetadataExtension<?>> extensions) {
    List<MetadataExtension<?>> frozen = List.copyOf(extensions);
    registry.registerPriorityMetadataProducerFactory(
        args ->
            new MetadataFactory(args.hardPodAffinitySymmetricWeight(), null, parts(frozen, args)));
  }

  private static Map<MetadataExtension<?>, MetadataPart<?>> parts(
      List<MetadataExtension<?>> extensions, AlgorithmFactoryArgs args) {
    Map<MetadataExtension<?>, MetadataPart<?>> parts = new LinkedHashMap<>();
    for (MetadataExtension<?> e : extensions) {
      MetadataPart<?> part = e.factory().apply(args);
      if (part == null) {
        throw new IllegalArgumentException("metadata extension " + e.name() + " built no part");
      }
      if (parts.put(e, part) != null) {
        throw new IllegalArgumentException("metadata extension " + e.name() + " given twice");
      }
    }
    return parts;
  }

  /**
   * The node of a NodeInfo; upstream's map functions fail with "node not found" without one.
   *
   * @throws IllegalStateException {@code node not found}
   */
  static Node requireNode(NodeInfo nodeInfo) {
    Node node = nodeInfo.node();
    if (node == null) {
      throw new IllegalStateException("node not found");
    }
    return node;
  }
}
