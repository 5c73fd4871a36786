package io.kubelab.scheduler.framework.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelab.scheduler.algorithm.policy.Policy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code ValidateKubeSchedulerConfiguration} (v1.18) on configurations built in code: the limits of
 * each range, the profiles' names and their common queue sort, the extenders.
 */
class KubeSchedulerConfigurationValidationTest {

  private static KubeSchedulerConfiguration.Profile profile(String name, Plugins plugins) {
    return new KubeSchedulerConfiguration.Profile(name, plugins, List.of(), null);
  }

  private static KubeSchedulerConfiguration config(
      int percentage, long initialBackoff, long maxBackoff) {
    return new KubeSchedulerConfiguration(
        List.of(profile("default-scheduler", null)),
        percentage,
        false,
        600,
        initialBackoff,
        maxBackoff);
  }

  private static Plugins queueSort(PluginSet set) {
    return Plugins.empty().with(ExtensionPoint.QUEUE_SORT, set);
  }

  private static List<String> validate(KubeSchedulerConfiguration.Profile... profiles) {
    return new KubeSchedulerConfiguration(List.of(profiles), 0, false, 600, 1, 10).validate();
  }

  @Test
  void theRangesIncludeTheirLimits() {
    assertThat(config(0, 1, 1).validate()).isEmpty();
    assertThat(config(100, 1, 1).validate()).isEmpty();
    assertThat(config(101, 1, 1).validate())
        .containsExactly(
            "percentageOfNodesToScore: Invalid value: 101: not in valid range [0-100]");
    assertThat(config(-1, 1, 1).validate())
        .containsExactly("percentageOfNodesToScore: Invalid value: -1: not in valid range [0-100]");
    assertThat(config(0, 0, 0).validate())
        .containsExactly("podInitialBackoffSeconds: Invalid value: 0: must be greater than 0");
    assertThat(config(0, 3, 2).validate())
        .containsExactly(
            "podMaxBackoffSeconds: Invalid value: 2: must be greater than or equal to"
                + " PodInitialBackoffSeconds");
  }

  @Test
  void atLeastOneProfileWithANameIsRequired() {
    assertThat(validate()).containsExactly("profiles: Required value");
    assertThat(validate(profile(null, null)))
        .containsExactly("profiles[0].schedulerName: Required value");
    assertThat(validate(profile("", null)))
        .containsExactly("profiles[0].schedulerName: Required value");
    assertThat(validate(profile("a", null), profile("b", null), profile("a", null)))
        .containsExactly("profiles[2].schedulerName: Duplicate value: profiles[0].schedulerName");
  }

  @Test
  void everyProfileMustHaveTheSameQueueSortSet() {
    PluginSet sort = PluginSet.enabled(Plugin.of("PrioritySort"));
    // Where it was read from does not matter, only names and weights.
    PluginSet sameReadElsewhere =
        PluginSet.enabled(new Plugin("PrioritySort", 0, "profiles[1].plugins.queueSort"));

    assertThat(validate(profile("a", null), profile("b", null))).isEmpty();
    assertThat(validate(profile("a", Plugins.empty()), profile("b", null))).isEmpty();
    assertThat(validate(profile("a", queueSort(sort)), profile("b", queueSort(sameReadElsewhere))))
        .isEmpty();

    assertThat(validate(profile("a", queueSort(sort)), profile("b", null)))
        .containsExactly(
            "profiles[1].plugins.queueSort: Invalid value: \"null\": has to match for all"
                + " profiles");
    assertThat(validate(profile("a", null), profile("b", queueSort(sort))))
        .containsExactly(
            "profiles[1].plugins.queueSort: Invalid value: {enabled: [PrioritySort], disabled:"
                + " []}: has to match for all profiles");
    assertThat(
            validate(
                profile("a", queueSort(sort)),
                profile("b", queueSort(PluginSet.enabled(Plugin.of("PrioritySort", 2))))))
        .hasSize(1);
    assertThat(
            validate(
                profile("a", queueSort(sort)),
                profile(
                    "b",
                    queueSort(
                        new PluginSet(
                            List.of(Plugin.of("PrioritySort")), List.of(Plugin.of("*")))))))
        .containsExactly(
            "profiles[1].plugins.queueSort: Invalid value: {enabled: [PrioritySort], disabled:"
                + " [*]}: has to match for all profiles");
    // An empty set is not a missing one (cmp.Equal of two pointers).
    assertThat(validate(profile("a", queueSort(PluginSet.EMPTY)), profile("b", null))).hasSize(1);
  }

  private static Policy.Extender extender(String prioritizeVerb, long weight, String bindVerb) {
    return new Policy.Extender(
        "http://e",
        null,
        null,
        prioritizeVerb,
        weight,
        bindVerb,
        false,
        null,
        Duration.ZERO,
        false,
        List.of(),
        false);
  }

  private static List<String> validateExtenders(Policy.Extender... extenders) {
    return new KubeSchedulerConfiguration(
            List.of(profile("default-scheduler", null)), 0, false, 600, 1, 10, List.of(extenders))
        .validate();
  }

  @Test
  void anExtenderNeedsAWeightOnlyWhenItPrioritizes() {
    assertThat(validateExtenders(extender(null, 0, null))).isEmpty();
    assertThat(validateExtenders(extender("", 0, ""))).isEmpty();
    assertThat(validateExtenders(extender("prioritize", 1, null))).isEmpty();
    assertThat(validateExtenders(extender("prioritize", 0, null)))
        .containsExactly(
            "extenders[0].weight: Invalid value: 0: must have a positive weight applied to it");
  }

  @Test
  void onlyOneExtenderMayBind() {
    assertThat(
            validateExtenders(
                extender(null, 0, "bind"), extender(null, 0, null), extender(null, 0, "")))
        .isEmpty();
    assertThat(validateExtenders(extender(null, 0, "bind"), extender(null, 0, "bind")))
        .containsExactly(
            "extenders: Invalid value: \"found 2 extenders implementing bind\": only one extender"
                + " can implement bind");
  }

  @Test
  void noExtendersIsAnEmptyList() {
    KubeSchedulerConfiguration c =
        new KubeSchedulerConfiguration(
            List.of(profile("default-scheduler", null)), 0, false, 600, 1, 10, null);

    assertThat(c.extenders()).isEmpty();
    assertThat(c.validate()).isEmpty();
  }

  @Test
  void pluginsAreValues() {
    Plugins a =
        Plugins.empty().with(ExtensionPoint.SCORE, PluginSet.enabled(Plugin.of("ImageLocality")));
    Plugins b =
        Plugins.empty().with(ExtensionPoint.SCORE, PluginSet.enabled(Plugin.of("ImageLocality")));

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(Plugins.empty());
    assertThat(a).isNotEqualTo("Plugins");
    assertThat(a.with(ExtensionPoint.SCORE, null)).isEqualTo(Plugins.empty());
    assertThat(a.enabled(ExtensionPoint.SCORE)).containsExactly(Plugin.of("ImageLocality"));
    assertThat(a.enabled(ExtensionPoint.FILTER)).isEmpty();
  }

  @Test
  void aPluginSetWithNullListsHasEmptyOnes() {
    PluginSet s = new PluginSet(null, null);

    assertThat(s.enabled()).isEmpty();
    assertThat(s.disabled()).isEmpty();
    assertThat(s).isEqualTo(PluginSet.EMPTY);
  }
}
