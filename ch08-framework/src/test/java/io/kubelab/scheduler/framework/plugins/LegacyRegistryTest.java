package io.kubelab.scheduler.framework.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.scheduler.algorithm.policy.Policies;
import io.kubelab.scheduler.algorithm.policy.Policy;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.config.ExtensionPoint;
import io.kubelab.scheduler.framework.config.Plugin;
import io.kubelab.scheduler.framework.profile.Profiles;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A legacy Policy as v1.18 runs it: the plugins each predicate and priority name becomes. */
class LegacyRegistryTest {

  private final Parallelizer parallelizer = new Parallelizer("legacy-registry", 1);

  @AfterEach
  void close() {
    parallelizer.close();
  }

  private FrameworkImpl build(LegacyRegistry.Translation t) {
    return FrameworkImpl.builder(InTreeRegistry.create())
        .plugins(t.plugins())
        .pluginConfig(t.pluginConfig())
        .runAllFilters(t.runAllFilters())
        .clock(new FakeClock())
        .parallelizer(parallelizer)
        .build();
  }

  @Test
  void theLegacyProfilesPolicyBecomesTheDefaultPluginsInPredicateOrder() {
    FrameworkImpl f = build(LegacyRegistry.translate(Policies.parse(Profiles.LEGACY_117_POLICY)));

    assertThat(f.pluginNames(ExtensionPoint.QUEUE_SORT)).containsExactly("PrioritySort");
    assertThat(f.pluginNames(ExtensionPoint.PRE_FILTER))
        .containsExactly("NodeResourcesFit", "NodePorts", "InterPodAffinity");
    assertThat(f.pluginNames(ExtensionPoint.FILTER))
        .containsExactly(
            "NodeUnschedulable",
            "NodeResourcesFit",
            "NodeName",
            "NodePorts",
            "NodeAffinity",
            "VolumeRestrictions",
            "TaintToleration",
            "EBSLimits",
            "GCEPDLimits",
            "NodeVolumeLimits",
            "AzureDiskLimits",
            "VolumeBinding",
            "VolumeZone",
            "InterPodAffinity");
    // Priorities in name order: BalancedResourceAllocation, ImageLocalityPriority, ...
    assertThat(f.pluginNames(ExtensionPoint.PRE_SCORE))
        .containsExactly("InterPodAffinity", "DefaultPodTopologySpread", "TaintToleration");
    assertThat(f.listPlugins().get("ScorePlugin"))
        .containsExactly(
            Plugin.of("NodeResourcesBalancedAllocation", 1),
            Plugin.of("ImageLocality", 1),
            Plugin.of("InterPodAffinity", 1),
            Plugin.of("NodeResourcesLeastAllocated", 1),
            Plugin.of("NodeAffinity", 1),
            Plugin.of("NodePreferAvoidPods", 10000),
            Plugin.of("DefaultPodTopologySpread", 1),
            Plugin.of("TaintToleration", 1));
    assertThat(f.pluginNames(ExtensionPoint.BIND)).containsExactly("DefaultBinder");
  }

  @Test
  void mandatoryPredicatesAreAlwaysThereAndArgumentsBecomePluginConfig() {
    LegacyRegistry.Translation t =
        LegacyRegistry.translate(
            Policies.parse(
                """
                {"kind": "Policy", "apiVersion": "v1",
                 "predicates": [
                   {"name": "PodFitsPorts"},
                   {"name": "ssd", "argument": {"labelsPresence": {"labels": ["ssd"], "presence": true}}}
                 ],
                 "priorities": [
                   {"name": "zone", "weight": 2,
                    "argument": {"labelPreference": {"label": "zone", "presence": true}}},
                   {"name": "spot", "weight": 2,
                    "argument": {"labelPreference": {"label": "spot", "presence": false}}}
                 ],
                 "hardPodAffinitySymmetricWeight": 7,
                 "alwaysCheckAllPredicates": true}"""));
    FrameworkImpl f = build(t);

    assertThat(f.pluginNames(ExtensionPoint.FILTER))
        .containsExactly("NodeUnschedulable", "NodePorts", "TaintToleration", "NodeLabel");
    // Two LabelPreference priorities of weight 2: one NodeLabel score plugin of weight 4.
    assertThat(f.listPlugins().get("ScorePlugin")).containsExactly(Plugin.of("NodeLabel", 4));
    assertThat(t.pluginConfig()).extracting(c -> c.name()).containsExactly("NodeLabel");
    assertThat(t.pluginConfig().get(0).args().toString())
        .isEqualTo(
            "{\"presentLabels\":[\"ssd\"],\"presentLabelsPreference\":[\"zone\"],"
                + "\"absentLabelsPreference\":[\"spot\"]}");
    assertThat(f.runAllFilters()).isTrue();
  }

