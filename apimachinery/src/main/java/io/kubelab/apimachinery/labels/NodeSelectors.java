package io.kubelab.apimachinery.labels;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import java.util.List;
import java.util.Map;

/**
 * Node selector terms: {@code matchExpressions} over node labels (In, NotIn, Exists, DoesNotExist,
 * Gt, Lt) and {@code matchFields} over {@code metadata.name}.
 *
 * <p>Upstream: {@code MatchNodeSelectorTerms}, {@code NodeSelectorRequirementsAsSelector} and
 * {@code NodeSelectorRequirementsAsFieldSelector} in {@code pkg/apis/core/v1/helper/helpers.go}
 * (v1.17, v1.18). Terms are ORed; within a term, expressions and fields are ANDed. A term with
 * neither matches nothing. A term whose expressions upstream cannot build into a selector (a bad
 * operator, a key that is not a qualified name, a value that is not a label value, a {@code Gt}
 * value that is not an integer) or whose fields name anything but {@code metadata.name} does not
 * match: upstream skips it ({@code continue}), so {@code NotIn [bad value!]} matches no node, not
 * every node. {@link #validate} checks what the API server checks, which is less ({@code
 * ValidateNodeSelectorRequirement} looks at operators, value counts and keys only).
 */
public final class NodeSelectors {

  /** The only field a node selector term may name. */
  public static final String NODE_FIELD_NAME = "metadata.name";

  private NodeSelectors() {}

  /** True when any term matches the node. A null or empty term list matches nothing. */
  public static boolean matchesAnyTerm(List<NodeSelectorTerm> terms, Node node) {
    if (terms == null) {
      return false;
    }
    Map<String, String> labels = node.getMetadata().getLabels();
    String name = node.getMetadata().getName();
    for (NodeSelectorTerm t : terms) {
      if (matchesTerm(t, labels == null ? Map.of() : labels, name)) {
        return true;
      }
    }
    return false;
  }

  /** {@link #matchesAnyTerm} for a {@code NodeSelector}; null matches nothing. */
  public static boolean matches(NodeSelector selector, Node node) {
    return selector != null && matchesAnyTerm(selector.getNodeSelectorTerms(), node);
  }

  /** One term against node labels and name. */
  public static boolean matchesTerm(
      NodeSelectorTerm term, Map<String, String> labels, String name) {
    List<NodeSelectorRequirement> exprs = term.getMatchExpressions();
    List<NodeSelectorRequirement> fields = term.getMatchFields();
    boolean noExprs = exprs == null || exprs.isEmpty();
    boolean noFields = fields == null || fields.isEmpty();
    if (noExprs && noFields) {
      return false;
    }
    try {
      if (!noExprs) {
        for (int i = 0; i < exprs.size(); i++) {
          NodeSelectorRequirement r = exprs.get(i);
          if (!LabelSelectors.requirement(r.getKey(), r.getOperator(), r.getValues(), "", true)
              .matches(labels)) {
            return false;
          }
        }
      }
      if (!noFields) {
        for (NodeSelectorRequirement r : fields) {
          if (!fieldRequirement(r, "").matches(Map.of(NODE_FIELD_NAME, name == null ? "" : name))) {
            return false;
          }
        }
      }
    } catch (LabelSelectors.InvalidSelectorException e) {
      return false;
    }
    return true;
  }

  /**
   * What the scheduler checks when it builds a term's expressions into a label selector ({@code
   * NodeSelectorRequirementsAsSelector}): more than {@link #validate} (every value must also be a
   * label value, a {@code Gt}/{@code Lt} value an integer) and in the selector builder's words, for
   * example {@code "Near" is not a valid node selector operator}. Priorities that score preferred
   * terms fail the attempt with this error; predicates skip the term instead.
   *
   * @param what the object and field of the term, e.g. {@code Pod default/p:
   *     spec.affinity...preferredDuringSchedulingIgnoredDuringExecution[1].preference}
   * @throws LabelSelectors.InvalidSelectorException naming the first bad expression's field
   */
  public static void checkRequirementsAsSelector(
      List<NodeSelectorRequirement> expressions, String what) {
    for (int i = 0; expressions != null && i < expressions.size(); i++) {
      NodeSelectorRequirement r = expressions.get(i);
      LabelSelectors.requirement(
          r.getKey(), r.getOperator(), r.getValues(), what + ".matchExpressions[" + i + "]", true);
    }
  }

