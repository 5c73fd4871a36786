package io.kubelab.scheduler.framework.plugins;

import io.kubelab.scheduler.algorithm.policy.Policy;
import io.kubelab.scheduler.algorithm.policy.PolicyValidation;
import io.kubelab.scheduler.framework.config.ExtensionPoint;
import io.kubelab.scheduler.framework.config.Plugin;
import io.kubelab.scheduler.framework.config.PluginConfig;
import io.kubelab.scheduler.framework.config.PluginSet;
import io.kubelab.scheduler.framework.config.Plugins;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * How v1.18 runs a legacy Policy: every predicate and priority name becomes the plugins that
 * replaced it, at the points they run, with the Policy's arguments as plugin arguments.
 *
 * <p>Upstream: {@code NewLegacyRegistry}, {@code ProcessPredicatePolicy} and {@code
 * ProcessPriorityPolicy} in {@code pkg/scheduler/framework/plugins/legacy_registry.go}, and {@code
 * createFromConfig}, {@code getPredicateConfigs} and {@code getPriorityConfigs} in {@code
 * pkg/scheduler/factory.go} (v1.18). The predicates (the Policy's, or the defaults when it names
 * none, plus the mandatory PodToleratesNodeTaints and CheckNodeUnschedulable) are translated in
 * {@code PredicateOrdering} order, the priorities in name order; PrioritySort and DefaultBinder are
 * added, since they were neither. A Policy that names both GeneralPredicates and PodFitsResources
 * enables NodeResourcesFit twice, and building the framework fails as upstream's does. The {@code
 * serviceAffinity} predicate arguments' labels and the {@code serviceAntiAffinity} priority
 * arguments' labels become the ServiceAffinity plugin's {@code labels} and {@code
 * antiAffinityLabelsPreference}; n such priorities of one weight make one score plugin of n times
 * that weight.
 */
public final class LegacyRegistry {

  private LegacyRegistry() {}

  /** {@code MandatoryPredicates}. */
  public static final Set<String> MANDATORY_PREDICATES =
      Set.of("PodToleratesNodeTaints", "CheckNodeUnschedulable");

  /** {@code DefaultPredicates} (with the EvenPodsSpread gate on, as in v1.18). */
  public static final Set<String> DEFAULT_PREDICATES =
      Set.of(
          "NoVolumeZoneConflict",
          "MaxEBSVolumeCount",
          "MaxGCEPDVolumeCount",
          "MaxAzureDiskVolumeCount",
          "MaxCSIVolumeCountPred",
          "MatchInterPodAffinity",
          "NoDiskConflict",
          "GeneralPredicates",
          "PodToleratesNodeTaints",
          "CheckVolumeBinding",
          "CheckNodeUnschedulable",
          "EvenPodsSpread");

  /** The priority names {@code NewLegacyRegistry} registers a producer for (v1.18 gates). */
  static final Set<String> PRIORITIES =
      Set.of(
          "SelectorSpreadPriority",
          "TaintTolerationPriority",
          "NodeAffinityPriority",
          "ImageLocalityPriority",
          "InterPodAffinityPriority",
          "NodePreferAvoidPodsPriority",
          "MostRequestedPriority",
          "BalancedResourceAllocation",
          "LeastRequestedPriority",
          "RequestedToCapacityRatio",
          "NodeLabel",
          "ServiceAffinity",
          "EvenPodsSpreadPriority");

  /** {@code PredicateOrdering}. */
  public static final List<String> PREDICATE_ORDERING =
      List.of(
          "CheckNodeUnschedulable",
          "GeneralPredicates",
          "HostName",
          "PodFitsHostPorts",
          "MatchNodeSelector",
          "PodFitsResources",
          "NoDiskConflict",
          "PodToleratesNodeTaints",
          "CheckNodeLabelPresence",
          "CheckServiceAffinity",
          "MaxEBSVolumeCount",
          "MaxGCEPDVolumeCount",
          "MaxCSIVolumeCountPred",
          "MaxAzureDiskVolumeCount",
          "MaxCinderVolumeCount",
          "CheckVolumeBinding",
          "NoVolumeZoneConflict",
          "EvenPodsSpread",
          "MatchInterPodAffinity");

