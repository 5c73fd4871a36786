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
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Predicates, priorities, metadata producers and algorithm providers, registered by name.
 *
 * <p>Upstream: the package-level maps and {@code Register*} functions of {@code
 * pkg/scheduler/algorithm_factory.go} (v1.17), which every predicate and priority file filled from
 * a Go {@code init()}. Here the registry is an instance: each chapter offers a static {@code
 * registerAll(registry)} (ch02 registers the providers' name sets, ch03 the predicates, ch04 and
 * ch05 the priorities), so a test builds exactly the registry it needs and nothing leaks between
 * tests. A provider holds names only; they are resolved when a scheduler is built, so the order in
 * which chapters register does not matter.
 *
 * <p>Unlike upstream, registering a name twice is an error rather than a silent replacement: with
 * several chapters registering into one registry, a clash is a bug. Thread-safe.
 */
public final class AlgorithmRegistry {

  /** {@code DefaultProvider}. */
  public static final String DEFAULT_PROVIDER = "DefaultProvider";

  /** {@code ClusterAutoscalerProvider}. */
  public static final String CLUSTER_AUTOSCALER_PROVIDER = "ClusterAutoscalerProvider";

  private static final Pattern VALID_NAME =
      Pattern.compile("^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])$");

  private final Map<String, FitPredicateFactory> fitPredicateMap = new HashMap<>();
  private final Set<String> mandatoryFitPredicates = new TreeSet<>();
  private final Map<String, PriorityConfigFactory> priorityFunctionMap = new HashMap<>();
  private final Map<String, AlgorithmProviderConfig> algorithmProviderMap = new HashMap<>();
  private final Map<PredicateArgumentKind, CustomPredicateFactory> customPredicates =
      new EnumMap<>(PredicateArgumentKind.class);
  private final Map<PriorityArgumentKind, CustomPriorityFactory> customPriorities =
      new EnumMap<>(PriorityArgumentKind.class);
  private PredicateMetadataProducerFactory predicateMetadataProducerFactory;
  private PriorityMetadataProducerFactory priorityMetadataProducerFactory;

  /**
   * A provider: the names of its predicates and priorities.
   *
   * @param fitPredicateKeys predicate names
   * @param priorityFunctionKeys priority names
   */
  public record AlgorithmProviderConfig(
      Set<String> fitPredicateKeys, Set<String> priorityFunctionKeys) {
    public AlgorithmProviderConfig {
      fitPredicateKeys = Set.copyOf(fitPredicateKeys);
      priorityFunctionKeys = Set.copyOf(priorityFunctionKeys);
    }
  }

