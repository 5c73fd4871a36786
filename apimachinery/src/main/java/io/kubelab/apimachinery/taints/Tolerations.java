package io.kubelab.apimachinery.taints;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Taint and toleration matching, written once.
 *
 * <p>Upstream: {@code Toleration.ToleratesTaint} in {@code k8s.io/api/core/v1/toleration.go} and
 * {@code TolerationsTolerateTaint}, {@code FindMatchingUntoleratedTaint} in {@code
 * pkg/apis/core/v1/helper/helpers.go} (v1.18). An empty toleration effect matches every effect; an
 * empty key matches every key (with {@code Exists}, a toleration of everything); an empty operator
 * means {@code Equal}, which compares values; an unknown operator tolerates nothing.
 */
public final class Tolerations {

  public static final String EFFECT_NO_SCHEDULE = "NoSchedule";
  public static final String EFFECT_PREFER_NO_SCHEDULE = "PreferNoSchedule";
  public static final String EFFECT_NO_EXECUTE = "NoExecute";
  public static final String OP_EQUAL = "Equal";
  public static final String OP_EXISTS = "Exists";

  private Tolerations() {}

  /** Does toleration {@code t} tolerate {@code taint}? */
  public static boolean toleratesTaint(Toleration t, Taint taint) {
    if (!isEmpty(t.getEffect()) && !t.getEffect().equals(taint.getEffect())) {
      return false;
    }
    if (!isEmpty(t.getKey()) && !t.getKey().equals(taint.getKey())) {
      return false;
    }
    String op = t.getOperator();
    if (isEmpty(op) || OP_EQUAL.equals(op)) {
      return Objects.equals(emptyIfNull(t.getValue()), emptyIfNull(taint.getValue()));
    }
    return OP_EXISTS.equals(op);
  }

  /** Does any of {@code tolerations} tolerate {@code taint}? */
  public static boolean tolerationsTolerateTaint(List<Toleration> tolerations, Taint taint) {
    if (tolerations == null) {
      return false;
    }
    for (Toleration t : tolerations) {
      if (toleratesTaint(t, taint)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The first taint that passes {@code inclusionFilter} and that no toleration tolerates.
   * Upstream's {@code FindMatchingUntoleratedTaint}.
   */
  public static Optional<Taint> findMatchingUntoleratedTaint(
      List<Taint> taints, List<Toleration> tolerations, Predicate<Taint> inclusionFilter) {
    if (taints == null) {
      return Optional.empty();
    }
    for (Taint taint : taints) {
      if (inclusionFilter != null && !inclusionFilter.test(taint)) {
        continue;
      }
      if (!tolerationsTolerateTaint(tolerations, taint)) {
        return Optional.of(taint);
      }
    }
    return Optional.empty();
  }

  /** True when every taint passing the filter is tolerated. */
  public static boolean tolerateAll(
      List<Taint> taints, List<Toleration> tolerations, Predicate<Taint> inclusionFilter) {
    return findMatchingUntoleratedTaint(taints, tolerations, inclusionFilter).isEmpty();
  }

  private static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }

  private static String emptyIfNull(String s) {
    return s == null ? "" : s;
  }
}