  @Test
  void generalPredicatesWithPodFitsResourcesEnablesFitTwiceAndFails() {
    LegacyRegistry.Translation t =
        LegacyRegistry.translate(
            Policies.parse(
                """
                {"kind": "Policy", "apiVersion": "v1",
                 "predicates": [{"name": "GeneralPredicates"}, {"name": "PodFitsResources"}],
                 "priorities": []}"""));

    assertThatThrownBy(() -> build(t))
        .hasMessage("plugin \"NodeResourcesFit\" already registered as \"PreFilterPlugin\"");
  }

  @Test
  void withoutPredicatesOrPrioritiesThePolicyGetsTheDefaultsOfV118() {
    LegacyRegistry.Translation t =
        LegacyRegistry.translate(Policies.parse("{\"kind\": \"Policy\", \"apiVersion\": \"v1\"}"));
    FrameworkImpl f = build(t);

    assertThat(f.pluginNames(ExtensionPoint.PRE_FILTER))
        .containsExactly("NodeResourcesFit", "NodePorts", "PodTopologySpread", "InterPodAffinity");
    assertThat(f.pluginNames(ExtensionPoint.FILTER))
        .containsExactly(
            "NodeUnschedulable",
            "NodeResourcesFit",
            "NodeName",
            "NodePorts",
            "NodeAffinity",
            "VolumeRestrictions",
            "TaintToleration",
            "EBSLimits",
            "GCEPDLimits",
            "NodeVolumeLimits",
            "AzureDiskLimits",
            "VolumeBinding",
            "VolumeZone",
            "PodTopologySpread",
            "InterPodAffinity");
    // Priorities in name order: ... EvenPodsSpreadPriority, ImageLocalityPriority, ...
    assertThat(f.pluginNames(ExtensionPoint.PRE_SCORE))
        .containsExactly(
            "PodTopologySpread", "InterPodAffinity", "DefaultPodTopologySpread", "TaintToleration");
    assertThat(f.listPlugins().get("ScorePlugin"))
        .containsExactly(
            Plugin.of("NodeResourcesBalancedAllocation", 1),
            Plugin.of("PodTopologySpread", 1),
            Plugin.of("ImageLocality", 1),
            Plugin.of("InterPodAffinity", 1),
            Plugin.of("NodeResourcesLeastAllocated", 1),
            Plugin.of("NodeAffinity", 1),
            Plugin.of("NodePreferAvoidPods", 10000),
            Plugin.of("DefaultPodTopologySpread", 1),
            Plugin.of("TaintToleration", 1));
  }

  @Test
  void serviceAffinityArgumentsBecomeOnePluginWithBothLabelLists() {
    LegacyRegistry.Translation t =
        LegacyRegistry.translate(
            Policies.parse(
                """
                {"kind": "Policy", "apiVersion": "v1",
                 "predicates": [
                   {"name": "rack", "argument": {"serviceAffinity": {"labels": ["rack"]}}},
                   {"name": "zone", "argument": {"serviceAffinity": {"labels": ["zone"]}}}
                 ],
                 "priorities": [
                   {"name": "spread-rack", "weight": 3,
                    "argument": {"serviceAntiAffinity": {"label": "rack"}}},
                   {"name": "spread-zone", "weight": 3,
                    "argument": {"serviceAntiAffinity": {"label": "zone"}}}
                 ]}"""));
    FrameworkImpl f = build(t);

    assertThat(f.pluginNames(ExtensionPoint.PRE_FILTER)).containsExactly("ServiceAffinity");
    assertThat(f.pluginNames(ExtensionPoint.FILTER))
        .containsExactly("NodeUnschedulable", "TaintToleration", "ServiceAffinity");
    // Two ServiceAntiAffinity priorities of weight 3: one score plugin of weight 6.
    assertThat(f.listPlugins().get("ScorePlugin")).containsExactly(Plugin.of("ServiceAffinity", 6));
    assertThat(t.pluginConfig()).extracting(c -> c.name()).containsExactly("ServiceAffinity");
    assertThat(t.pluginConfig().get(0).args().toString())
        .isEqualTo(
            "{\"labels\":[\"rack\",\"zone\"],\"antiAffinityLabelsPreference\":[\"rack\",\"zone\"]}");
  }

  private static LegacyRegistry.Translation translate(String predicates, String priorities) {
    return translate(predicates, priorities, "");
  }

  private static LegacyRegistry.Translation translate(
      String predicates, String priorities, String more) {
    return LegacyRegistry.translate(
        Policies.parse(
            "{\"kind\": \"Policy\", \"apiVersion\": \"v1\", \"predicates\": ["
                + predicates
                + "], \"priorities\": ["
                + priorities
                + "]"
                + more
                + "}"));
  }