  /**
   * {@code validateAlgorithmNameOrDie}.
   *
   * @throws IllegalArgumentException naming the regexp
   */
  static void validateAlgorithmName(String name) {
    if (name == null || !VALID_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "Algorithm name "
              + name
              + " does not match the name validation regexp \""
              + VALID_NAME
              + "\".");
    }
  }

  private static void requireNew(Map<String, ?> map, String name, String what) {
    if (map.containsKey(name)) {
      throw new IllegalArgumentException(what + " " + name + " is already registered");
    }
  }

  /** {@code RegisterFitPredicate}: a predicate that needs no arguments. */
  public synchronized String registerFitPredicate(String name, FitPredicate predicate) {
    Objects.requireNonNull(predicate, "predicate");
    return registerFitPredicateFactory(name, args -> predicate);
  }

  /**
   * {@code RegisterMandatoryFitPredicate}: a predicate every scheduler runs, whatever its provider
   * or policy says (v1.17: PodToleratesNodeTaints and CheckNodeUnschedulable, which the kubelet and
   * DaemonSet controller rely on).
   */
  public synchronized String registerMandatoryFitPredicate(String name, FitPredicate predicate) {
    registerFitPredicate(name, predicate);
    mandatoryFitPredicates.add(name);
    return name;
  }

  /** {@code RegisterFitPredicateFactory}: a predicate built from the factory args. */
  public synchronized String registerFitPredicateFactory(String name, FitPredicateFactory factory) {
    validateAlgorithmName(name);
    Objects.requireNonNull(factory, "factory");
    requireNew(fitPredicateMap, name, "Predicate");
    fitPredicateMap.put(name, factory);
    return name;
  }

  /** {@code RegisterPriorityMapReduceFunction}. */
  public synchronized String registerPriorityMapReduceFunction(
      String name, PriorityMapFunction map, PriorityReduceFunction reduce, long weight) {
    Objects.requireNonNull(map, "map");
    MapReduce mr = new MapReduce(map, reduce);
    return registerPriorityConfigFactory(name, new PriorityConfigFactory(args -> mr, weight));
  }

  /** {@code RegisterPriorityConfigFactory}. */
  public synchronized String registerPriorityConfigFactory(String name, PriorityConfigFactory pcf) {
    validateAlgorithmName(name);
    Objects.requireNonNull(pcf, "priority config factory");
    if (pcf.weight() <= 0) {
      throw new IllegalArgumentException(
          "Priority " + name + " should have a positive weight applied to it, got " + pcf.weight());
    }
    requireNew(priorityFunctionMap, name, "Priority");
    priorityFunctionMap.put(name, pcf);
    return name;
  }

  /** {@code RegisterPredicateMetadataProducerFactory}: replaces any previous one. */
  public synchronized void registerPredicateMetadataProducerFactory(
      PredicateMetadataProducerFactory f) {
    this.predicateMetadataProducerFactory = Objects.requireNonNull(f);
  }

  /** {@code RegisterPriorityMetadataProducerFactory}: replaces any previous one. */
  public synchronized void registerPriorityMetadataProducerFactory(
      PriorityMetadataProducerFactory f) {
    this.priorityMetadataProducerFactory = Objects.requireNonNull(f);
  }

  /** How policy predicates with this kind of argument are built (ch03 registers these). */
  public synchronized void registerCustomPredicate(
      PredicateArgumentKind kind, CustomPredicateFactory factory) {
    if (customPredicates.putIfAbsent(kind, Objects.requireNonNull(factory)) != null) {
      throw new IllegalArgumentException("custom predicate " + kind + " is already registered");
    }
  }

  /** How policy priorities with this kind of argument are built (ch04 registers these). */
  public synchronized void registerCustomPriority(
      PriorityArgumentKind kind, CustomPriorityFactory factory) {
    if (customPriorities.putIfAbsent(kind, Objects.requireNonNull(factory)) != null) {
      throw new IllegalArgumentException("custom priority " + kind + " is already registered");
    }
  }

  /** {@code RegisterAlgorithmProvider}. */
  public synchronized String registerAlgorithmProvider(
      String name, Set<String> predicateKeys, Set<String> priorityKeys) {
    validateAlgorithmName(name);
    requireNew(algorithmProviderMap, name, "Algorithm provider");
    algorithmProviderMap.put(name, new AlgorithmProviderConfig(predicateKeys, priorityKeys));
    return name;
  }

  /** {@code InsertPredicateKeyToAlgorithmProviderMap}: adds a predicate to every provider. */
  public synchronized void insertPredicateKeyToAlgorithmProviderMap(String key) {
    algorithmProviderMap.replaceAll(
        (name, p) ->
            new AlgorithmProviderConfig(plus(p.fitPredicateKeys(), key), p.priorityFunctionKeys()));
  }

  /** {@code InsertPriorityKeyToAlgorithmProviderMap}: adds a priority to every provider. */
  public synchronized void insertPriorityKeyToAlgorithmProviderMap(String key) {
    algorithmProviderMap.replaceAll(
        (name, p) ->
            new AlgorithmProviderConfig(p.fitPredicateKeys(), plus(p.priorityFunctionKeys(), key)));
  }

  private static Set<String> plus(Set<String> s, String key) {
    Set<String> out = new TreeSet<>(s);
    out.add(key);
    return out;
  }

  /**
   * {@code GetAlgorithmProvider}.
   *
   * @throws IllegalArgumentException {@code provider "X" is not registered}
   */
  public synchronized AlgorithmProviderConfig algorithmProvider(String name) {
    AlgorithmProviderConfig p = algorithmProviderMap.get(name);
    if (p == null) {
      throw new IllegalArgumentException("provider \"" + name + "\" is not registered");
    }
    return p;
  }

  /** {@code ListAlgorithmProviders}: the sorted names joined with {@code " | "}. */
  public synchronized String listAlgorithmProviders() {
    return String.join(" | ", new TreeSet<>(algorithmProviderMap.keySet()));
  }

  public synchronized boolean isFitPredicateRegistered(String name) {
    return fitPredicateMap.containsKey(name);
  }

  public synchronized boolean isPriorityFunctionRegistered(String name) {
    return priorityFunctionMap.containsKey(name);
  }

  /** The registered predicate names, sorted. */
  public synchronized List<String> listRegisteredFitPredicates() {
    return new ArrayList<>(new TreeSet<>(fitPredicateMap.keySet()));
  }

  /** The registered priority names, sorted. */
  public synchronized List<String> listRegisteredPriorityFunctions() {
    return new ArrayList<>(new TreeSet<>(priorityFunctionMap.keySet()));
  }

  synchronized Optional<FitPredicateFactory> fitPredicateFactory(String name) {
    return Optional.ofNullable(fitPredicateMap.get(name));
  }

  synchronized Set<String> mandatoryFitPredicates() {
    return Set.copyOf(mandatoryFitPredicates);
  }

  synchronized Optional<PriorityConfigFactory> priorityConfigFactory(String name) {
    return Optional.ofNullable(priorityFunctionMap.get(name));
  }

  synchronized Optional<CustomPredicateFactory> customPredicate(PredicateArgumentKind kind) {
    return Optional.ofNullable(customPredicates.get(kind));
  }

  synchronized Optional<CustomPriorityFactory> customPriority(PriorityArgumentKind kind) {
    return Optional.ofNullable(customPriorities.get(kind));
  }

  synchronized PredicateMetadataProducerFactory predicateMetadataProducerFactory() {
    return predicateMetadataProducerFactory;
  }

  synchronized PriorityMetadataProducerFactory priorityMetadataProducerFactory() {
    return priorityMetadataProducerFactory;
  }
}