  /**
   * A Policy as plugins.
   *
   * @param plugins every point's plugins, in upstream's order
   * @param pluginConfig the arguments the Policy carried
   * @param runAllFilters the Policy's {@code alwaysCheckAllPredicates}
   */
  public record Translation(
      Plugins plugins, List<PluginConfig> pluginConfig, boolean runAllFilters) {}

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /**
   * {@code createFromConfig}.
   *
   * @throws IllegalArgumentException {@code no framework config producer registered for "X"} for a
   *     name neither registered nor carrying an argument
   */
  public static Translation translate(Policy policy) {
    PolicyValidation.validate(policy);
    Args args = new Args();
    Set<String> predicateKeys = new LinkedHashSet<>();
    if (policy.predicates() == null) {
      predicateKeys.addAll(DEFAULT_PREDICATES);
    } else {
      for (Policy.PredicatePolicy p : policy.predicates()) {
        predicateKeys.add(processPredicatePolicy(p, args));
      }
    }
    Map<String, Long> priorityKeys = new TreeMap<>();
    if (policy.priorities() == null) {
      priorityKeys.putAll(
          Map.of(
              "SelectorSpreadPriority", 1L,
              "InterPodAffinityPriority", 1L,
              "LeastRequestedPriority", 1L,
              "BalancedResourceAllocation", 1L,
              "NodePreferAvoidPodsPriority", 10000L,
              "NodeAffinityPriority", 1L,
              "TaintTolerationPriority", 1L,
              "ImageLocalityPriority", 1L,
              "EvenPodsSpreadPriority", 1L));
    } else {
      for (Policy.PriorityPolicy p : policy.priorities()) {
        if (p.name().equals("EqualPriority")) {
          continue; // "Skip EqualPriority": every node scores the same under it
        }
        priorityKeys.put(processPriorityPolicy(p, args), p.weight());
      }
    }
    if (policy.hardPodAffinitySymmetricWeight() != 0) {
      args.interPodAffinity = JSON.createObjectNode();
      args.interPodAffinity.put("hardPodAffinityWeight", policy.hardPodAffinitySymmetricWeight());
    }
    List<String> ignored = new ArrayList<>();
    for (Policy.Extender e : policy.extenders()) {
      for (Policy.ExtenderManagedResource r : e.managedResources()) {
        if (r.ignoredByScheduler()) {
          ignored.add(r.name());
        }
      }
    }
    if (!ignored.isEmpty()) {
      ObjectNode fit = JSON.createObjectNode();
      ArrayNode list = fit.putArray("ignoredResources");
      ignored.forEach(list::add);
      args.fit = fit;
    }

    Builder b = new Builder();
    b.add(ExtensionPoint.QUEUE_SORT, PrioritySort.NAME, null);
    b.add(ExtensionPoint.BIND, DefaultBinder.NAME, null);
    Set<String> all = new LinkedHashSet<>(predicateKeys);
    all.addAll(MANDATORY_PREDICATES);
    // Upstream then adds "the rest in no specific order"; every name a Policy can give here is in
    // PredicateOrdering, so there is no rest.
    for (String key : PREDICATE_ORDERING) {
      if (all.contains(key)) {
        predicate(key, args, b);
      }
    }
    for (Map.Entry<String, Long> e : priorityKeys.entrySet()) {
      priority(e.getKey(), e.getValue().intValue(), args, b);
    }
    return new Translation(
        b.plugins(), List.copyOf(b.config.values()), policy.alwaysCheckAllPredicates());
  }