  private static String args(LegacyRegistry.Translation t, String plugin) {
    return t.pluginConfig().stream()
        .filter(c -> c.name().equals(plugin))
        .map(c -> c.args().toString())
        .findFirst()
        .orElse(null);
  }

  @Test
  void eachPredicateBecomesItsPluginsAtTheirPoints() {
    FrameworkImpl f =
        build(
            translate(
                """
                {"name": "HostName"}, {"name": "PodFitsHostPorts"}, {"name": "MatchNodeSelector"},
                {"name": "PodFitsResources"}, {"name": "MaxCinderVolumeCount"},
                {"name": "CheckVolumeBinding"}, {"name": "NoVolumeZoneConflict"},
                {"name": "EvenPodsSpread"}""",
                ""));

    assertThat(f.pluginNames(ExtensionPoint.PRE_FILTER))
        .containsExactly("NodePorts", "NodeResourcesFit", "PodTopologySpread");
    assertThat(f.pluginNames(ExtensionPoint.FILTER))
        .containsExactly(
            "NodeUnschedulable",
            "NodeName",
            "NodePorts",
            "NodeAffinity",
            "NodeResourcesFit",
            "TaintToleration",
            "CinderLimits",
            "VolumeBinding",
            "VolumeZone",
            "PodTopologySpread");
    assertThat(f.listPlugins().get("ScorePlugin")).isNull();
  }

  @Test
  void eachPriorityBecomesItsScorePluginWithItsWeight() {
    LegacyRegistry.Translation t =
        translate(
            "",
            """
            {"name": "ServiceSpreadingPriority", "weight": 2},
            {"name": "MostRequestedPriority", "weight": 3},
            {"name": "EqualPriority", "weight": 4},
            {"name": "EvenPodsSpreadPriority", "weight": 5}""");
    FrameworkImpl f = build(t);

    assertThat(f.listPlugins().get("ScorePlugin"))
        .containsExactly(
            Plugin.of("PodTopologySpread", 5),
            Plugin.of("NodeResourcesMostAllocated", 3),
            Plugin.of("DefaultPodTopologySpread", 2));
    assertThat(f.pluginNames(ExtensionPoint.PRE_SCORE))
        .containsExactly("PodTopologySpread", "DefaultPodTopologySpread");
    assertThat(t.pluginConfig()).isEmpty();
  }

  @Test
  void ignoredExtenderResourcesConfigureNodeResourcesFit() {
    String extenders =
        """
        , "extenders": [
          {"urlPrefix": "http://a", "managedResources": [
            {"name": "example.com/a", "ignoredByScheduler": true},
            {"name": "example.com/b", "ignoredByScheduler": false}]},
          {"urlPrefix": "http://b", "managedResources": [
            {"name": "example.com/c", "ignoredByScheduler": true}]}]""";

    String want = "{\"ignoredResources\":[\"example.com/a\",\"example.com/c\"]}";
    assertThat(
            args(translate("{\"name\": \"GeneralPredicates\"}", "", extenders), "NodeResourcesFit"))
        .isEqualTo(want);
    LegacyRegistry.Translation fitOnly =
        translate("{\"name\": \"PodFitsResources\"}", "", extenders);
    assertThat(args(fitOnly, "NodeResourcesFit")).isEqualTo(want);
    assertThat(build(fitOnly).pluginNames(ExtensionPoint.FILTER))
        .containsExactly("NodeUnschedulable", "NodeResourcesFit", "TaintToleration");
    // Without ignored resources NodeResourcesFit keeps its defaults.
    assertThat(translate("{\"name\": \"GeneralPredicates\"}", "").pluginConfig()).isEmpty();
  }

  @Test
  void labelPresenceAloneConfiguresNodeLabelsFilter() {
    LegacyRegistry.Translation t =
        translate(
            """
            {"name": "a", "argument": {"labelsPresence": {"labels": ["x"], "presence": false}}},
            {"name": "b", "argument": {"labelsPresence": {"labels": ["y", "z"], "presence": false}}},
            {"name": "c", "argument": {"labelsPresence": {"labels": ["w"], "presence": true}}}""",
            "");

    assertThat(args(t, "NodeLabel"))
        .isEqualTo("{\"absentLabels\":[\"x\",\"y\",\"z\"],\"presentLabels\":[\"w\"]}");
    assertThat(build(t).pluginNames(ExtensionPoint.FILTER))
        .containsExactly("NodeUnschedulable", "TaintToleration", "NodeLabel");
    assertThat(build(t).listPlugins().get("ScorePlugin")).isNull();
  }

