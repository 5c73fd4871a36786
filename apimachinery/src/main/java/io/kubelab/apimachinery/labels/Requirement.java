package io.kubelab.apimachinery.labels;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One requirement of a selector: a key, an operator and values.
 *
 * <p>Upstream: {@code labels.Requirement.Matches}. {@code In} needs the key present with one of the
 * values; {@code NotIn} matches when the key is missing; {@code Gt}/{@code Lt} compare integers and
 * never match a label value that is not one.
 *
 * @param key the label key
 * @param operator the operator
 * @param values the values ({@code In}, {@code NotIn}); one integer for {@code Gt}/{@code Lt}
 */
public record Requirement(String key, Operator operator, Set<String> values) {

  public Requirement {
    values = Set.copyOf(values);
  }

  /** The operators; {@code Gt} and {@code Lt} exist only in node selectors. */
  public enum Operator {
    IN("In"),
    NOT_IN("NotIn"),
    EXISTS("Exists"),
    DOES_NOT_EXIST("DoesNotExist"),
    GT("Gt"),
    LT("Lt");

    private final String wire;

    Operator(String wire) {
      this.wire = wire;
    }

    /** The operator's spelling in manifests. */
    public String wire() {
      return wire;
    }

    /** Parses a manifest spelling; null if unknown. */
    static Operator fromWire(String s) {
      for (Operator o : values()) {
        if (o.wire.equals(s)) {
          return o;
        }
      }
      return null;
    }
  }

  public boolean matches(Map<String, String> labels) {
    String v = labels.get(key);
    switch (operator) {
      case IN:
        return v != null && values.contains(v);
      case NOT_IN:
        return v == null || !values.contains(v);
      case EXISTS:
        return labels.containsKey(key);
      case DOES_NOT_EXIST:
        return !labels.containsKey(key);
      case GT:
      case LT:
        if (v == null) {
          return false;
        }
        long have;
        try {
          have = Long.parseLong(v);
        } catch (NumberFormatException e) {
          return false;
        }
        long want = Long.parseLong(values.iterator().next());
        return operator == Operator.GT ? have > want : have < want;
      default:
        throw new AssertionError(operator);
    }
  }

  @Override
  public String toString() {
    List<String> sorted = values.stream().sorted().toList();
    return switch (operator) {
      case IN -> key + " in (" + String.join(",", sorted) + ")";
      case NOT_IN -> key + " notin (" + String.join(",", sorted) + ")";
      case EXISTS -> key;
      case DOES_NOT_EXIST -> "!" + key;
      case GT -> key + ">" + sorted.get(0);
      case LT -> key + "<" + sorted.get(0);
    };
  }
}
