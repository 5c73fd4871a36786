package io.kubelab.apimachinery.labels;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Node selector terms parsed once, for matching against many nodes: what a predicate or a score
 * function holds for one pod while it walks every node.
 *
 * <p>Upstream: {@code MatchNodeSelectorTerms} in {@code pkg/apis/core/v1/helper/helpers.go}, which
 * re-parses the terms for every node; the outcome is the same, {@code NodeSelectorsTest} checks it
 * against {@link NodeSelectors#matchesAnyTerm}. Terms that are empty or not well formed are dropped
 * here, because upstream skips them ({@code continue}) on every node alike.
 */
public final class CompiledNodeSelector {

  /** One well-formed, non-empty term: label requirements and {@code metadata.name} ones. */
  private record Term(List<Requirement> labels, List<Requirement> fields) {}

  private final List<Term> terms;

  private CompiledNodeSelector(List<Term> terms) {
    this.terms = List.copyOf(terms);
  }

  /** Compiles {@code terms}; null or empty matches nothing. */
  public static CompiledNodeSelector compile(List<NodeSelectorTerm> terms) {
    List<Term> out = new ArrayList<>();
    if (terms != null) {
      for (NodeSelectorTerm t : terms) {
        Term c = compileTerm(t);
        if (c != null) {
          out.add(c);
        }
      }
    }
    return new CompiledNodeSelector(out);
  }

  private static Term compileTerm(NodeSelectorTerm t) {
    List<NodeSelectorRequirement> exprs = t.getMatchExpressions();
    List<NodeSelectorRequirement> fields = t.getMatchFields();
    if ((exprs == null || exprs.isEmpty()) && (fields == null || fields.isEmpty())) {
      return null;
    }
    List<Requirement> ls = new ArrayList<>();
    List<Requirement> fs = new ArrayList<>();
    try {
      for (int i = 0; exprs != null && i < exprs.size(); i++) {
        NodeSelectorRequirement r = exprs.get(i);
        ls.add(LabelSelectors.requirement(r.getKey(), r.getOperator(), r.getValues(), "", true));
      }
      for (int i = 0; fields != null && i < fields.size(); i++) {
        fs.add(NodeSelectors.fieldRequirement(fields.get(i), ""));
      }
    } catch (LabelSelectors.InvalidSelectorException e) {
      return null;
    }
    return new Term(ls, fs);
  }

  /** True when any term matches the node's labels and name. */
  public boolean matches(Node node) {
    Map<String, String> labels = node.getMetadata().getLabels();
    return matches(labels == null ? Map.of() : labels, node.getMetadata().getName());
  }

  /** True when any term matches {@code labels} and {@code name}. */
  public boolean matches(Map<String, String> labels, String name) {
    for (Term t : terms) {
      if (allHold(t.labels(), labels) && fieldsHold(t.fields(), name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean allHold(List<Requirement> rs, Map<String, String> labels) {
    for (Requirement r : rs) {
      if (!r.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  private static boolean fieldsHold(List<Requirement> rs, String name) {
    if (rs.isEmpty()) {
      return true;
    }
    return allHold(rs, Map.of(NodeSelectors.NODE_FIELD_NAME, name == null ? "" : name));
  }

  /** True when no term can match any node (none given, or all empty or malformed). */
  public boolean matchesNothing() {
    return terms.isEmpty();
  }
}
