package io.kubelab.scheduler.extender.v1;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.NodeList;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * What the scheduler sends to an extender's filter and prioritize verbs: the pod and the candidate
 * nodes, either in full ({@code Nodes}) or, to an extender that keeps its own node cache, by name
 * only ({@code NodeNames}). The scheduler sets exactly one of the two; the other is {@code null} on
 * the wire.
 *
 * <p>Upstream: {@code ExtenderArgs} in {@code pkg/scheduler/apis/extender/v1/types.go} (v1.17).
 *
 * @param pod the pod being scheduled
 * @param nodes the candidate nodes, when the extender is not node-cache-capable; else null
 * @param nodeNames the candidate nodes' names, when it is; else null
 */
@JsonPropertyOrder({"Pod", "Nodes", "NodeNames"})
public record ExtenderArgs(
    @JsonProperty("Pod") Pod pod,
    @JsonProperty("Nodes") NodeList nodes,
    @JsonProperty("NodeNames") List<String> nodeNames) {

  public ExtenderArgs {
    nodeNames = Wire.copyOrNull(nodeNames);
  }
}
