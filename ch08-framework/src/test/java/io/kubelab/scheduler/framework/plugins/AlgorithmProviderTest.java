package io.kubelab.scheduler.framework.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelab.scheduler.framework.config.ExtensionPoint;
import io.kubelab.scheduler.framework.config.Plugin;
import io.kubelab.scheduler.framework.config.Plugins;
import org.junit.jupiter.api.Test;

/** {@code applyFeatureGates} (v1.18): what each gate adds to the default plugin sets. */
class AlgorithmProviderTest {

  @Test
  void withoutGatesNeitherPodTopologySpreadNorNodeResourceLimitsRuns() {
    Plugins p = AlgorithmProvider.defaultPlugins(AlgorithmProvider.FeatureGates.NONE);

    assertThat(p.enabled(ExtensionPoint.PRE_FILTER))
        .extracting(Plugin::name)
        .containsExactly("NodeResourcesFit", "NodePorts", "InterPodAffinity");
    assertThat(p.enabled(ExtensionPoint.PRE_SCORE))
        .extracting(Plugin::name)
        .containsExactly("InterPodAffinity", "DefaultPodTopologySpread", "TaintToleration");
    assertThat(p.enabled(ExtensionPoint.SCORE)).hasSize(8);
  }

  @Test
  void theResourceLimitsGateAddsNodeResourceLimitsToPreScoreAndScore() {
    Plugins p = AlgorithmProvider.defaultPlugins(new AlgorithmProvider.FeatureGates(true, true));

    assertThat(p.enabled(ExtensionPoint.PRE_SCORE))
        .extracting(Plugin::name)
        .containsExactly(
            "InterPodAffinity",
            "DefaultPodTopologySpread",
            "TaintToleration",
            "PodTopologySpread",
            "NodeResourceLimits");
    assertThat(p.enabled(ExtensionPoint.SCORE))
        .endsWith(Plugin.of("PodTopologySpread", 1), Plugin.of("NodeResourceLimits", 1));
    assertThat(p.enabled(ExtensionPoint.FILTER)).endsWith(Plugin.of("PodTopologySpread"));
  }
}