  /**
   * What the API server checks of node selector terms ({@code ValidateNodeSelector} in {@code
   * pkg/apis/core/validation/validation.go}): of each expression the operator, the number of values
   * and the key; of each field requirement the operator, one value, and the key {@code
   * metadata.name}. A value that is not a label value passes here and makes the term match nothing
   * when the scheduler builds it.
   *
   * @param what the object and field, e.g. {@code
   *     spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution}
   * @throws LabelSelectors.InvalidSelectorException naming the first bad field
   */
  public static void validate(NodeSelector selector, String what) {
    if (selector == null || selector.getNodeSelectorTerms() == null) {
      return;
    }
    List<NodeSelectorTerm> terms = selector.getNodeSelectorTerms();
    for (int t = 0; t < terms.size(); t++) {
      NodeSelectorTerm term = terms.get(t);
      String tf = what + ".nodeSelectorTerms[" + t + "]";
      List<NodeSelectorRequirement> exprs = term.getMatchExpressions();
      for (int i = 0; exprs != null && i < exprs.size(); i++) {
        validateRequirement(exprs.get(i), tf + ".matchExpressions[" + i + "]");
      }
      List<NodeSelectorRequirement> fields = term.getMatchFields();
      for (int i = 0; fields != null && i < fields.size(); i++) {
        fieldRequirement(fields.get(i), tf + ".matchFields[" + i + "]");
      }
    }
  }

  /** {@code ValidateNodeSelectorRequirement}. */
  private static void validateRequirement(NodeSelectorRequirement r, String field) {
    int n = r.getValues() == null ? 0 : r.getValues().size();
    String op = r.getOperator() == null ? "" : r.getOperator();
    switch (op) {
      case "In", "NotIn" -> {
        if (n == 0) {
          throw new LabelSelectors.InvalidSelectorException(
              field + ".values: must be specified when `operator` is 'In' or 'NotIn'");
        }
      }
      case "Exists", "DoesNotExist" -> {
        if (n > 0) {
          throw new LabelSelectors.InvalidSelectorException(
              field
                  + ".values: may not be specified when `operator` is 'Exists' or"
                  + " 'DoesNotExist'");
        }
      }
      case "Gt", "Lt" -> {
        if (n != 1) {
          throw new LabelSelectors.InvalidSelectorException(
              field + ".values: must be specified single value when `operator` is 'Lt' or 'Gt'");
        }
      }
      default ->
          throw new LabelSelectors.InvalidSelectorException(
              field + ".operator: \"" + op + "\": not a valid selector operator");
    }
    LabelSelectors.checkKey(r.getKey(), field);
  }

  static Requirement fieldRequirement(NodeSelectorRequirement r, String field) {
    if (!NODE_FIELD_NAME.equals(r.getKey())) {
      throw new LabelSelectors.InvalidSelectorException(
          field
              + ".key: \""
              + r.getKey()
              + "\" is not a supported node field (only metadata.name)");
    }
    String op = r.getOperator();
    if (!"In".equals(op) && !"NotIn".equals(op)) {
      throw new LabelSelectors.InvalidSelectorException(
          field + ".operator: \"" + op + "\" is not a valid node field selector operator");
    }
    List<String> values = r.getValues();
    if (values == null || values.size() != 1) {
      throw new LabelSelectors.InvalidSelectorException(
          field
              + ".values: unexpected number of value ("
              + (values == null ? 0 : values.size())
              + ") for node field selector operator \""
              + op
              + "\"");
    }
    // A field value is a node name, not a label value: upstream's field selector checks nothing.
    return new Requirement(
        NODE_FIELD_NAME,
        "In".equals(op) ? Requirement.Operator.IN : Requirement.Operator.NOT_IN,
        java.util.Set.of(values.get(0) == null ? "" : values.get(0)));
  }
}
