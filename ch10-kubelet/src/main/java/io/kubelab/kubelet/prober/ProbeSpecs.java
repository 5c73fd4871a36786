package io.kubelab.kubelet.prober;

import io.fabric8.kubernetes.api.model.Probe;
import java.util.ArrayList;
import java.util.List;

/**
 * A probe's settings as the kubelet reads them: API defaults applied, and the API server's
 * validation for pods that never went through one.
 *
 * <p>Upstream: {@code pkg/apis/core/v1/defaults.go} ({@code SetDefaults_Probe}: a timeout, period,
 * success or failure threshold that is unset <em>or zero</em> becomes 1 s, 10 s, 1 and 3) and
 * {@code pkg/apis/core/validation/validation.go} ({@code validateProbe}: every field non-negative,
 * exactly one handler; {@code validateContainers}: a liveness or startup probe's success threshold
 * must be 1). Manifests read without an API server lack both, so the kubelet applies them here.
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
    Integer v = p.getInitialDelaySeconds();
    return v == null ? 0 : v;
  }

  /**
   * The API server's errors for this probe, after defaulting, each naming the field ({@code where}
   * is the container's path, such as {@code Pod default/web: spec.containers[0]}); empty when the
   * probe is valid.
   */
  static List<String> validate(Probe p, ProbeType type, String where) {
    String field = where + "." + fieldName(type);
    List<String> errors = new ArrayList<>();
    int handlers = 0;
    for (String handler : List.of("exec", "httpGet", "tcpSocket")) {
      boolean set =
          switch (handler) {
            case "exec" -> p.getExec() != null;
            case "httpGet" -> p.getHttpGet() != null;
            default -> p.getTcpSocket() != null;
          };
      if (set && handlers++ > 0) {
        errors.add(field + "." + handler + ": Forbidden: may not specify more than 1 handler type");
      }
    }
    if (handlers == 0) {
      errors.add(field + ": Required value: must specify a handler type");
    }
    nonNegative(initialDelaySeconds(p), field + ".initialDelaySeconds", errors);
    nonNegative(timeoutSeconds(p), field + ".timeoutSeconds", errors);
    nonNegative(periodSeconds(p), field + ".periodSeconds", errors);
    nonNegative(successThreshold(p), field + ".successThreshold", errors);
    nonNegative(failureThreshold(p), field + ".failureThreshold", errors);
    if (type != ProbeType.READINESS && successThreshold(p) != 1) {
      errors.add(
          field + ".successThreshold: Invalid value: " + successThreshold(p) + ": must be 1");
    }
    return errors;
  }

  static String fieldName(ProbeType type) {
    return switch (type) {
      case LIVENESS -> "livenessProbe";
      case READINESS -> "readinessProbe";
      case STARTUP -> "startupProbe";
    };
  }

  private static void nonNegative(int value, String field, List<String> errors) {
    if (value < 0) {
      errors.add(field + ": Invalid value: " + value + ": must be greater than or equal to 0");
    }
  }

  /** {@code SetDefaults_Probe}: unset and zero both mean "the default". */
  private static int orDefault(Integer v, int d) {
    return v == null || v == 0 ? d : v;
  }
}