  @Test
  void labelPreferenceAloneConfiguresNodeLabelsScore() {
    LegacyRegistry.Translation t =
        translate(
            "",
            """
            {"name": "a", "weight": 3, "argument": {"labelPreference": {"label": "x", "presence": false}}},
            {"name": "b", "weight": 3, "argument": {"labelPreference": {"label": "y", "presence": false}}},
            {"name": "c", "weight": 3, "argument": {"labelPreference": {"label": "z", "presence": true}}}""");

    assertThat(args(t, "NodeLabel"))
        .isEqualTo(
            "{\"absentLabelsPreference\":[\"x\",\"y\"],\"presentLabelsPreference\":[\"z\"]}");
    assertThat(build(t).listPlugins().get("ScorePlugin"))
        .containsExactly(Plugin.of("NodeLabel", 9));
  }

  @Test
  void serviceAffinityPredicateOrPriorityAloneConfiguresThePlugin() {
    LegacyRegistry.Translation predicate =
        translate(
            "{\"name\": \"rack\", \"argument\": {\"serviceAffinity\": {\"labels\": [\"rack\"]}}}",
            "");
    assertThat(args(predicate, "ServiceAffinity")).isEqualTo("{\"labels\":[\"rack\"]}");
    assertThat(build(predicate).pluginNames(ExtensionPoint.PRE_FILTER))
        .containsExactly("ServiceAffinity");

    LegacyRegistry.Translation priority =
        translate(
            "",
            "{\"name\": \"spread\", \"weight\": 2, \"argument\": {\"serviceAntiAffinity\": {\"label\": \"zone\"}}}");
    assertThat(args(priority, "ServiceAffinity"))
        .isEqualTo("{\"antiAffinityLabelsPreference\":[\"zone\"]}");
    assertThat(build(priority).listPlugins().get("ScorePlugin"))
        .containsExactly(Plugin.of("ServiceAffinity", 2));
  }

  @Test
  void requestedToCapacityRatioArgumentsBecomeThePluginsArguments() {
    LegacyRegistry.Translation t =
        translate(
            "",
            """
            {"name": "ratio", "weight": 2, "argument": {"requestedToCapacityRatioArguments": {
              "shape": [{"utilization": 0, "score": 10}, {"utilization": 100, "score": 0}],
              "resources": [{"name": "cpu", "weight": 1}]}}}""");

    assertThat(build(t).listPlugins().get("ScorePlugin"))
        .containsExactly(Plugin.of("RequestedToCapacityRatio", 2));
    assertThat(args(t, "RequestedToCapacityRatio")).contains("\"utilization\":100");
  }

  @Test
  void hardPodAffinitySymmetricWeightConfiguresInterPodAffinity() {
    LegacyRegistry.Translation weighted =
        translate(
            "",
            "{\"name\": \"InterPodAffinityPriority\", \"weight\": 1}",
            ", \"hardPodAffinitySymmetricWeight\": 7");
    assertThat(args(weighted, "InterPodAffinity")).isEqualTo("{\"hardPodAffinityWeight\":7}");

    LegacyRegistry.Translation unset =
        translate("", "{\"name\": \"InterPodAffinityPriority\", \"weight\": 1}");
    assertThat(unset.pluginConfig()).isEmpty();
  }

  @Test
  void onlyPresentLabelPreferencesMakeAWeightOfTheirNumber() {
    LegacyRegistry.Translation t =
        translate(
            "",
            """
            {"name": "a", "weight": 2, "argument": {"labelPreference": {"label": "x", "presence": true}}},
            {"name": "b", "weight": 2, "argument": {"labelPreference": {"label": "y", "presence": true}}}""");

    assertThat(build(t).listPlugins().get("ScorePlugin"))
        .containsExactly(Plugin.of("NodeLabel", 4));
  }

  @Test
  void aPolicyBuiltInCodeIsValidatedToo() {
    Policy invalid =
        new Policy(
            List.of(),
            List.of(new Policy.PriorityPolicy("ImageLocalityPriority", 0, null)),
            List.of(),
            0,
            false);

    assertThatThrownBy(() -> LegacyRegistry.translate(invalid))
        .hasMessageContaining(
            "Priority ImageLocalityPriority should have a positive weight applied to it or it has"
                + " overflown");
  }

  @Test
  void unknownNamesWithoutArgumentsAndInvalidPoliciesAreRejected() {
    assertThatThrownBy(() -> translate("{\"name\": \"NoSuchPredicate\"}", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid configuration: Predicate type not found for \"NoSuchPredicate\"");
    assertThatThrownBy(() -> translate("", "{\"name\": \"NoSuchPriority\", \"weight\": 1}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid configuration: Priority type not found for \"NoSuchPriority\"");
    assertThatThrownBy(() -> translate("", "{\"name\": \"ImageLocalityPriority\", \"weight\": 0}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "Priority ImageLocalityPriority should have a positive weight applied to it or it has"
                + " overflown");
  }
}
