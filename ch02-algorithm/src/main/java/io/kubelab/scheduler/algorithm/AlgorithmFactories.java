package io.kubelab.scheduler.algorithm;

import io.kubelab.scheduler.algorithm.policy.Policy;
import java.util.List;

/**
 * The factory types of the algorithm registry: a registered name maps to one of these, and {@link
 * Configurator} calls it with the {@link AlgorithmFactoryArgs} of the scheduler being built.
 *
 * <p>Upstream: {@code FitPredicateFactory}, {@code PriorityFunctionFactory}, {@code
 * PriorityConfigFactory}, {@code PredicateMetadataProducerFactory} and {@code
 * PriorityMetadataProducerFactory} in {@code pkg/scheduler/algorithm_factory.go} (v1.17), plus two
 * for the policy arguments, which upstream hard-codes in {@code RegisterCustomFitPredicate} and
 * {@code RegisterCustomPriorityFunction}.
 */
public final class AlgorithmFactories {

  private AlgorithmFactories() {}

  /** Builds a predicate. */
  @FunctionalInterface
  public interface FitPredicateFactory {
    FitPredicate create(AlgorithmFactoryArgs args);
  }

  /**
   * A priority's two halves.
   *
   * @param map the per-node function
   * @param reduce the whole-list function, or null
   */
  public record MapReduce(PriorityMapFunction map, PriorityReduceFunction reduce) {}

  /** Builds a priority's map and reduce functions. */
  @FunctionalInterface
  public interface PriorityFunctionFactory {
    MapReduce create(AlgorithmFactoryArgs args);
  }

  /**
   * A registered priority: how to build it and its default weight.
   *
   * @param mapReduceFunction builds the functions
   * @param weight the weight used unless a policy gives another
   */
  public record PriorityConfigFactory(PriorityFunctionFactory mapReduceFunction, long weight) {}

  /** Builds the predicate metadata producer. */
  @FunctionalInterface
  public interface PredicateMetadataProducerFactory {
    PredicateMetadataProducer create(AlgorithmFactoryArgs args);
  }

  /** Builds the priority metadata producer. */
  @FunctionalInterface
  public interface PriorityMetadataProducerFactory {
    PriorityMetadataProducer create(AlgorithmFactoryArgs args);
  }

  /**
   * Builds the one predicate that all policy predicates with the same kind of argument share. In
   * v1.17 two {@code labelsPresence} predicates do not make two predicates: their labels are
   * accumulated into one {@code CheckNodeLabelPresence}.
   */
  @FunctionalInterface
  public interface CustomPredicateFactory {
    /**
     * @param arguments every argument of this kind in the policy, in policy order
     */
    FitPredicate create(List<Policy.PredicateArgument> arguments, AlgorithmFactoryArgs args);
  }

  /** Like {@link CustomPredicateFactory}, for the priority arguments. */
  @FunctionalInterface
  public interface CustomPriorityFactory {
    /**
     * @param arguments every argument of this kind in the policy, in policy order
     */
    MapReduce create(List<Policy.PriorityArgument> arguments, AlgorithmFactoryArgs args);
  }

  /** The kinds of predicate argument a policy may give, and the key each is registered under. */
  public enum PredicateArgumentKind {
    /** {@code serviceAffinity}. */
    SERVICE_AFFINITY(PredicateOrdering.CHECK_SERVICE_AFFINITY_PRED),
    /** {@code labelsPresence}. */
    LABELS_PRESENCE(PredicateOrdering.CHECK_NODE_LABEL_PRESENCE_PRED);

    private final String key;

    PredicateArgumentKind(String key) {
      this.key = key;
    }

    /** The predicate name the policy's predicates of this kind are run under. */
    public String key() {
      return key;
    }

    static PredicateArgumentKind of(Policy.PredicateArgument a) {
      return a.serviceAffinity() != null ? SERVICE_AFFINITY : LABELS_PRESENCE;
    }
  }

  /** The kinds of priority argument a policy may give, and the key each is registered under. */
  public enum PriorityArgumentKind {
    /** {@code serviceAntiAffinity}; weights of several add up. */
    SERVICE_ANTI_AFFINITY(PriorityNames.SERVICE_AFFINITY, true),
    /** {@code labelPreference}; weights of several add up. */
    LABEL_PREFERENCE(PriorityNames.NODE_LABEL, true),
    /** {@code requestedToCapacityRatioArguments}; at most one. */
    REQUESTED_TO_CAPACITY_RATIO(PriorityNames.REQUESTED_TO_CAPACITY_RATIO, false);

    private final String key;
    private final boolean weightsAccumulate;

    PriorityArgumentKind(String key, boolean weightsAccumulate) {
      this.key = key;
      this.weightsAccumulate = weightsAccumulate;
    }

    /** The priority name the policy's priorities of this kind are run under. */
    public String key() {
      return key;
    }

    boolean weightsAccumulate() {
      return weightsAccumulate;
    }

    static PriorityArgumentKind of(Policy.PriorityArgument a) {
      if (a.serviceAntiAffinity() != null) {
        return SERVICE_ANTI_AFFINITY;
      }
      return a.labelPreference() != null ? LABEL_PREFERENCE : REQUESTED_TO_CAPACITY_RATIO;
    }
  }
}
