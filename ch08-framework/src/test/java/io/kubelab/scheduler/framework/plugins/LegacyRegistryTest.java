package io.kubelab.scheduler.framework.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.scheduler.algorithm.policy.Policies;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.config.ExtensionPoint;
import io.kubelab.scheduler.framework.config.Plugin;
import io.kubelab.scheduler.framework.profile.Profiles;
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
}
