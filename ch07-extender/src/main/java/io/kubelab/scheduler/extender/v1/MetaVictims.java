package io.kubelab.scheduler.extender.v1;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The victims on one node by UID: what a node-cache-capable extender is sent, and what every
 * extender answers a preempt call with.
 *
 * <p>Upstream: {@code MetaVictims} in {@code pkg/scheduler/apis/extender/v1/types.go} (v1.17). The
 * scheduler never fills {@code NumPDBViolations} when it builds one and never reads it from an
 * answer: it is 0 in both directions (see {@code HttpExtender}).
 *
 * @param pods the victims' UIDs; null for Go's nil slice
 * @param numPDBViolations how many of them a PodDisruptionBudget protects, as far as the writer
 *     says
 */
@JsonPropertyOrder({"Pods", "NumPDBViolations"})
public record MetaVictims(
    @JsonProperty("Pods") List<MetaPod> pods,
    @JsonProperty("NumPDBViolations") long numPDBViolations) {

  public MetaVictims {
    pods = Wire.copyOrNull(pods);
  }
}
