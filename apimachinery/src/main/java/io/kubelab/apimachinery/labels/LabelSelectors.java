package io.kubelab.apimachinery.labels;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.kubelab.apimachinery.validation.Validation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiles {@code metav1.LabelSelector}s ({@code matchLabels} + {@code matchExpressions}) and label
 * maps into {@link Selector}s, as the scheduler builds them.
 *
 * <p>Upstream: {@code LabelSelectorAsSelector} in {@code
 * k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go}, {@code NewRequirement} and {@code
 * SelectorFromSet} in {@code k8s.io/apimachinery/pkg/labels/selector.go} (v1.17, v1.18). A null
 * selector selects nothing; an empty one selects everything. Every requirement is checked as {@code
 * NewRequirement} checks it: the key a qualified name, {@code In}/{@code NotIn} with at least one
 * value, {@code Exists}/{@code DoesNotExist} with none, each value a valid label value; anything
 * else is an {@link InvalidSelectorException} naming the field, and what that means is up to the
 * caller, as upstream's callers each decide. {@link #validate} checks what the API server's
 * validation checks, which is less: it does not look at the values of expressions.
 */
public final class LabelSelectors {

  /** How many valid selectors {@link #compileCached} keeps before it starts over. */
  static final int CACHE_LIMIT = 4096;

  private static final ConcurrentHashMap<LabelSelector, Selector> CACHE = new ConcurrentHashMap<>();

  private LabelSelectors() {}

  /**
   * {@link #compile}, remembering valid selectors by value. The scheduler compiles the selectors of
   * existing pods' affinity terms again in every cycle (upstream calls {@code
   * LabelSelectorAsSelector} each time); a term's selector is usually shared by many pods and many
   * cycles, and checking its keys and values costs far more than looking it up. The answer is the
   * same as {@link #compile}'s: an invalid selector is never remembered and throws with {@code
   * what} each time. The cache holds at most {@value #CACHE_LIMIT} selectors and is emptied when
   * full. The cache keeps its own copy of each selector it remembers, so a caller that changes its
   * object afterwards is answered for the new content.
   */
  public static Selector compileCached(LabelSelector selector, String what) {
    if (selector == null) {
      return Selector.NOTHING;
    }
    Selector known = CACHE.get(selector);
    if (known != null) {
      return known;
    }
    Selector compiled = compile(selector, what);
    if (CACHE.size() >= CACHE_LIMIT) {
      CACHE.clear();
    }
    // The key is a copy: the caller's object may change later, and a changed selector must never
    // find the entry of what it was.
    CACHE.put(new LabelSelectorBuilder(selector).build(), compiled);
    return compiled;
  }

  /** How many selectors {@link #compileCached} holds now (for tests). */
  static int cachedCount() {
    return CACHE.size();
  }

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
        // NewRequirement(k, Equals, [v]): checked like an expression, matched like In.
        List<String> one = new ArrayList<>(1);
        one.add(e.getValue());
        reqs.add(requirement(e.getKey(), "In", one, what + ".matchLabels", false));
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

  /**
   * A selector equal to the given labels ({@code spec.nodeSelector}, service selectors): upstream's
   * {@code SelectorFromSet} of v1.17 and v1.18, which on an invalid key or value gives up and
   * returns the empty selector, so the set then matches <em>everything</em> (kubernetes#86792;
   * v1.19 changed it). The API server rejects such labels in a pod's {@code nodeSelector} and in a
   * Service's selector, so the case only arises for objects built by hand.
   */
  public static Selector fromMap(Map<String, String> labels) {
    if (labels == null || labels.isEmpty()) {
      return Selector.EVERYTHING;
    }
    List<Requirement> reqs = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
      String value = e.getValue() == null ? "" : e.getValue();
      if (!Validation.qualifiedName(e.getKey()) || !Validation.isValidLabelValue(value).isEmpty()) {
        return Selector.EVERYTHING;
      }
      reqs.add(new Requirement(e.getKey(), Requirement.Operator.IN, Set.of(value)));
    }
    return new Selector(reqs, false);
  }

  /**
   * What the API server checks of a label selector ({@code ValidateLabelSelector} of {@code
   * k8s.io/apimachinery/pkg/apis/meta/v1/validation}): {@code matchLabels} keys and values, and of
   * each expression its operator, the number of its values and its key. The values of an expression
   * are not checked there; {@link #compile} does check them.
   *
   * @throws InvalidSelectorException naming the first bad field
   */
  public static void validate(LabelSelector selector, String what) {
    if (selector == null) {
      return;
    }
    List<String> errs = Validation.validateLabels(selector.getMatchLabels(), what + ".matchLabels");
    if (!errs.isEmpty()) {
      throw new InvalidSelectorException(errs.get(0));
    }
    List<LabelSelectorRequirement> me = selector.getMatchExpressions();
    for (int i = 0; me != null && i < me.size(); i++) {
      LabelSelectorRequirement r = me.get(i);
      String field = what + ".matchExpressions[" + i + "]";
      List<String> values = r.getValues() == null ? List.of() : r.getValues();
      String op = r.getOperator() == null ? "" : r.getOperator();
      switch (op) {
        case "In", "NotIn" -> {
          if (values.isEmpty()) {
            throw new InvalidSelectorException(
                field + ".values: must be specified when `operator` is 'In' or 'NotIn'");
          }
        }
        case "Exists", "DoesNotExist" -> {
          if (!values.isEmpty()) {
            throw new InvalidSelectorException(
                field
                    + ".values: may not be specified when `operator` is 'Exists' or"
                    + " 'DoesNotExist'");
          }
        }
        default ->
            throw new InvalidSelectorException(
                field + ".operator: \"" + op + "\": not a valid selector operator");
      }
      checkKey(r.getKey(), field);
    }
  }

  /** {@code ValidateLabelName}: the key must be a qualified name. */
  static void checkKey(String key, String field) {
    List<String> errs = Validation.isQualifiedName(key == null ? "" : key);
    if (!errs.isEmpty()) {
      throw new InvalidSelectorException(
          field + ".key: Invalid value: \"" + key + "\": " + String.join("; ", errs));
    }
  }

  /**
   * Builds one requirement as upstream's {@code NewRequirement} does: the key must be a qualified
   * name; {@code In}/{@code NotIn} need values, {@code Exists}/{@code DoesNotExist} none, {@code
   * Gt}/{@code Lt} one integer; every value must be a valid label value. The messages are
   * upstream's, after the field they are about.
   */
  static Requirement requirement(
      String key, String op, List<String> values, String field, boolean allowGtLt) {
    String k = key == null ? "" : key;
    List<String> keyErrs = Validation.isQualifiedName(k);
    if (!keyErrs.isEmpty()) {
      throw new InvalidSelectorException(
          field + ".key: invalid label key \"" + k + "\": " + String.join("; ", keyErrs));
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
              field + ".values: for 'Gt', 'Lt' operators, the value must be an integer");
        }
      }
    }
    List<String> checked = new ArrayList<>(vals.size());
    for (String v : vals) {
      String value = v == null ? "" : v;
      checked.add(value);
      List<String> errs = Validation.isValidLabelValue(value);
      if (!errs.isEmpty()) {
        throw new InvalidSelectorException(
            field
                + ".values: invalid label value: \""
                + value
                + "\": at key: \""
                + k
                + "\": "
                + String.join("; ", errs));
      }
    }
    return new Requirement(k, o, Set.copyOf(checked));
  }

  /** A selector that is not well formed; the message names the field. */
  public static final class InvalidSelectorException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidSelectorException(String message) {
      super(message);
    }
  }
}
