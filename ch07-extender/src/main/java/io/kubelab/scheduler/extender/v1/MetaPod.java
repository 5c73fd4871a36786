package io.kubelab.scheduler.extender.v1;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A pod named by its UID only.
 *
 * <p>Upstream: {@code MetaPod} in {@code pkg/scheduler/apis/extender/v1/types.go} (v1.17).
 *
 * @param uid the pod's {@code metadata.uid}
 */
public record MetaPod(@JsonProperty("UID") String uid) {

  public MetaPod {
    uid = uid == null ? "" : uid;
  }
}
