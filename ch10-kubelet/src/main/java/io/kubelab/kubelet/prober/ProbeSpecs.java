package io.kubelab.kubelet.prober;

import io.fabric8.kubernetes.api.model.Probe;

/**
 * The API defaults of a probe, applied here because manifests read without API-server defaulting
 * leave the fields unset, and a clear error for values the API server would reject.
 *
 * <p>Upstream: {@code pkg/apis/core/v1/defaults.go} ({@code SetDefaults_Probe}: timeout 1 s, period
 * 10 s, success threshold 1, failure threshold 3) and {@code
 * pkg/apis/core/validation/validation.go} ({@code validateProbe}: all non-negative, period, timeout
 * and thresholds at least 1, success threshold exactly 1 for liveness and startup).
 */
final class ProbeSpecs {
  private ProbeSpecs() {}

  static int timeoutSeconds(Probe p) {
    return orDefault(p.getTimeoutSeconds(), 1);
  }

  static int periodSeconds(Probe p) {
    return orDefault(p.getPeriodSeconds(), 10);
  }

  static int successThreshold(Probe p) {
    return orDefault(p.getSuccessThreshold(), 1);
  }

  static int failureThreshold(Probe p) {
    return orDefault(p.getFailureThreshold(), 3);
  }

  static int initialDelaySeconds(Probe p) {
    return orDefault(p.getInitialDelaySeconds(), 0);
  }

  /**
   * @throws IllegalArgumentException naming the pod, container and field of an invalid value
   */
  static void validate(Probe p, ProbeType type, String where) {
    String field = where + "." + fieldName(type);
    atLeast(timeoutSeconds(p), 1, field + ".timeoutSeconds");
    atLeast(periodSeconds(p), 1, field + ".periodSeconds");
    atLeast(successThreshold(p), 1, field + ".successThreshold");
    atLeast(failureThreshold(p), 1, field + ".failureThreshold");
    atLeast(initialDelaySeconds(p), 0, field + ".initialDelaySeconds");
    if (type != ProbeType.READINESS && successThreshold(p) != 1) {
      throw new IllegalArgumentException(
          field + ".successThreshold: Invalid value: " + successThreshold(p) + ": must be 1");
    }
  }

  static String fieldName(ProbeType type) {
    return switch (type) {
      case LIVENESS -> "livenessProbe";
      case READINESS -> "readinessProbe";
      case STARTUP -> "startupProbe";
    };
  }

  private static void atLeast(int value, int min, String field) {
    if (value < min) {
      throw new IllegalArgumentException(
          field + ": Invalid value: " + value + ": must be greater than or equal to " + min);
    }
  }

  private static int orDefault(Integer v, int d) {
    return v == null ? d : v;
  }
}
