package io.kubelab.scheduler.algorithm;

import static io.kubelab.scheduler.algorithm.PredicateOrdering.*;
import static io.kubelab.scheduler.algorithm.PriorityNames.*;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The two algorithm providers of v1.17 as name sets: which predicates and priorities a scheduler
 * built "from a provider" runs. The functions behind the names are registered by ch03 (predicates),
 * ch04 (priorities) and ch05 (spreading).
 *
 * <p>Upstream: {@code pkg/scheduler/algorithmprovider/defaults/defaults.go} ({@code
 * defaultPredicates}, {@code defaultPriorities}, {@code registerAlgorithmProvider}, {@code
 * ApplyFeatureGates}) and the weights in {@code register_priorities.go} (v1.17).
 */
public final class AlgorithmProviders {

  /** {@code defaultPredicates()}. */
  public static final Set<String> DEFAULT_PREDICATES =
      Set.of(
          NO_VOLUME_ZONE_CONFLICT_PRED,
          MAX_EBS_VOLUME_COUNT_PRED,
          MAX_GCE_PD_VOLUME_COUNT_PRED,
          MAX_AZURE_DISK_VOLUME_COUNT_PRED,
          MAX_CSI_VOLUME_COUNT_PRED,
          MATCH_INTER_POD_AFFINITY_PRED,
          NO_DISK_CONFLICT_PRED,
          GENERAL_PRED,
          POD_TOLERATES_NODE_TAINTS_PRED,
          CHECK_VOLUME_BINDING_PRED,
          CHECK_NODE_UNSCHEDULABLE_PRED);

  /** {@code defaultPriorities()}. */
  public static final Set<String> DEFAULT_PRIORITIES =
      Set.of(
          SELECTOR_SPREAD_PRIORITY,
          INTER_POD_AFFINITY_PRIORITY,
          LEAST_REQUESTED_PRIORITY,
          BALANCED_RESOURCE_ALLOCATION,
          NODE_PREFER_AVOID_PODS_PRIORITY,
          NODE_AFFINITY_PRIORITY,
          TAINT_TOLERATION_PRIORITY,
          IMAGE_LOCALITY_PRIORITY);

  /**
   * The weights v1.17 registers the priorities with, for ch04 and ch05 to register them under.
   * NodePreferAvoidPods is 10000, "large enough to override all others": an avoided node loses
   * whatever the rest say.
   */
  public static final Map<String, Long> DEFAULT_PRIORITY_WEIGHTS =
      Map.ofEntries(
          Map.entry(SELECTOR_SPREAD_PRIORITY, 1L),
          Map.entry(SERVICE_SPREADING_PRIORITY, 1L),
          Map.entry(INTER_POD_AFFINITY_PRIORITY, 1L),
          Map.entry(LEAST_REQUESTED_PRIORITY, 1L),
          Map.entry(MOST_REQUESTED_PRIORITY, 1L),
          Map.entry(REQUESTED_TO_CAPACITY_RATIO_PRIORITY, 1L),
          Map.entry(BALANCED_RESOURCE_ALLOCATION, 1L),
          Map.entry(NODE_PREFER_AVOID_PODS_PRIORITY, 10000L),
          Map.entry(NODE_AFFINITY_PRIORITY, 1L),
          Map.entry(TAINT_TOLERATION_PRIORITY, 1L),
          Map.entry(IMAGE_LOCALITY_PRIORITY, 1L),
          Map.entry(RESOURCE_LIMITS_PRIORITY, 1L),
          Map.entry(EVEN_PODS_SPREAD_PRIORITY, 1L));

  private AlgorithmProviders() {}

  /**
   * Registers DefaultProvider and ClusterAutoscalerProvider. The autoscaler's provider packs pods
   * (MostRequested instead of LeastRequested) so that emptied nodes can be removed.
   */
  public static void registerAll(AlgorithmRegistry registry) {
    registry.registerAlgorithmProvider(
        AlgorithmRegistry.DEFAULT_PROVIDER, DEFAULT_PREDICATES, DEFAULT_PRIORITIES);
    Set<String> autoscaler = new TreeSet<>(DEFAULT_PRIORITIES);
    autoscaler.remove(LEAST_REQUESTED_PRIORITY);
    autoscaler.add(MOST_REQUESTED_PRIORITY);
    registry.registerAlgorithmProvider(
        AlgorithmRegistry.CLUSTER_AUTOSCALER_PROVIDER, DEFAULT_PREDICATES, autoscaler);
  }

  /**
   * {@code ApplyFeatureGates}: both gates were off by default in v1.17 (EvenPodsSpread was alpha).
   *
   * @param evenPodsSpread adds the EvenPodsSpread predicate and priority to every provider
   * @param resourceLimitsPriorityFunction adds ResourceLimitsPriority to every provider
   */
  public static void applyFeatureGates(
      AlgorithmRegistry registry, boolean evenPodsSpread, boolean resourceLimitsPriorityFunction) {
    if (evenPodsSpread) {
      registry.insertPredicateKeyToAlgorithmProviderMap(EVEN_PODS_SPREAD_PRED);
      registry.insertPriorityKeyToAlgorithmProviderMap(EVEN_PODS_SPREAD_PRIORITY);
    }
    if (resourceLimitsPriorityFunction) {
      registry.insertPriorityKeyToAlgorithmProviderMap(RESOURCE_LIMITS_PRIORITY);
    }
  }
}
