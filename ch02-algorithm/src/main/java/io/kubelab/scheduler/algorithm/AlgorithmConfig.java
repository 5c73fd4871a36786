package io.kubelab.scheduler.algorithm;

import io.kubelab.scheduler.algorithm.policy.Policy;
import java.util.List;
import java.util.Map;

/**
 * Everything {@link Configurator} resolved for one scheduler: the functions behind the names, the
 * metadata producers, the extenders and the flags. {@link GenericScheduler.Builder#algorithm} takes
 * it.
 *
 * <p>Upstream: the arguments {@code CreateFromKeys} passes to {@code NewGenericScheduler} in {@code
 * pkg/scheduler/factory.go} (v1.17).
 *
 * @param predicates predicate name → function, mandatory ones included
 * @param predicateMetadataProducer never null; may produce null
 * @param prioritizers sorted by name, as upstream's key set lists them
 * @param priorityMetadataProducer never null; may produce null
 * @param extenders from the policy, non-ignorable ones first
 * @param alwaysCheckAllPredicates run every predicate even after one failed
 * @param hardPodAffinitySymmetricWeight the weight the factories were given
 */
public record AlgorithmConfig(
    Map<String, FitPredicate> predicates,
    PredicateMetadataProducer predicateMetadataProducer,
    List<PriorityConfig> prioritizers,
    PriorityMetadataProducer priorityMetadataProducer,
    List<Policy.Extender> extenders,
    boolean alwaysCheckAllPredicates,
    int hardPodAffinitySymmetricWeight) {

  public AlgorithmConfig {
    predicates = Map.copyOf(predicates);
    prioritizers = List.copyOf(prioritizers);
    extenders = List.copyOf(extenders);
  }
}
