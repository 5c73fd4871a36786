package io.kubelab.scheduler.extender.v1;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The binding extender's answer: empty on success, else why binding failed.
 *
 * <p>Upstream: {@code ExtenderBindingResult} in {@code pkg/scheduler/apis/extender/v1/types.go}
 * (v1.17).
 *
 * @param error a non-empty message fails the binding
 */
public record ExtenderBindingResult(@JsonProperty("Error") String error) {

  public ExtenderBindingResult {
    error = error == null ? "" : error;
  }
}
