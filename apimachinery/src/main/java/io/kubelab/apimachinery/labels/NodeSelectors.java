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
 * (v1.18). Terms are ORed; within a term, expressions and fields are ANDed. A term with neither
 * matches nothing. A term that is not well formed (bad operator, a {@code Gt} value that is not an
 * integer, a field other than {@code metadata.name}) does not match, as upstream logs and skips it;
 * {@link #validate} reports the same problems as errors for input checking.
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
   * Checks that every term is well formed.
   *
   * @param what the object and field, e.g. {@code Pod default/web-1:
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
        NodeSelectorRequirement r = exprs.get(i);
        LabelSelectors.requirement(
            r.getKey(), r.getOperator(), r.getValues(), tf + ".matchExpressions[" + i + "]", true);
      }
      List<NodeSelectorRequirement> fields = term.getMatchFields();
      for (int i = 0; fields != null && i < fields.size(); i++) {
        fieldRequirement(fields.get(i), tf + ".matchFields[" + i + "]");
      }
    }
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
    return LabelSelectors.requirement(r.getKey(), op, values, field, false);
  }
}
