package io.kubelab.scheduler.framework.plugins;

import io.kubelab.scheduler.algorithm.policy.Policy;
import io.kubelab.scheduler.framework.PluginArgs;
import io.kubelab.scheduler.framework.Registry;
import io.kubelab.scheduler.predicates.MaxPDVolumeCountChecker.VolumeFilter;
import io.kubelab.scheduler.priorities.BalancedResourceAllocation;
import io.kubelab.scheduler.priorities.LeastRequested;
import io.kubelab.scheduler.priorities.MostRequested;
import io.kubelab.scheduler.priorities.RequestedToCapacityRatio;
import java.util.List;

/**
 * The in-tree plugins by their upstream names.
 *
 * <p>Upstream: {@code NewInTreeRegistry} in {@code pkg/scheduler/framework/plugins/registry.go}
 * (v1.18), every plugin of it, in the same order.
 */
public final class InTreeRegistry {

  private InTreeRegistry() {}

  /**
   * The v1.18 in-tree plugins this registry does not have: none. Kept, empty, for callers that
   * checked a profile against it.
   */
  public static final List<String> MISSING = List.of();

  /** {@code NewInTreeRegistry}. */
  public static Registry create() {
    Registry r = new Registry();
    r.register(DefaultPodTopologySpread.NAME, (args, h) -> new DefaultPodTopologySpread(h));
    r.register(ImageLocality.NAME, (args, h) -> new ImageLocality(h));
    r.register(TaintToleration.NAME, (args, h) -> new TaintToleration(h));
    r.register(NodeName.NAME, (args, h) -> new NodeName());
    r.register(NodePorts.NAME, (args, h) -> new NodePorts());
    r.register(NodePreferAvoidPods.NAME, (args, h) -> new NodePreferAvoidPods(h));
    r.register(NodeAffinity.NAME, (args, h) -> new NodeAffinity(h));
    r.register(PodTopologySpread.NAME, (args, h) -> new PodTopologySpread(h));
    r.register(NodeUnschedulable.NAME, (args, h) -> new NodeUnschedulable());
    r.register(NodeResourcesFit.NAME, (args, h) -> new NodeResourcesFit(args));
    r.register(
        ResourceScorePlugin.BALANCED_ALLOCATION,
        (args, h) ->
            new ResourceScorePlugin(
                ResourceScorePlugin.BALANCED_ALLOCATION,
                BalancedResourceAllocation.BALANCED_RESOURCE_PRIORITY,
                h));
    r.register(
        ResourceScorePlugin.MOST_ALLOCATED,
        (args, h) ->
            new ResourceScorePlugin(
                ResourceScorePlugin.MOST_ALLOCATED, MostRequested.MOST_RESOURCE_PRIORITY, h));
    r.register(
        ResourceScorePlugin.LEAST_ALLOCATED,
        (args, h) ->
            new ResourceScorePlugin(
                ResourceScorePlugin.LEAST_ALLOCATED, LeastRequested.LEAST_RESOURCE_PRIORITY, h));
    r.register(
        ResourceScorePlugin.REQUESTED_TO_CAPACITY_RATIO,
        (args, h) ->
            new ResourceScorePlugin(
                ResourceScorePlugin.REQUESTED_TO_CAPACITY_RATIO,
                requestedToCapacityRatio(args),
                h));
    r.register(NodeResourceLimits.NAME, (args, h) -> new NodeResourceLimits(h));
    r.register(VolumeBinding.NAME, (args, h) -> new VolumeBinding(h));
    r.register(VolumeRestrictions.NAME, (args, h) -> new VolumeRestrictions());
    r.register(VolumeZone.NAME, (args, h) -> new VolumeZone(h));
    r.register(NodeVolumeLimits.NAME, (args, h) -> new NodeVolumeLimits(h));
    r.register(
        NonCsiLimits.EBS_NAME,
        (args, h) -> new NonCsiLimits(NonCsiLimits.EBS_NAME, VolumeFilter.EBS, h));
    r.register(
        NonCsiLimits.GCE_PD_NAME,
        (args, h) -> new NonCsiLimits(NonCsiLimits.GCE_PD_NAME, VolumeFilter.GCE_PD, h));
    r.register(
        NonCsiLimits.AZURE_DISK_NAME,
        (args, h) -> new NonCsiLimits(NonCsiLimits.AZURE_DISK_NAME, VolumeFilter.AZURE_DISK, h));
    r.register(
        NonCsiLimits.CINDER_NAME,
        (args, h) -> new NonCsiLimits(NonCsiLimits.CINDER_NAME, VolumeFilter.CINDER, h));
    r.register(InterPodAffinity.NAME, InterPodAffinity::new);
    r.register(NodeLabel.NAME, NodeLabel::new);
    r.register(ServiceAffinity.NAME, ServiceAffinity::new);
    r.register(PrioritySort.NAME, (args, h) -> new PrioritySort());
    r.register(DefaultBinder.NAME, (args, h) -> new DefaultBinder(h));
    return r;
  }

  /**
   * {@code NewRequestedToCapacityRatio}: arguments {@code shape} (utilization 0..100 → score 0..10,
   * scaled to 0..100) and {@code resources} (name, weight), as the Policy argument of the same name
   * (chapter 04's {@link RequestedToCapacityRatio#fromPolicy}).
   */
  private static io.kubelab.scheduler.priorities.ResourceAllocationPriority
      requestedToCapacityRatio(PluginArgs args) {
    RatioArgs a = args.decode(RatioArgs.class, () -> new RatioArgs(null, null));
    return RequestedToCapacityRatio.fromPolicy(
        new Policy.RequestedToCapacityRatioArguments(a.shape(), a.resources()));
  }

  /** {@code RequestedToCapacityRatioArgs}. */
  record RatioArgs(List<Policy.UtilizationShapePoint> shape, List<Policy.ResourceSpec> resources) {
    RatioArgs {
      shape = shape == null ? List.of() : shape;
      resources = resources == null ? List.of() : resources;
    }
  }
}