  /** {@code ConfigProducerArgs}: the arguments gathered from the Policy. */
  private static final class Args {
    ObjectNode nodeLabel;
    ObjectNode interPodAffinity;
    ObjectNode fit;
    ObjectNode requestedToCapacityRatio;
    ObjectNode serviceAffinity;

    /** The ServiceAffinity arguments' list {@code field}, created on first use. */
    ArrayNode serviceAffinityList(String field) {
      if (serviceAffinity == null) {
        serviceAffinity = JSON.createObjectNode();
      }
      return serviceAffinity.has(field)
          ? (ArrayNode) serviceAffinity.get(field)
          : serviceAffinity.putArray(field);
    }
  }

  private static String processPredicatePolicy(Policy.PredicatePolicy p, Args args) {
    String name = p.name().equals("PodFitsPorts") ? "PodFitsHostPorts" : p.name();
    if (PREDICATE_ORDERING.contains(name)) {
      return name;
    }
    if (p.argument() != null && p.argument().labelsPresence() != null) {
      if (args.nodeLabel == null) {
        args.nodeLabel = JSON.createObjectNode();
      }
      String field = p.argument().labelsPresence().presence() ? "presentLabels" : "absentLabels";
      ArrayNode list =
          args.nodeLabel.has(field)
              ? (ArrayNode) args.nodeLabel.get(field)
              : args.nodeLabel.putArray(field);
      p.argument().labelsPresence().labels().forEach(list::add);
      return "CheckNodeLabelPresence";
    }
    if (p.argument() != null && p.argument().serviceAffinity() != null) {
      ArrayNode list = args.serviceAffinityList("labels");
      p.argument().serviceAffinity().labels().forEach(list::add);
      return "CheckServiceAffinity";
    }
    throw new IllegalArgumentException(
        "Invalid configuration: Predicate type not found for \"" + p.name() + "\"");
  }

  private static String processPriorityPolicy(Policy.PriorityPolicy p, Args args) {
    String name = p.name().equals("ServiceSpreadingPriority") ? "SelectorSpreadPriority" : p.name();
    if (PRIORITIES.contains(name)) {
      return name;
    }
    if (p.argument() == null) {
      throw new IllegalArgumentException(
          "Invalid configuration: Priority type not found for \"" + name + "\"");
    }
    if (p.argument().labelPreference() != null) {
      if (args.nodeLabel == null) {
        args.nodeLabel = JSON.createObjectNode();
      }
      String field =
          p.argument().labelPreference().presence()
              ? "presentLabelsPreference"
              : "absentLabelsPreference";
      ArrayNode list =
          args.nodeLabel.has(field)
              ? (ArrayNode) args.nodeLabel.get(field)
              : args.nodeLabel.putArray(field);
      list.add(p.argument().labelPreference().label());
      return NodeLabel.NAME;
    }
    if (p.argument().requestedToCapacityRatioArguments() != null) {
      args.requestedToCapacityRatio =
          (ObjectNode) JSON.valueToTree(p.argument().requestedToCapacityRatioArguments());
      return ResourceScorePlugin.REQUESTED_TO_CAPACITY_RATIO;
    }
    if (p.argument().serviceAntiAffinity() != null) {
      args.serviceAffinityList("antiAffinityLabelsPreference")
          .add(p.argument().serviceAntiAffinity().label());
      return ServiceAffinity.NAME;
    }
    throw new IllegalArgumentException(
        "Invalid configuration: Priority type not found for \"" + name + "\"");
  }

