package io.kubelab.scheduler.algorithm;

/**
 * The names of the v1.17 priority functions, so that providers and policies can refer to them
 * before ch04 and ch05 register the functions.
 *
 * <p>Upstream: the constants in {@code pkg/scheduler/algorithm/priorities/priorities.go} and the
 * plugin names that 1.17 uses as priority keys for policy arguments ({@code
 * framework/plugins/serviceaffinity}, {@code nodelabel}, {@code requestedtocapacityratio}).
 */
public final class PriorityNames {

  public static final String EQUAL_PRIORITY = "EqualPriority";
  public static final String MOST_REQUESTED_PRIORITY = "MostRequestedPriority";
  public static final String REQUESTED_TO_CAPACITY_RATIO_PRIORITY =
      "RequestedToCapacityRatioPriority";
  public static final String SELECTOR_SPREAD_PRIORITY = "SelectorSpreadPriority";
  public static final String SERVICE_SPREADING_PRIORITY = "ServiceSpreadingPriority";
  public static final String INTER_POD_AFFINITY_PRIORITY = "InterPodAffinityPriority";
  public static final String LEAST_REQUESTED_PRIORITY = "LeastRequestedPriority";
  public static final String BALANCED_RESOURCE_ALLOCATION = "BalancedResourceAllocation";
  public static final String NODE_PREFER_AVOID_PODS_PRIORITY = "NodePreferAvoidPodsPriority";
  public static final String NODE_AFFINITY_PRIORITY = "NodeAffinityPriority";
  public static final String TAINT_TOLERATION_PRIORITY = "TaintTolerationPriority";
  public static final String IMAGE_LOCALITY_PRIORITY = "ImageLocalityPriority";
  public static final String RESOURCE_LIMITS_PRIORITY = "ResourceLimitsPriority";
  public static final String EVEN_PODS_SPREAD_PRIORITY = "EvenPodsSpreadPriority";

  /** The key under which every {@code serviceAntiAffinity} policy argument is registered. */
  public static final String SERVICE_AFFINITY = "ServiceAffinity";

  /** The key under which every {@code labelPreference} policy argument is registered. */
  public static final String NODE_LABEL = "NodeLabel";

  /** The key under which the {@code requestedToCapacityRatioArguments} argument is registered. */
  public static final String REQUESTED_TO_CAPACITY_RATIO = "RequestedToCapacityRatio";

  private PriorityNames() {}
}
