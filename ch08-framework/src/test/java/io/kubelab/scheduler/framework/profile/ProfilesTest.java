package io.kubelab.scheduler.framework.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.scheduler.framework.FrameworkException;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.config.ExtensionPoint;
import io.kubelab.scheduler.framework.config.KubeSchedulerConfiguration;
import io.kubelab.scheduler.framework.config.KubeSchedulerConfigurationReader;
import io.kubelab.scheduler.framework.config.KubeSchedulerConfigurationReader.ConfigurationException;
import io.kubelab.scheduler.framework.config.Plugin;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Profiles from a {@code KubeSchedulerConfiguration} file: v1alpha2's defaults, upstream's
 * validation messages, and the framework errors ({@code NewFramework}, {@code NewMap}) each naming
 * the field that caused it.
 */
class ProfilesTest {

  private final Parallelizer parallelizer = new Parallelizer("profiles-test", 1);

  @AfterEach
  void close() {
    parallelizer.close();
  }

  private Map<String, FrameworkImpl> build(String yaml) {
    KubeSchedulerConfiguration c = KubeSchedulerConfigurationReader.read(yaml);
    return Profiles.newMap(
        c,
        () ->
            FrameworkImpl.builder(Profiles.registry())
                .clock(new FakeClock())
                .parallelizer(parallelizer));
  }

  private static String config(String body) {
    return "apiVersion: kubescheduler.config.k8s.io/v1alpha2\nkind: KubeSchedulerConfiguration\n"
        + body;
  }

