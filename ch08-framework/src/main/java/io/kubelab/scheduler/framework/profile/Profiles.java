package io.kubelab.scheduler.framework.profile;

import io.kubelab.scheduler.algorithm.AlgorithmConfig;
import io.kubelab.scheduler.algorithm.AlgorithmFactoryArgs;
import io.kubelab.scheduler.algorithm.AlgorithmRegistry;
import io.kubelab.scheduler.algorithm.Configurator;
import io.kubelab.scheduler.algorithm.policy.Policies;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.FrameworkException;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.Registry;
import io.kubelab.scheduler.framework.config.ExtensionPoint;
import io.kubelab.scheduler.framework.config.KubeSchedulerConfiguration;
import io.kubelab.scheduler.framework.config.Plugin;
import io.kubelab.scheduler.framework.config.PluginConfig;
import io.kubelab.scheduler.framework.config.Plugins;
import io.kubelab.scheduler.framework.plugins.AlgorithmProvider;
import io.kubelab.scheduler.predicates.Predicates;
import io.kubelab.scheduler.priorities.Priorities;
import io.kubelab.scheduler.spread.Spread;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Builds one framework per profile of a configuration, by scheduler name; and the two profiles
 * kubelab ships.
 *
 * <p>Upstream: {@code NewMap}, {@code NewProfile} and {@code cfgValidator} in {@code
 * pkg/scheduler/profile/profile.go}, and the application of the provider's default plugins to each
 * profile in {@code pkg/scheduler/factory.go} (v1.18: {@code
 * defaultPlugins.Apply(profile.Plugins)}). The messages are upstream's: {@code one queue sort
 * plugin required for profile with scheduler name "x"}, {@code different queue sort plugins for
 * profile "b": "Y", first: "X"}, {@code creating profile for scheduler name x: FilterPlugin "Foo"
 * does not exist}.
 *
 * <p>{@value #DEFAULT_118}: v1.18's DefaultProvider plugins with v1.18's feature gates. {@value
 * #LEGACY_117}: the classic pipeline of chapters 02 to 05 (a Policy of v1.17's DefaultProvider
 * predicates and priorities), run by chapter 02's generic scheduler.
 */
public final class Profiles {

  private Profiles() {}

  /** The framework profile with v1.18's default plugins. */
  public static final String DEFAULT_118 = "default-1.18";

  /** The predicates-and-priorities pipeline of v1.17. */
  public static final String LEGACY_117 = "legacy-1.17";

  /**
   * The Policy of {@value #LEGACY_117}: v1.17's DefaultProvider predicates and priorities (the
   * EvenPodsSpread gate off, its v1.17 default), named one by one.
   */
  public static final String LEGACY_117_POLICY =
      """
      {"kind": "Policy", "apiVersion": "v1",
       "predicates": [
         {"name": "CheckNodeUnschedulable"}, {"name": "GeneralPredicates"},
         {"name": "PodToleratesNodeTaints"}, {"name": "NoDiskConflict"},
         {"name": "MaxEBSVolumeCount"}, {"name": "MaxGCEPDVolumeCount"},
         {"name": "MaxCSIVolumeCountPred"}, {"name": "MaxAzureDiskVolumeCount"},
         {"name": "CheckVolumeBinding"}, {"name": "NoVolumeZoneConflict"},
         {"name": "MatchInterPodAffinity"}
       ],
       "priorities": [
         {"name": "SelectorSpreadPriority", "weight": 1},
         {"name": "InterPodAffinityPriority", "weight": 1},
         {"name": "LeastRequestedPriority", "weight": 1},
         {"name": "BalancedResourceAllocation", "weight": 1},
         {"name": "NodePreferAvoidPodsPriority", "weight": 10000},
         {"name": "NodeAffinityPriority", "weight": 1},
         {"name": "TaintTolerationPriority", "weight": 1},
         {"name": "ImageLocalityPriority", "weight": 1}
       ]}""";

  /** The configuration of {@value #DEFAULT_118}: one profile, {@code default-scheduler}. */
  public static KubeSchedulerConfiguration default118() {
    return KubeSchedulerConfiguration.of(
        new KubeSchedulerConfiguration.Profile(
            KubeSchedulerConfiguration.DEFAULT_SCHEDULER_NAME, null, List.of(), null));
  }

  /** The algorithm of {@value #LEGACY_117}, for chapter 02's generic scheduler. */
  public static AlgorithmConfig legacy117(Snapshot snapshot) {
    return legacy117(snapshot, Map.of());
  }

  /**
   * The algorithm of {@value #LEGACY_117} with the outside world's listers: {@code
   * SpreadListers.class} (what selects a pod, for SelectorSpreadPriority) and {@code
   * VolumeListers.class} (claims, volumes, classes, for the volume predicates), as the framework
   * gets them as components.
   */
  public static AlgorithmConfig legacy117(Snapshot snapshot, Map<Class<?>, Object> listers) {
    AlgorithmRegistry registry = new AlgorithmRegistry();
    Predicates.registerAll(registry);
    Priorities.registerAll(registry);
    Spread.registerAll(registry);
    AlgorithmFactoryArgs args =
        new AlgorithmFactoryArgs(
            snapshot, AlgorithmFactoryArgs.DEFAULT_HARD_POD_AFFINITY_SYMMETRIC_WEIGHT, listers);
    return new Configurator(registry, args).createFromConfig(Policies.parse(LEGACY_117_POLICY));
  }

