package io.kubelab.scheduler.extender.v1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/**
 * An extender's answer to a prioritize call: a JSON array of {@link HostPriority}. A host may
 * appear more than once (the scheduler adds up its scores) and hosts that were not asked about are
 * ignored.
 *
 * <p>Upstream: {@code HostPriorityList} ({@code []HostPriority}) in {@code
 * pkg/scheduler/apis/extender/v1/types.go} (v1.17).
 *
 * @param hosts the scores, in the extender's order; empty for {@code null} on the wire. A {@code
 *     null} element stays: Go reads it as the zero {@code HostPriority}, which scores no node
 */
public record HostPriorityList(@JsonValue List<HostPriority> hosts) {

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public HostPriorityList {
    hosts = hosts == null ? List.of() : Wire.copyOrNull(hosts);
  }
}