  @Test
  void anEmptyFileIsOneDefaultSchedulerWithV118sDefaultPlugins() {
    Map<String, FrameworkImpl> m = build(config(""));

    assertThat(m).containsOnlyKeys("default-scheduler");
    FrameworkImpl f = m.get("default-scheduler");
    assertThat(f.pluginNames(ExtensionPoint.QUEUE_SORT)).containsExactly("PrioritySort");
    assertThat(f.pluginNames(ExtensionPoint.PRE_FILTER))
        .containsExactly("NodeResourcesFit", "NodePorts", "InterPodAffinity", "PodTopologySpread");
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
            "InterPodAffinity",
            "PodTopologySpread");
    assertThat(f.pluginNames(ExtensionPoint.PRE_SCORE))
        .containsExactly(
            "InterPodAffinity", "DefaultPodTopologySpread", "TaintToleration", "PodTopologySpread");
    assertThat(f.listPlugins().get("ScorePlugin"))
        .containsExactly(
            Plugin.of("NodeResourcesBalancedAllocation", 1),
            Plugin.of("ImageLocality", 1),
            Plugin.of("InterPodAffinity", 1),
            Plugin.of("NodeResourcesLeastAllocated", 1),
            Plugin.of("NodeAffinity", 1),
            Plugin.of("NodePreferAvoidPods", 10000),
            Plugin.of("DefaultPodTopologySpread", 1),
            Plugin.of("TaintToleration", 1),
            Plugin.of("PodTopologySpread", 1));
    assertThat(f.pluginNames(ExtensionPoint.BIND)).containsExactly("DefaultBinder");
  }

  @Test
  void profilesEnableAfterTheDefaultsAndDisableByNameOrStar() {
    Map<String, FrameworkImpl> m =
        build(
            config(
                """
                profiles:
                - schedulerName: default-scheduler
                - schedulerName: bin-packer
                  plugins:
                    score:
                      disabled:
                      - name: NodeResourcesLeastAllocated
                      enabled:
                      - name: NodeResourcesMostAllocated
                        weight: 5
                    preFilter:
                      disabled:
                      - name: "*"
                  pluginConfig:
                  - name: InterPodAffinity
                    args:
                      hardPodAffinityWeight: 10
                """));

    assertThat(m.keySet()).containsExactly("default-scheduler", "bin-packer");
    FrameworkImpl packer = m.get("bin-packer");
    assertThat(packer.listPlugins().get("ScorePlugin"))
        .contains(Plugin.of("NodeResourcesMostAllocated", 5))
        .doesNotContain(Plugin.of("NodeResourcesLeastAllocated", 1));
    assertThat(packer.pluginNames(ExtensionPoint.PRE_FILTER)).isEmpty();
  }

  @Test
  void anUnknownPluginNamesTheFieldAndTheProfile() {
    assertThatThrownBy(
            () ->
                build(
                    config(
                        """
                        profiles:
                        - schedulerName: s1
                          plugins:
                            filter:
                              enabled:
                              - name: Foo
                        """)))
        .isInstanceOf(FrameworkException.class)
        .hasMessage(
            "creating profile for scheduler name s1: profiles[0].plugins.filter.enabled[0].name:"
                + " FilterPlugin \"Foo\" does not exist");
  }

  @Test
  void aPluginEnabledTwiceAtOnePointIsADuplicate() {
    assertThatThrownBy(
            () ->
                build(
                    config(
                        """
                        profiles:
                        - plugins:
                            filter:
                              enabled:
                              - name: NodeName
                        """)))
        .hasMessage(
            "creating profile for scheduler name default-scheduler:"
                + " profiles[0].plugins.filter.enabled[0].name: plugin \"NodeName\" already"
                + " registered as \"FilterPlugin\"");
  }

  @Test
  void aNegativeWeightIsRejected() {
    assertThatThrownBy(
            () ->
                build(
                    config(
                        """
                        profiles:
                        - plugins:
                            score:
                              enabled:
                              - name: NodeResourcesMostAllocated
                                weight: -2
                        """)))
        .hasMessage(
            "creating profile for scheduler name default-scheduler:"
                + " profiles[0].plugins.score.enabled[0].weight: Invalid value: -2: must not be"
                + " negative (0 means 1)");
  }

  @Test
  void badArgumentsGiveThePluginsOwnValidationError() {
    assertThatThrownBy(
            () ->
                build(
                    config(
                        """
                        profiles:
                        - pluginConfig:
                          - name: InterPodAffinity
                            args:
                              hardPodAffinityWeight: 101
                        """)))
        .hasMessage(
            "creating profile for scheduler name default-scheduler: error initializing plugin"
                + " \"InterPodAffinity\": hardPodAffinityWeight: Invalid value: 101: not in valid"
                + " range [0-100]");
    assertThatThrownBy(
            () ->
                build(
                    config(
                        """
                        profiles:
                        - pluginConfig:
                          - name: NodeResourcesFit
                            args:
                              ignoredResource: [example.com/foo]
                        """)))
        .hasMessageContaining(
            "error initializing plugin \"NodeResourcesFit\": profiles[0].pluginConfig[0].args:"
                + " unknown field \"ignoredResource\" (known: ignoredResources)");
  }

  @Test
  void upstreamsValidationMessages() {
    assertThatThrownBy(
            () ->
                KubeSchedulerConfigurationReader.read(
                    config(
                        """
                        percentageOfNodesToScore: 101
                        profiles:
                        - schedulerName: a
                        - schedulerName: a
                        """)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "[profiles[1].schedulerName: Duplicate value: profiles[0].schedulerName,"
                + " percentageOfNodesToScore: Invalid value: 101: not in valid range [0-100]]");
    assertThatThrownBy(
            () ->
                KubeSchedulerConfigurationReader.read(
                    config(
                        """
                        profiles:
                        - schedulerName: a
                        - schedulerName: ""
                        """)))
        .hasMessage("profiles[1].schedulerName: Required value");
    assertThatThrownBy(
            () ->
                KubeSchedulerConfigurationReader.read(
                    config(
                        """
                        podInitialBackoffSeconds: 5
                        podMaxBackoffSeconds: 2
                        """)))
        .hasMessage(
            "podMaxBackoffSeconds: Invalid value: 2: must be greater than or equal to"
                + " PodInitialBackoffSeconds");
  }

  @Test
  void everyProfileMustUseTheSameQueueSort() {
    assertThatThrownBy(
            () ->
                KubeSchedulerConfigurationReader.read(
                    config(
                        """
                        profiles:
                        - schedulerName: a
                        - schedulerName: b
                          plugins:
                            queueSort:
                              disabled:
                              - name: "*"
                        """)))
        .hasMessage(
            "profiles[1].plugins.queueSort: Invalid value: {enabled: [], disabled: [*]}: has to"
                + " match for all profiles");
  }

  @Test
  void aProfileWithoutAQueueSortIsRejectedWhenBuilt() {
    KubeSchedulerConfiguration c =
        KubeSchedulerConfigurationReader.read(
            config(
                """
                profiles:
                - schedulerName: a
                  plugins:
                    queueSort:
                      disabled:
                      - name: "*"
                """));
    assertThatThrownBy(
            () ->
                Profiles.newMap(
                    c,
                    () ->
                        FrameworkImpl.builder(Profiles.registry())
                            .clock(new FakeClock())
                            .parallelizer(parallelizer)))
        .hasMessage("one queue sort plugin required for profile with scheduler name \"a\"");
  }

  @Test
  void unknownFieldsAndWrongTypesNameTheField() {
    assertThatThrownBy(
            () ->
                KubeSchedulerConfigurationReader.read(
                    config(
                        """
                        profiles:
                        - plugins:
                            filtr:
                              enabled: []
                        """)))
        .hasMessageStartingWith("profiles[0].plugins.filtr: unknown field (known: bind, filter,");
    assertThatThrownBy(
            () ->
                KubeSchedulerConfigurationReader.read(
                    config(
                        """
                        profiles:
                        - plugins:
                            score:
                              enabled:
                              - name: ImageLocality
                                weight: heavy
                        """)))
        .hasMessage("profiles[0].plugins.score.enabled[0].weight: cannot be read as an integer");
    assertThatThrownBy(
            () -> KubeSchedulerConfigurationReader.read("apiVersion: v1\nkind: Policy\n"))
        .hasMessage(
            "apiVersion/kind: want kubescheduler.config.k8s.io/v1alpha2/KubeSchedulerConfiguration,"
                + " got \"v1\"/\"Policy\"");
  }
}
