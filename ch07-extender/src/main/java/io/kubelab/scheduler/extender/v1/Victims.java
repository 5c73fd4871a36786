package io.kubelab.scheduler.extender.v1;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * The victims preemption chose on one node, sent in full to an extender that keeps no node cache.
 *
 * <p>Upstream: {@code Victims} in {@code pkg/scheduler/apis/extender/v1/types.go} (v1.17); the
 * scheduler side of it is {@link io.kubelab.scheduler.algorithm.Victims}.
 *
 * @param pods the pods to evict, in the order preemption chose them; null for Go's nil slice
 * @param numPDBViolations how many of them a PodDisruptionBudget protects
 */
@JsonPropertyOrder({"Pods", "NumPDBViolations"})
public record Victims(
    @JsonProperty("Pods") List<Pod> pods, @JsonProperty("NumPDBViolations") long numPDBViolations) {

  public Victims {
    pods = Wire.copyOrNull(pods);
  }
}