  /** {@code PredicateToConfigProducer}. */
  private static void predicate(String key, Args a, Builder b) {
    switch (key) {
      case "GeneralPredicates" -> {
        b.add(ExtensionPoint.FILTER, NodeResourcesFit.NAME, null);
        b.add(ExtensionPoint.PRE_FILTER, NodeResourcesFit.NAME, null);
        b.config(NodeResourcesFit.NAME, a.fit);
        b.add(ExtensionPoint.FILTER, NodeName.NAME, null);
        b.add(ExtensionPoint.FILTER, NodePorts.NAME, null);
        b.add(ExtensionPoint.PRE_FILTER, NodePorts.NAME, null);
        b.add(ExtensionPoint.FILTER, NodeAffinity.NAME, null);
      }
      case "PodToleratesNodeTaints" -> b.add(ExtensionPoint.FILTER, TaintToleration.NAME, null);
      case "PodFitsResources" -> {
        b.add(ExtensionPoint.FILTER, NodeResourcesFit.NAME, null);
        b.add(ExtensionPoint.PRE_FILTER, NodeResourcesFit.NAME, null);
        b.config(NodeResourcesFit.NAME, a.fit);
      }
      case "HostName" -> b.add(ExtensionPoint.FILTER, NodeName.NAME, null);
      case "PodFitsHostPorts" -> {
        b.add(ExtensionPoint.FILTER, NodePorts.NAME, null);
        b.add(ExtensionPoint.PRE_FILTER, NodePorts.NAME, null);
      }
      case "MatchNodeSelector" -> b.add(ExtensionPoint.FILTER, NodeAffinity.NAME, null);
      case "CheckNodeUnschedulable" -> b.add(ExtensionPoint.FILTER, NodeUnschedulable.NAME, null);
      case "CheckVolumeBinding" -> b.add(ExtensionPoint.FILTER, VolumeBinding.NAME, null);
      case "NoDiskConflict" -> b.add(ExtensionPoint.FILTER, VolumeRestrictions.NAME, null);
      case "NoVolumeZoneConflict" -> b.add(ExtensionPoint.FILTER, VolumeZone.NAME, null);
      case "MaxCSIVolumeCountPred" -> b.add(ExtensionPoint.FILTER, NodeVolumeLimits.NAME, null);
      case "MaxEBSVolumeCount" -> b.add(ExtensionPoint.FILTER, NonCsiLimits.EBS_NAME, null);
      case "MaxGCEPDVolumeCount" -> b.add(ExtensionPoint.FILTER, NonCsiLimits.GCE_PD_NAME, null);
      case "MaxAzureDiskVolumeCount" ->
          b.add(ExtensionPoint.FILTER, NonCsiLimits.AZURE_DISK_NAME, null);
      case "MaxCinderVolumeCount" -> b.add(ExtensionPoint.FILTER, NonCsiLimits.CINDER_NAME, null);
      case "MatchInterPodAffinity" -> {
        b.add(ExtensionPoint.FILTER, InterPodAffinity.NAME, null);
        b.add(ExtensionPoint.PRE_FILTER, InterPodAffinity.NAME, null);
      }
      case "CheckNodeLabelPresence" -> {
        b.add(ExtensionPoint.FILTER, NodeLabel.NAME, null);
        b.config(NodeLabel.NAME, a.nodeLabel);
      }
      case "CheckServiceAffinity" -> {
        b.add(ExtensionPoint.FILTER, ServiceAffinity.NAME, null);
        b.config(ServiceAffinity.NAME, a.serviceAffinity);
        b.add(ExtensionPoint.PRE_FILTER, ServiceAffinity.NAME, null);
      }
      case "EvenPodsSpread" -> {
        b.add(ExtensionPoint.PRE_FILTER, PodTopologySpread.NAME, null);
        b.add(ExtensionPoint.FILTER, PodTopologySpread.NAME, null);
      }
      default ->
          throw new IllegalArgumentException(
              "no framework config producer registered for \"" + key + "\"");
    }
  }

