package io.kubelab.scheduler.extender.v1;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * An extender's answer to a preempt call: the candidate nodes it accepts and, for each, the victims
 * by UID. Nodes it leaves out are no longer candidates.
 *
 * <p>Upstream: {@code ExtenderPreemptionResult} in {@code pkg/scheduler/apis/extender/v1/types.go}
 * (v1.17).
 *
 * @param nodeNameToMetaVictims node name → victims by UID; null (Go's nil map) means none
 */
public record ExtenderPreemptionResult(
    @JsonProperty("NodeNameToMetaVictims") Map<String, MetaVictims> nodeNameToMetaVictims) {

  public ExtenderPreemptionResult {
    nodeNameToMetaVictims = Wire.copyOrNull(nodeNameToMetaVictims);
  }
}
