package io.kubelab.scheduler.extender.v1;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * What the scheduler sends to the binding extender: which pod goes to which node.
 *
 * <p>Upstream: {@code ExtenderBindingArgs} in {@code pkg/scheduler/apis/extender/v1/types.go}
 * (v1.17), filled from the {@code v1.Binding} the scheduler would otherwise post to the API server.
 *
 * @param podName the binding's (the pod's) name
 * @param podNamespace its namespace
 * @param podUID its UID
 * @param node the node the scheduler chose
 */
@JsonPropertyOrder({"PodName", "PodNamespace", "PodUID", "Node"})
public record ExtenderBindingArgs(
    @JsonProperty("PodName") String podName,
    @JsonProperty("PodNamespace") String podNamespace,
    @JsonProperty("PodUID") String podUID,
    @JsonProperty("Node") String node) {

  public ExtenderBindingArgs {
    podName = podName == null ? "" : podName;
    podNamespace = podNamespace == null ? "" : podNamespace;
    podUID = podUID == null ? "" : podUID;
    node = node == null ? "" : node;
  }
}
