package io.kubelab.scheduler.extender.v1;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.NodeList;
import java.util.List;
import java.util.Map;

/**
 * An extender's answer to a filter call: the nodes that pass (in full or by name, as it was asked),
 * why each other node failed, or an error.
 *
 * <p>Upstream: {@code ExtenderFilterResult} and {@code FailedNodesMap} in {@code
 * pkg/scheduler/apis/extender/v1/types.go} (v1.17). Later releases add {@code
 * FailedAndUnresolvableNodes}; v1.17 and v1.18 have no such field, so every node an extender fails
 * is one preemption may still help.
 *
 * @param nodes the nodes that pass, when the extender was sent full nodes; else null
 * @param nodeNames the names of the nodes that pass, when it was sent names; else null
 * @param failedNodes node name → why it failed; null when none
 * @param error a non-empty message fails the call
 */
@JsonPropertyOrder({"Nodes", "NodeNames", "FailedNodes", "Error"})
public record ExtenderFilterResult(
    @JsonProperty("Nodes") NodeList nodes,
    @JsonProperty("NodeNames") List<String> nodeNames,
    @JsonProperty("FailedNodes") Map<String, String> failedNodes,
    @JsonProperty("Error") String error) {

  public ExtenderFilterResult {
    nodeNames = Wire.copyOrNull(nodeNames);
    failedNodes = Wire.copyOrNull(failedNodes);
    error = error == null ? "" : error;
  }
}
