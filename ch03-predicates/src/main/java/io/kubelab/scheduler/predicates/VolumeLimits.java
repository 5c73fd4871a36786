package io.kubelab.scheduler.predicates;

import io.kubelab.apimachinery.resource.ResourceNames;
import io.kubelab.scheduler.cache.NodeInfo;
import java.util.HashMap;
import java.util.Map;

/**
 * Upstream's {@code NodeInfo.VolumeLimits} ({@code pkg/scheduler/nodeinfo/node_info.go}, v1.17):
 * the node's {@code attachable-volumes-*} allocatables, by name, from the NodeInfo's allocatable
 * resource vector. A limit of 0 ("attach nothing") is a limit too: the vector keeps scalar
 * resources named with zero, as upstream's {@code ScalarResources} map does.
 */
final class VolumeLimits {

  private VolumeLimits() {}

  static Map<String, Long> of(NodeInfo nodeInfo) {
    Map<String, Long> limits = new HashMap<>();
    nodeInfo
        .allocatableResource()
        .scalarResources()
        .forEach(
            (name, amount) -> {
              if (ResourceNames.isAttachableVolumeResourceName(name)) {
                limits.put(name, amount);
              }
            });
    return limits;
  }
}
