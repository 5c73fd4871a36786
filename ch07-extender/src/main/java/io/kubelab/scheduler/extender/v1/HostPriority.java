package io.kubelab.scheduler.extender.v1;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One node's score from an extender's prioritize verb, on the extender scale 0 to {@code
 * MaxExtenderPriority} (10). The scheduler does not clamp it.
 *
 * <p>Upstream: {@code HostPriority} in {@code pkg/scheduler/apis/extender/v1/types.go} (v1.17;
 * {@code Score} became an {@code int64} in v1.17, an {@code int} before).
 *
 * @param host the node's name
 * @param score the node's score
 */
@JsonPropertyOrder({"Host", "Score"})
public record HostPriority(@JsonProperty("Host") String host, @JsonProperty("Score") long score) {

  public HostPriority {
    host = host == null ? "" : host;
  }
}