  /** {@code PriorityToConfigProducer}. */
  private static void priority(String key, int weight, Args a, Builder b) {
    switch (key) {
      case "SelectorSpreadPriority" -> {
        b.add(ExtensionPoint.SCORE, DefaultPodTopologySpread.NAME, weight);
        b.add(ExtensionPoint.PRE_SCORE, DefaultPodTopologySpread.NAME, null);
      }
      case "TaintTolerationPriority" -> {
        b.add(ExtensionPoint.PRE_SCORE, TaintToleration.NAME, null);
        b.add(ExtensionPoint.SCORE, TaintToleration.NAME, weight);
      }
      case "NodeAffinityPriority" -> b.add(ExtensionPoint.SCORE, NodeAffinity.NAME, weight);
      case "ImageLocalityPriority" -> b.add(ExtensionPoint.SCORE, ImageLocality.NAME, weight);
      case "InterPodAffinityPriority" -> {
        b.add(ExtensionPoint.PRE_SCORE, InterPodAffinity.NAME, null);
        b.add(ExtensionPoint.SCORE, InterPodAffinity.NAME, weight);
        b.config(InterPodAffinity.NAME, a.interPodAffinity);
      }
      case "NodePreferAvoidPodsPriority" ->
          b.add(ExtensionPoint.SCORE, NodePreferAvoidPods.NAME, weight);
      case "MostRequestedPriority" ->
          b.add(ExtensionPoint.SCORE, ResourceScorePlugin.MOST_ALLOCATED, weight);
      case "BalancedResourceAllocation" ->
          b.add(ExtensionPoint.SCORE, ResourceScorePlugin.BALANCED_ALLOCATION, weight);
      case "LeastRequestedPriority" ->
          b.add(ExtensionPoint.SCORE, ResourceScorePlugin.LEAST_ALLOCATED, weight);
      case "RequestedToCapacityRatio" -> {
        b.add(ExtensionPoint.SCORE, ResourceScorePlugin.REQUESTED_TO_CAPACITY_RATIO, weight);
        b.config(ResourceScorePlugin.REQUESTED_TO_CAPACITY_RATIO, a.requestedToCapacityRatio);
      }
      case "NodeLabel" -> {
        // n LabelPreference priorities of one weight become one plugin of n times that weight.
        int n =
            size(a.nodeLabel, "presentLabelsPreference")
                + size(a.nodeLabel, "absentLabelsPreference");
        b.add(ExtensionPoint.SCORE, NodeLabel.NAME, weight * n);
        b.config(NodeLabel.NAME, a.nodeLabel);
      }
      case "ServiceAffinity" -> {
        // n ServiceAntiAffinity priorities of one weight become one plugin of n times that weight.
        b.add(
            ExtensionPoint.SCORE,
            ServiceAffinity.NAME,
            weight * size(a.serviceAffinity, "antiAffinityLabelsPreference"));
        b.config(ServiceAffinity.NAME, a.serviceAffinity);
      }
      case "EvenPodsSpreadPriority" -> {
        b.add(ExtensionPoint.PRE_SCORE, PodTopologySpread.NAME, null);
        b.add(ExtensionPoint.SCORE, PodTopologySpread.NAME, weight);
      }
      default ->
          throw new IllegalArgumentException("no config producer registered for \"" + key + "\"");
    }
  }

  private static int size(JsonNode n, String field) {
    return n == null || !n.has(field) ? 0 : n.get(field).size();
  }

  /** Plugins appended point by point ({@code Plugins.Append}), and the arguments by plugin. */
  private static final class Builder {
    final Map<ExtensionPoint, List<Plugin>> sets = new LinkedHashMap<>();
    final Map<String, PluginConfig> config = new LinkedHashMap<>();

    void add(ExtensionPoint point, String name, Integer weight) {
      sets.computeIfAbsent(point, k -> new ArrayList<>())
          .add(weight == null ? Plugin.of(name) : Plugin.of(name, weight));
    }

    void config(String plugin, ObjectNode args) {
      if (args != null) {
        config.put(plugin, new PluginConfig(plugin, args, null));
      }
    }

    Plugins plugins() {
      Plugins p = Plugins.empty();
      for (Map.Entry<ExtensionPoint, List<Plugin>> e : sets.entrySet()) {
        p = p.with(e.getKey(), new PluginSet(e.getValue(), List.of()));
      }
      return p;
    }
  }
}
