package io.kubelab.scheduler.framework.plugins;

import io.kubelab.scheduler.framework.config.ExtensionPoint;
import io.kubelab.scheduler.framework.config.Plugin;
import io.kubelab.scheduler.framework.config.PluginSet;
import io.kubelab.scheduler.framework.config.Plugins;
import java.util.ArrayList;
import java.util.List;

/**
 * The default plugin sets of v1.18: what a profile runs before its own enable and disable lists.
 *
 * <p>Upstream: {@code getDefaultConfig} and {@code applyFeatureGates} in {@code
 * pkg/scheduler/algorithmprovider/registry.go} (v1.18), in the same order with the same weights
 * (NodePreferAvoidPods 10000, every other score plugin 1); with the EvenPodsSpread gate
 * PodTopologySpread joins PreFilter, Filter, PreScore and Score (weight 1). v1.18 has no default
 * Reserve, Permit, PreBind or PostBind plugin: the volume binder is still called by the scheduler
 * itself. Upstream's ClusterAutoscalerProvider (MostAllocated for LeastAllocated) is chosen by the
 * {@code --algorithm-provider} flag only, which kubelab's configuration file has no place for.
 */
public final class AlgorithmProvider {

  private AlgorithmProvider() {}

  /**
   * The feature gates {@code applyFeatureGates} reads.
   *
   * @param evenPodsSpread beta and on by default in v1.18
   * @param resourceLimitsPriorityFunction alpha and off by default
   */
  public record FeatureGates(boolean evenPodsSpread, boolean resourceLimitsPriorityFunction) {
    /** v1.18's defaults. */
    public static final FeatureGates V1_18 = new FeatureGates(true, false);

    /** Both off: what the sets were before the gates. */
    public static final FeatureGates NONE = new FeatureGates(false, false);
  }

  /** {@code getDefaultConfig} with {@code applyFeatureGates}. */
  public static Plugins defaultPlugins(FeatureGates gates) {
    Plugins p =
        Plugins.empty()
            .with(ExtensionPoint.QUEUE_SORT, set(PrioritySort.NAME))
            .with(
                ExtensionPoint.PRE_FILTER,
                set(NodeResourcesFit.NAME, NodePorts.NAME, InterPodAffinity.NAME))
            .with(
                ExtensionPoint.FILTER,
                set(
                    NodeUnschedulable.NAME,
                    NodeResourcesFit.NAME,
                    NodeName.NAME,
                    NodePorts.NAME,
                    NodeAffinity.NAME,
                    VolumeRestrictions.NAME,
                    TaintToleration.NAME,
                    NonCsiLimits.EBS_NAME,
                    NonCsiLimits.GCE_PD_NAME,
                    NodeVolumeLimits.NAME,
                    NonCsiLimits.AZURE_DISK_NAME,
                    VolumeBinding.NAME,
                    VolumeZone.NAME,
                    InterPodAffinity.NAME))
            .with(
                ExtensionPoint.PRE_SCORE,
                set(InterPodAffinity.NAME, DefaultPodTopologySpread.NAME, TaintToleration.NAME))
            .with(
                ExtensionPoint.SCORE,
                PluginSet.enabled(
                    Plugin.of(ResourceScorePlugin.BALANCED_ALLOCATION, 1),
                    Plugin.of(ImageLocality.NAME, 1),
                    Plugin.of(InterPodAffinity.NAME, 1),
                    Plugin.of(ResourceScorePlugin.LEAST_ALLOCATED, 1),
                    Plugin.of(NodeAffinity.NAME, 1),
                    Plugin.of(NodePreferAvoidPods.NAME, 10000),
                    Plugin.of(DefaultPodTopologySpread.NAME, 1),
                    Plugin.of(TaintToleration.NAME, 1)))
            .with(ExtensionPoint.BIND, set(DefaultBinder.NAME));
    return applyFeatureGates(p, gates);
  }

  private static Plugins applyFeatureGates(Plugins p, FeatureGates gates) {
    if (gates.evenPodsSpread()) {
      p = append(p, ExtensionPoint.PRE_FILTER, Plugin.of(PodTopologySpread.NAME));
      p = append(p, ExtensionPoint.FILTER, Plugin.of(PodTopologySpread.NAME));
      p = append(p, ExtensionPoint.PRE_SCORE, Plugin.of(PodTopologySpread.NAME));
      p = append(p, ExtensionPoint.SCORE, Plugin.of(PodTopologySpread.NAME, 1));
    }
    if (gates.resourceLimitsPriorityFunction()) {
      p = append(p, ExtensionPoint.PRE_SCORE, Plugin.of(NodeResourceLimits.NAME));
      p = append(p, ExtensionPoint.SCORE, Plugin.of(NodeResourceLimits.NAME, 1));
    }
    return p;
  }

  private static Plugins append(Plugins p, ExtensionPoint point, Plugin plugin) {
    List<Plugin> l = new ArrayList<>(p.enabled(point));
    l.add(plugin);
    return p.with(point, new PluginSet(l, List.of()));
  }

  private static PluginSet set(String... names) {
    List<Plugin> l = new ArrayList<>();
    for (String n : names) {
      l.add(Plugin.of(n));
    }
    return new PluginSet(l, List.of());
  }
}
