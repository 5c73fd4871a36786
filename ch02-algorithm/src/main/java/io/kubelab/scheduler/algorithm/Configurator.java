package io.kubelab.scheduler.algorithm;

import io.kubelab.scheduler.algorithm.AlgorithmFactories.CustomPredicateFactory;
import io.kubelab.scheduler.algorithm.AlgorithmFactories.CustomPriorityFactory;
import io.kubelab.scheduler.algorithm.AlgorithmFactories.FitPredicateFactory;
import io.kubelab.scheduler.algorithm.AlgorithmFactories.MapReduce;
import io.kubelab.scheduler.algorithm.AlgorithmFactories.PredicateArgumentKind;
import io.kubelab.scheduler.algorithm.AlgorithmFactories.PredicateMetadataProducerFactory;
import io.kubelab.scheduler.algorithm.AlgorithmFactories.PriorityArgumentKind;
import io.kubelab.scheduler.algorithm.AlgorithmFactories.PriorityConfigFactory;
import io.kubelab.scheduler.algorithm.AlgorithmFactories.PriorityMetadataProducerFactory;
import io.kubelab.scheduler.algorithm.AlgorithmRegistry.AlgorithmProviderConfig;
import io.kubelab.scheduler.algorithm.policy.Policies;
import io.kubelab.scheduler.algorithm.policy.Policy;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a provider name or a Policy document into an {@link AlgorithmConfig}: names become
 * functions through the {@link AlgorithmRegistry}.
 *
 * <p>Upstream: {@code CreateFromProvider}, {@code CreateFromConfig} and {@code CreateFromKeys} in
 * {@code pkg/scheduler/factory.go}, with {@code RegisterCustomFitPredicate}, {@code
 * RegisterCustomPriorityFunction}, {@code getFitPredicateFunctions} and {@code
 * getPriorityFunctionConfigs} of {@code algorithm_factory.go} (v1.17). Upstream registers a
 * policy's custom predicates and priorities into the global registry, where they outlive the
 * scheduler; here they exist only in the config being built, and the registry is unchanged.
 */
public final class Configurator {

  private final AlgorithmRegistry registry;
  private final AlgorithmFactoryArgs args;
  private final boolean alwaysCheckAllPredicates;