  /**
   * {@code NewMap}: a framework per profile, keyed by scheduler name, in the configuration's order.
   *
   * @param defaults the provider's plugin sets each profile's sets are applied over
   * @param builder a new builder (snapshot, clock, parallelizer, components set) per profile
   * @throws FrameworkException with upstream's message
   */
  public static Map<String, FrameworkImpl> newMap(
      KubeSchedulerConfiguration config,
      Plugins defaults,
      Supplier<FrameworkImpl.Builder> builder) {
    Map<String, FrameworkImpl> m = new LinkedHashMap<>();
    String queueSort = null;
    PluginConfig queueSortArgs = null;
    for (KubeSchedulerConfiguration.Profile cfg : config.profiles()) {
      Plugins plugins = defaults.apply(cfg.plugins());
      String name = cfg.schedulerName();
      if (name == null || name.isEmpty()) {
        throw new FrameworkException("scheduler name is needed");
      }
      if (m.containsKey(name)) {
        throw new FrameworkException("duplicate profile with scheduler name \"" + name + "\"");
      }
      List<Plugin> qs = plugins.enabled(ExtensionPoint.QUEUE_SORT);
      if (qs.size() != 1) {
        throw new FrameworkException(
            "one queue sort plugin required for profile with scheduler name \"" + name + "\"");
      }
      String qsName = qs.get(0).name();
      PluginConfig qsArgs = null;
      for (PluginConfig pc : cfg.pluginConfig()) {
        if (pc.name().equals(qsName)) {
          qsArgs = pc;
        }
      }
      if (queueSort == null) {
        queueSort = qsName;
        queueSortArgs = qsArgs;
      } else if (!queueSort.equals(qsName)) {
        throw new FrameworkException(
            "different queue sort plugins for profile \""
                + name
                + "\": \""
                + qsName
                + "\", first: \""
                + queueSort
                + "\"");
      } else if (!Objects.equals(
          queueSortArgs == null ? null : queueSortArgs.args(),
          qsArgs == null ? null : qsArgs.args())) {
        throw new FrameworkException(
            "different queue sort plugin args for profile \""
                + name
                + "\": "
                + (qsArgs == null ? "null" : String.valueOf(qsArgs.args())));
      }
      try {
        m.put(
            name,
            builder
                .get()
                .plugins(plugins)
                .pluginConfig(withIgnoredResources(cfg.pluginConfig(), config.extenders()))
                .build());
      } catch (FrameworkException e) {
        throw new FrameworkException(
            "creating profile for scheduler name " + name + ": " + e.getMessage(), e);
      }
    }
    return m;
  }

  /** {@link #newMap} with v1.18's default plugins and feature gates over the in-tree registry. */
  public static Map<String, FrameworkImpl> newMap(
      KubeSchedulerConfiguration config, Supplier<FrameworkImpl.Builder> builder) {
    return newMap(
        config, AlgorithmProvider.defaultPlugins(AlgorithmProvider.FeatureGates.V1_18), builder);
  }

  /**
   * The extended resources the extenders manage with {@code ignoredByScheduler: true} become
   * NodeResourcesFit's {@code ignoredResources}, as upstream's {@code Configurator.create} (v1.18
   * {@code pkg/scheduler/factory.go}) appends that plugin config to every profile; appended last,
   * it replaces a NodeResourcesFit config the profile had (upstream keeps the last per name).
   */
  static List<PluginConfig> withIgnoredResources(
      List<PluginConfig> configs, List<io.kubelab.scheduler.algorithm.policy.Policy.Extender> es) {
    tools.jackson.databind.node.ArrayNode ignored =
        tools.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
    for (io.kubelab.scheduler.algorithm.policy.Policy.Extender e : es) {
      for (io.kubelab.scheduler.algorithm.policy.Policy.ExtenderManagedResource r :
          e.managedResources()) {
        if (r.ignoredByScheduler()) {
          ignored.add(r.name());
        }
      }
    }
    if (ignored.isEmpty()) {
      return configs;
    }
    List<PluginConfig> out = new java.util.ArrayList<>();
    for (PluginConfig c : configs) {
      if (!c.name().equals("NodeResourcesFit")) {
        out.add(c);
      }
    }
    tools.jackson.databind.node.ObjectNode args =
        tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    args.set("ignoredResources", ignored);
    out.add(new PluginConfig("NodeResourcesFit", args, "extenders"));
    return out;
  }

  /** The in-tree registry, for builders: {@code FrameworkImpl.builder(Profiles.registry())}. */
  public static Registry registry() {
    return io.kubelab.scheduler.framework.plugins.InTreeRegistry.create();
  }
}
