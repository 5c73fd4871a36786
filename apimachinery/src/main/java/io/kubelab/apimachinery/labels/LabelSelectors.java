package io.kubelab.apimachinery.labels;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compiles {@code metav1.LabelSelector}s ({@code matchLabels} + {@code matchExpressions}).
 *
 * <p>Upstream: {@code LabelSelectorAsSelector} in {@code
 * k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go}. A null selector selects nothing; an empty one
 * selects everything. {@code In}/{@code NotIn} need at least one value, {@code Exists}/{@code
 * DoesNotExist} none; anything else is an error naming the field.
 */
public final class LabelSelectors {

  private LabelSelectors() {}

  /**
   * Compiles {@code selector}.
   *
   * @param what the object and field, for errors: {@code Pod default/web-1:
   *     spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector}
   * @throws InvalidSelectorException on an unknown operator or wrong number of values
   */
  public static Selector compile(LabelSelector selector, String what) {
    if (selector == null) {
      return Selector.NOTHING;
    }
    Map<String, String> ml = selector.getMatchLabels();
    List<LabelSelectorRequirement> me = selector.getMatchExpressions();
    if ((ml == null || ml.isEmpty()) && (me == null || me.isEmpty())) {
      return Selector.EVERYTHING;
    }
    List<Requirement> reqs = new ArrayList<>();
    if (ml != null) {
      for (Map.Entry<String, String> e : new TreeMap<>(ml).entrySet()) {
        reqs.add(new Requirement(e.getKey(), Requirement.Operator.IN, Set.of(e.getValue())));
      }
    }
    if (me != null) {
      for (int i = 0; i < me.size(); i++) {
        LabelSelectorRequirement r = me.get(i);
        String field = what + ".matchExpressions[" + i + "]";
        reqs.add(requirement(r.getKey(), r.getOperator(), r.getValues(), field, false));
      }
    }
    return new Selector(reqs, false);
  }

  /** A selector equal to the given labels ({@code spec.nodeSelector}, service selectors). */
  public static Selector fromMap(Map<String, String> labels) {
    if (labels == null || labels.isEmpty()) {
      return Selector.EVERYTHING;
    }
    List<Requirement> reqs = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
      reqs.add(new Requirement(e.getKey(), Requirement.Operator.IN, Set.of(e.getValue())));
    }
    return new Selector(reqs, false);
  }

  /** Builds one requirement, validating operator and values the way upstream does. */
  static Requirement requirement(
      String key, String op, List<String> values, String field, boolean allowGtLt) {
    if (key == null || key.isEmpty()) {
      throw new InvalidSelectorException(field + ".key: must not be empty");
    }
    Requirement.Operator o = Requirement.Operator.fromWire(op);
    if (o == null
        || (!allowGtLt && (o == Requirement.Operator.GT || o == Requirement.Operator.LT))) {
      // Upstream's words: LabelSelectorAsSelector and NodeSelectorRequirementsAsSelector.
      throw new InvalidSelectorException(
          field
              + ".operator: \""
              + op
              + "\" is not a valid "
              + (allowGtLt ? "node" : "pod")
              + " selector operator");
    }
    List<String> vals = values == null ? List.of() : values;
    switch (o) {
      case IN, NOT_IN -> {
        if (vals.isEmpty()) {
          throw new InvalidSelectorException(
              field + ".values: for 'in', 'notin' operators, values set can't be empty");
        }
      }
      case EXISTS, DOES_NOT_EXIST -> {
        if (!vals.isEmpty()) {
          throw new InvalidSelectorException(
              field + ".values: values set must be empty for exists and does not exist");
        }
      }
      case GT, LT -> {
        if (vals.size() != 1) {
          throw new InvalidSelectorException(
              field + ".values: for 'Gt', 'Lt' operators, exactly one value is required");
        }
        try {
          Long.parseLong(vals.get(0));
        } catch (NumberFormatException e) {
          throw new InvalidSelectorException(
              field
                  + ".values: for 'Gt', 'Lt' operators, the value must be an integer, got \""
                  + vals.get(0)
                  + "\"");
        }
      }
    }
    return new Requirement(key, o, Set.copyOf(vals));
  }

  /** A selector that is not well formed; the message names the field. */
  public static final class InvalidSelectorException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidSelectorException(String message) {
      super(message);
    }
  }
}