  /**
   * @param args the snapshot, listers and the configured hardPodAffinitySymmetricWeight (a policy
   *     may override it)
   * @param alwaysCheckAllPredicates the configured flag (a policy may turn it on)
   */
  public Configurator(
      AlgorithmRegistry registry, AlgorithmFactoryArgs args, boolean alwaysCheckAllPredicates) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.args = Objects.requireNonNull(args, "args");
    this.alwaysCheckAllPredicates = alwaysCheckAllPredicates;
  }

  /** A configurator with the default weight and flag. */
  public Configurator(AlgorithmRegistry registry, AlgorithmFactoryArgs args) {
    this(registry, args, false);
  }

  /**
   * {@code CreateFromProvider}: the provider's predicates and priorities.
   *
   * @throws IllegalArgumentException for an unknown provider or an unregistered name in it
   */
  public AlgorithmConfig createFromProvider(String providerName) {
    AlgorithmProviderConfig provider = registry.algorithmProvider(providerName);
    requireRegistered(providerName, provider);
    return createFromKeys(
        provider.fitPredicateKeys(),
        provider.priorityFunctionKeys(),
        List.of(),
        args,
        alwaysCheckAllPredicates,
        Map.of(),
        Map.of());
  }

  /**
   * Fails with upstream's message for the first name nothing is registered under, followed by every
   * other such name of the provider: the functions come from several chapters, and a reader
   * building from a provider should learn at once which of them are missing.
   */
  private void requireRegistered(String providerName, AlgorithmProviderConfig provider) {
    List<String> predicates =
        new TreeSet<>(provider.fitPredicateKeys())
            .stream().filter(n -> registry.fitPredicateFactory(n).isEmpty()).toList();
    List<String> priorities =
        new TreeSet<>(provider.priorityFunctionKeys())
            .stream().filter(n -> registry.priorityConfigFactory(n).isEmpty()).toList();
    if (predicates.isEmpty() && priorities.isEmpty()) {
      return;
    }
    String first =
        predicates.isEmpty()
            ? "invalid priority name "
                + priorities.get(0)
                + " specified - no corresponding function found"
            : "invalid predicate name \""
                + predicates.get(0)
                + "\" specified - no corresponding function found";
    throw new IllegalArgumentException(
        first
            + " (provider \""
            + providerName
            + "\" names "
            + (predicates.size() + priorities.size())
            + " function(s) nothing registered: predicates "
            + predicates
            + ", priorities "
            + priorities
            + ")");
  }

  /**
   * {@code CreateFromConfig}: validates the policy, then resolves its names. Left-out predicates or
   * priorities come from DefaultProvider; {@code EqualPriority} is skipped (every node scores the
   * same under it); policy arguments are built by the factories registered for their kind, one
   * function per kind, with the arguments accumulated.
   *
   * @throws io.kubelab.scheduler.algorithm.policy.PolicyException for an invalid policy
   * @throws IllegalArgumentException for names nothing is registered under
   */
  public AlgorithmConfig createFromConfig(Policy policy) {
    Policies.validate(policy);
    Set<String> predicateKeys = new TreeSet<>();
    Map<String, FitPredicateFactory> customPredicates = new HashMap<>();
    if (policy.predicates() == null) {
      predicateKeys.addAll(
          registry.algorithmProvider(AlgorithmRegistry.DEFAULT_PROVIDER).fitPredicateKeys());
    } else {
      Map<PredicateArgumentKind, List<Policy.PredicateArgument>> byKind =
          new EnumMap<>(PredicateArgumentKind.class);
      for (int i = 0; i < policy.predicates().size(); i++) {
        Policy.PredicatePolicy p = policy.predicates().get(i);
        if (p.argument() == null) {
          String key = resolvePredicateAlias(p.name());
          if (registry.fitPredicateFactory(key).isEmpty()) {
            throw new IllegalArgumentException(
                "Policy.predicates["
                    + i
                    + "]: invalid predicate name \""
                    + p.name()
                    + "\" specified - no corresponding function found");
          }
          predicateKeys.add(key);
          continue;
        }
        PredicateArgumentKind kind = PredicateArgumentKind.of(p.argument());
        if (registry.customPredicate(kind).isEmpty()) {
          throw new IllegalArgumentException(
              "Policy.predicates["
                  + i
                  + "]: Invalid configuration: Predicate type not found for "
                  + p.name()
                  + " (no function is registered for "
                  + kind
                  + " arguments)");
        }
        byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(p.argument());
        predicateKeys.add(kind.key());
      }
      byKind.forEach(
          (kind, arguments) -> {
            CustomPredicateFactory f = registry.customPredicate(kind).orElseThrow();
            List<Policy.PredicateArgument> frozen = List.copyOf(arguments);
            customPredicates.put(kind.key(), a -> f.create(frozen, a));
          });
    }

    Set<String> priorityKeys = new TreeSet<>();
    Map<String, PriorityConfigFactory> customPriorities = new HashMap<>();
    if (policy.priorities() == null) {
      priorityKeys.addAll(
          registry.algorithmProvider(AlgorithmRegistry.DEFAULT_PROVIDER).priorityFunctionKeys());
    } else {
      Map<PriorityArgumentKind, List<Policy.PriorityArgument>> byKind =
          new EnumMap<>(PriorityArgumentKind.class);
      Map<PriorityArgumentKind, Long> weights = new EnumMap<>(PriorityArgumentKind.class);
      for (int i = 0; i < policy.priorities().size(); i++) {
        Policy.PriorityPolicy p = policy.priorities().get(i);
        if (p.name().equals(PriorityNames.EQUAL_PRIORITY)) {
          continue;
        }
        if (p.argument() == null) {
          PriorityConfigFactory existing = registry.priorityConfigFactory(p.name()).orElse(null);
          if (existing == null) {
            throw new IllegalArgumentException(
                "Policy.priorities["
                    + i
                    + "]: invalid priority name "
                    + p.name()
                    + " specified - no corresponding function found");
          }
          // The policy's weight replaces the registered one.
          customPriorities.put(
              p.name(), new PriorityConfigFactory(existing.mapReduceFunction(), p.weight()));
          priorityKeys.add(p.name());
          continue;
        }
        PriorityArgumentKind kind = PriorityArgumentKind.of(p.argument());
        if (registry.customPriority(kind).isEmpty()) {
          throw new IllegalArgumentException(
              "Policy.priorities["
                  + i
                  + "]: Invalid configuration: Priority type not found for "
                  + p.name()
                  + " (no function is registered for "
                  + kind
                  + " arguments)");
        }
        byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(p.argument());
        // n label preferences of weight w run as one priority of weight n*w.
        weights.merge(kind, p.weight(), kind.weightsAccumulate() ? Long::sum : (a, b) -> b);
        priorityKeys.add(kind.key());
      }
      byKind.forEach(
          (kind, arguments) -> {
            CustomPriorityFactory f = registry.customPriority(kind).orElseThrow();
            List<Policy.PriorityArgument> frozen = List.copyOf(arguments);
            customPriorities.put(
                kind.key(), new PriorityConfigFactory(a -> f.create(frozen, a), weights.get(kind)));
          });
    }

    List<Policy.Extender> extenders = new ArrayList<>();
    List<Policy.Extender> ignorable = new ArrayList<>();
    Set<String> ignoredExtendedResources = new TreeSet<>();
    for (Policy.Extender e : policy.extenders()) {
      (e.ignorable() ? ignorable : extenders).add(e);
      for (Policy.ExtenderManagedResource r : e.managedResources()) {
        if (r.ignoredByScheduler()) {
          ignoredExtendedResources.add(r.name());
        }
      }
    }
    // Ignorable extenders go last, so that a failing one cannot hide a required one's verdict.
    extenders.addAll(ignorable);

    // Upstream registers these with the predicate metadata producer: PodFitsResources leaves
    // them to the extenders that manage them.
    AlgorithmFactoryArgs effective = args.withIgnoredExtendedResources(ignoredExtendedResources);
    if (policy.hardPodAffinitySymmetricWeight() != 0) {
      effective =
          effective.withHardPodAffinitySymmetricWeight(policy.hardPodAffinitySymmetricWeight());
    }
    boolean checkAll = alwaysCheckAllPredicates || policy.alwaysCheckAllPredicates();
    return createFromKeys(
        predicateKeys,
        priorityKeys,
        extenders,
        effective,
        checkAll,
        customPredicates,
        customPriorities);
  }

  private static String resolvePredicateAlias(String name) {
    return name.equals(PredicateOrdering.POD_FITS_PORTS_PRED)
        ? PredicateOrdering.POD_FITS_HOST_PORTS_PRED
        : name;
  }

  /**
   * {@code CreateFromKeys}: resolves the names, adds the mandatory predicates and checks that the
   * weights cannot overflow a node's total score.
   */
  private AlgorithmConfig createFromKeys(
      Set<String> predicateKeys,
      Set<String> priorityKeys,
      List<Policy.Extender> extenders,
      AlgorithmFactoryArgs factoryArgs,
      boolean checkAll,
      Map<String, FitPredicateFactory> predicateOverrides,
      Map<String, PriorityConfigFactory> priorityOverrides) {
    int weight = factoryArgs.hardPodAffinitySymmetricWeight();
    if (weight < 1 || weight > 100) {
      throw new IllegalArgumentException(
          "invalid hardPodAffinitySymmetricWeight: " + weight + ", must be in the range 1-100");
    }

    Map<String, FitPredicate> predicates = new LinkedHashMap<>();
    for (String name : new TreeSet<>(predicateKeys)) {
      FitPredicateFactory f = predicateOverrides.get(name);
      if (f == null) {
        f =
            registry
                .fitPredicateFactory(name)
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "invalid predicate name \""
                                + name
                                + "\" specified - no corresponding function found"));
      }
      predicates.put(name, create(name, f, factoryArgs));
    }
    for (String name : registry.mandatoryFitPredicates()) {
      if (!predicates.containsKey(name)) {
        predicates.put(
            name, create(name, registry.fitPredicateFactory(name).orElseThrow(), factoryArgs));
      }
    }

    List<PriorityConfig> prioritizers = new ArrayList<>();
    long totalPriority = 0;
    for (String name : new TreeSet<>(priorityKeys)) {
      PriorityConfigFactory pcf = priorityOverrides.get(name);
      if (pcf == null) {
        pcf =
            registry
                .priorityConfigFactory(name)
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "invalid priority name "
                                + name
                                + " specified - no corresponding function found"));
      }
      MapReduce mr = pcf.mapReduceFunction().create(factoryArgs);
      if (mr == null || mr.map() == null) {
        throw new IllegalArgumentException(
            "priority " + name + ": its factory built no map function");
      }
      // validateSelectedConfigs: the sum of weight × MaxNodeScore must fit in MaxTotalScore.
      if (pcf.weight()
          > (Policies.MAX_TOTAL_SCORE - totalPriority) / NodeScoreList.MAX_NODE_SCORE) {
        throw new IllegalArgumentException("total priority of priority functions has overflown");
      }
      totalPriority += pcf.weight() * NodeScoreList.MAX_NODE_SCORE;
      prioritizers.add(new PriorityConfig(name, mr.map(), mr.reduce(), pcf.weight()));
    }

    PredicateMetadataProducerFactory pmf = registry.predicateMetadataProducerFactory();
    PredicateMetadataProducer predicateMeta =
        pmf == null ? (pod, snapshot) -> null : Objects.requireNonNull(pmf.create(factoryArgs));
    PriorityMetadataProducerFactory prmf = registry.priorityMetadataProducerFactory();
    PriorityMetadataProducer priorityMeta =
        prmf == null
            ? (pod, nodes, snapshot) -> null
            : Objects.requireNonNull(prmf.create(factoryArgs));

    return new AlgorithmConfig(
        predicates, predicateMeta, prioritizers, priorityMeta, extenders, checkAll, weight);
  }

  private static FitPredicate create(String name, FitPredicateFactory f, AlgorithmFactoryArgs a) {
    FitPredicate p = f.create(a);
    if (p == null) {
      throw new IllegalArgumentException("predicate " + name + ": its factory built no predicate");
    }
    return p;
  }
}
