package io.kubelab.scheduler.framework.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.scheduler.algorithm.AlgorithmConfig;
import io.kubelab.scheduler.algorithm.PriorityConfig;
import io.kubelab.scheduler.algorithm.policy.Policy;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.BindPlugin;
import io.kubelab.scheduler.framework.FrameworkException;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.QueueSortPlugin;
import io.kubelab.scheduler.framework.Registry;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.framework.config.ExtensionPoint;
import io.kubelab.scheduler.framework.config.KubeSchedulerConfiguration;
import io.kubelab.scheduler.framework.config.Plugin;
import io.kubelab.scheduler.framework.config.PluginConfig;
import io.kubelab.scheduler.framework.config.PluginSet;
import io.kubelab.scheduler.framework.config.Plugins;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code NewMap} and {@code cfgValidator} of {@code pkg/scheduler/profile/profile.go} (v1.18) on
 * configurations built directly, past the file reader's own validation, so that each of upstream's
 * checks is seen doing its work; and the extenders' ignored resources ({@code factory.go}).
 */
class ProfilesNewMapTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Parallelizer parallelizer = new Parallelizer("profiles-newmap-test", 1);

  @AfterEach
  void close() {
    parallelizer.close();
  }

  private static QueueSortPlugin queueSort(String name) {
    return new QueueSortPlugin() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean less(
          io.kubelab.scheduler.framework.PodInfo a, io.kubelab.scheduler.framework.PodInfo b) {
        return false;
      }
    };
  }

  private static final Registry REGISTRY =
      new Registry()
          .register("Sort", (args, h) -> queueSort("Sort"))
          .register("OtherSort", (args, h) -> queueSort("OtherSort"))
          .register(
              "Binder",
              (args, h) ->
                  new BindPlugin() {
                    @Override
                    public String name() {
                      return "Binder";
                    }

                    @Override
                    public Status bind(
                        io.kubelab.scheduler.framework.CycleState state,
                        io.fabric8.kubernetes.api.model.Pod pod,
                        String nodeName) {
                      return null;
                    }
                  });

  private static final Plugins DEFAULTS =
      Plugins.empty()
          .with(ExtensionPoint.QUEUE_SORT, PluginSet.enabled(Plugin.of("Sort")))
          .with(ExtensionPoint.BIND, PluginSet.enabled(Plugin.of("Binder")));

  private Map<String, FrameworkImpl> newMap(KubeSchedulerConfiguration.Profile... profiles) {
    return Profiles.newMap(
        new KubeSchedulerConfiguration(List.of(profiles), 0, false, 600, 1, 10),
        DEFAULTS,
        () -> FrameworkImpl.builder(REGISTRY).clock(new FakeClock()).parallelizer(parallelizer));
  }

  private static KubeSchedulerConfiguration.Profile profile(String name) {
    return new KubeSchedulerConfiguration.Profile(name, null, List.of(), null);
  }

  private static KubeSchedulerConfiguration.Profile profile(
      String name, Plugins plugins, PluginConfig... config) {
    return new KubeSchedulerConfiguration.Profile(name, plugins, List.of(config), null);
  }

  private static Plugins sortedBy(String queueSort) {
    return Plugins.empty()
        .with(
            ExtensionPoint.QUEUE_SORT,
            new PluginSet(List.of(Plugin.of(queueSort)), List.of(Plugin.of("*"))));
  }

  private static PluginConfig args(String plugin, String json) {
    return new PluginConfig(plugin, JSON.readTree(json), null);
  }

  @Test
  void eachProfileIsAFrameworkByItsSchedulerNameInOrder() {
    Map<String, FrameworkImpl> m = newMap(profile("b"), profile("a"));

    assertThat(m.keySet()).containsExactly("b", "a");
    assertThat(m.get("a").pluginNames(ExtensionPoint.QUEUE_SORT)).containsExactly("Sort");
  }

  @Test
  void aProfileNeedsASchedulerName() {
    assertThatThrownBy(() -> newMap(profile("")))
        .isInstanceOf(FrameworkException.class)
        .hasMessage("scheduler name is needed");
    assertThatThrownBy(() -> newMap(profile(null))).hasMessage("scheduler name is needed");
  }

  @Test
  void twoProfilesMayNotShareASchedulerName() {
    assertThatThrownBy(() -> newMap(profile("a"), profile("b"), profile("a")))
        .isInstanceOf(FrameworkException.class)
        .hasMessage("duplicate profile with scheduler name \"a\"");
  }

  @Test
  void everyProfileSortsWithTheFirstProfilesQueueSort() {
    assertThatThrownBy(() -> newMap(profile("a"), profile("b", sortedBy("OtherSort"))))
        .isInstanceOf(FrameworkException.class)
        .hasMessage(
            "different queue sort plugins for profile \"b\": \"OtherSort\", first: \"Sort\"");
  }

  @Test
  void everyProfileGivesTheQueueSortTheSameArguments() {
    assertThat(
            newMap(
                    profile("a", null, args("Sort", "{\"x\": 1}"), args("Binder", "{}")),
                    profile("b", null, args("Binder", "{\"y\": 2}"), args("Sort", "{\"x\": 1}")))
                .keySet())
        .containsExactly("a", "b");
    assertThatThrownBy(
            () ->
                newMap(
                    profile("a", null, args("Sort", "{\"x\": 1}")),
                    profile("b", null, args("Sort", "{\"x\": 2}"))))
        .isInstanceOf(FrameworkException.class)
        .hasMessage("different queue sort plugin args for profile \"b\": {\"x\":2}");
    assertThatThrownBy(() -> newMap(profile("a", null, args("Sort", "{\"x\": 1}")), profile("b")))
        .hasMessage("different queue sort plugin args for profile \"b\": null");
    assertThatThrownBy(() -> newMap(profile("a"), profile("b", null, args("Sort", "{\"x\": 1}"))))
        .hasMessage("different queue sort plugin args for profile \"b\": {\"x\":1}");
  }

  @Test
  void aFrameworkErrorNamesTheProfile() {
    Plugins missing =
        Plugins.empty().with(ExtensionPoint.FILTER, PluginSet.enabled(Plugin.of("Nope")));

    assertThatThrownBy(() -> newMap(profile("a", missing)))
        .isInstanceOf(FrameworkException.class)
        .hasMessage("creating profile for scheduler name a: FilterPlugin \"Nope\" does not exist");
  }

  // ---------------------------------------------------------------------------------------------
  // Extenders' ignored resources

  private static Policy.Extender extender(Policy.ExtenderManagedResource... managed) {
    return new Policy.Extender(
        "http://extender",
        "filter",
        null,
        null,
        1,
        null,
        false,
        null,
        null,
        false,
        List.of(managed),
        false);
  }

  private static String describe(List<PluginConfig> configs) {
    return configs.stream()
        .map(c -> c.name() + "@" + c.origin() + "=" + c.args())
        .collect(Collectors.joining("; "));
  }

  @Test
  void resourcesTheExtendersManageAndTheSchedulerIgnoresBecomeNodeResourcesFitArguments() {
    List<PluginConfig> configs =
        List.of(
            new PluginConfig(
                "NodeResourcesFit", JSON.readTree("{\"ignoredResources\": [\"a\"]}"), "p"),
            new PluginConfig(
                "InterPodAffinity", JSON.readTree("{\"hardPodAffinityWeight\": 2}"), "q"));

    List<PluginConfig> out =
        Profiles.withIgnoredResources(
            configs,
            List.of(
                extender(
                    new Policy.ExtenderManagedResource("example.com/gpu", true),
                    new Policy.ExtenderManagedResource("example.com/fpga", false)),
                extender(new Policy.ExtenderManagedResource("example.com/tpu", true))));

    assertThat(describe(out))
        .isEqualTo(
            "InterPodAffinity@q={\"hardPodAffinityWeight\":2};"
                + " NodeResourcesFit@extenders={\"ignoredResources\":[\"example.com/gpu\",\"example.com/tpu\"]}");
  }

  @Test
  void withoutIgnoredResourcesThePluginConfigIsUnchanged() {
    List<PluginConfig> configs = List.of(args("NodeResourcesFit", "{}"));

    assertThat(
            Profiles.withIgnoredResources(
                configs,
                List.of(extender(new Policy.ExtenderManagedResource("example.com/gpu", false)))))
        .isSameAs(configs);
    assertThat(Profiles.withIgnoredResources(configs, List.of())).isSameAs(configs);
  }

  // ---------------------------------------------------------------------------------------------
  // legacy-1.17

  @Test
  void theLegacyProfileIsV117sDefaultProviderPolicy() {
    AlgorithmConfig c = Profiles.legacy117(new Snapshot());

    assertThat(c.predicates())
        .containsKeys(
            "CheckNodeUnschedulable",
            "GeneralPredicates",
            "PodToleratesNodeTaints",
            "NoDiskConflict",
            "MaxEBSVolumeCount",
            "MaxGCEPDVolumeCount",
            "MaxCSIVolumeCountPred",
            "MaxAzureDiskVolumeCount",
            "CheckVolumeBinding",
            "NoVolumeZoneConflict",
            "MatchInterPodAffinity");
    assertThat(
            c.prioritizers().stream()
                .collect(Collectors.toMap(PriorityConfig::name, PriorityConfig::weight)))
        .isEqualTo(
            Map.of(
                "SelectorSpreadPriority", 1L,
                "InterPodAffinityPriority", 1L,
                "LeastRequestedPriority", 1L,
                "BalancedResourceAllocation", 1L,
                "NodePreferAvoidPodsPriority", 10000L,
                "NodeAffinityPriority", 1L,
                "TaintTolerationPriority", 1L,
                "ImageLocalityPriority", 1L));
    assertThat(c.alwaysCheckAllPredicates()).isFalse();
  }
}
