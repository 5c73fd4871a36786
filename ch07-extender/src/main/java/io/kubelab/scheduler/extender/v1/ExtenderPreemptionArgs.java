package io.kubelab.scheduler.extender.v1;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;

/**
 * What the scheduler sends to an extender's preempt verb: the preemptor and, per candidate node,
 * the victims preemption chose there: in full to an extender without a node cache, by UID to one
 * with. The other map is {@code null} on the wire.
 *
 * <p>Upstream: {@code ExtenderPreemptionArgs} in {@code pkg/scheduler/apis/extender/v1/types.go}
 * (v1.17).
 *
 * @param pod the pod that preempts
 * @param nodeNameToVictims node name → victims in full; null for a node-cache-capable extender
 * @param nodeNameToMetaVictims node name → victims by UID; null otherwise
 */
@JsonPropertyOrder({"Pod", "NodeNameToVictims", "NodeNameToMetaVictims"})
public record ExtenderPreemptionArgs(
    @JsonProperty("Pod") Pod pod,
    @JsonProperty("NodeNameToVictims") Map<String, Victims> nodeNameToVictims,
    @JsonProperty("NodeNameToMetaVictims") Map<String, MetaVictims> nodeNameToMetaVictims) {

  public ExtenderPreemptionArgs {
    nodeNameToVictims = Wire.copyOrNull(nodeNameToVictims);
    nodeNameToMetaVictims = Wire.copyOrNull(nodeNameToMetaVictims);
  }
}
