package io.kubelab.scheduler.predicates;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kubelab.apimachinery.resource.Quantities;
import io.kubelab.apimachinery.resource.ResourceNames;
import io.kubelab.scheduler.cache.NodeInfo;
import java.util.HashMap;
import java.util.Map;

/**
 * Upstream's {@code NodeInfo.VolumeLimits} ({@code pkg/scheduler/nodeinfo/node_info.go}, v1.17):
 * the node's {@code attachable-volumes-*} allocatables, by name. A limit of 0 ("attach nothing") is
 * a limit too and must be kept.
 */
final class VolumeLimits {

  private VolumeLimits() {}

  /**
   * The limits of the node. Read from the node object: ch01's resource vector drops zero amounts,
   * and a dropped 0 would read as "no limit".
   */
  static Map<String, Long> of(NodeInfo nodeInfo) {
    Map<String, Long> limits = new HashMap<>();
    Node node = nodeInfo.node();
    Map<String, Quantity> alloc =
        node.getStatus() == null ? null : node.getStatus().getAllocatable();
    if (alloc == null) {
      return limits;
    }
    alloc.forEach(
        (k, q) -> {
          if (ResourceNames.isAttachableVolumeResourceName(k)) {
            limits.put(
                k,
                Quantities.value(
                    q, "Node " + node.getMetadata().getName() + ": status.allocatable." + k));
          }
        });
    return limits;
  }
}
