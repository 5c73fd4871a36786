package io.kubelab.apimachinery.labels;

import static io.kubelab.apimachinery.testing.Fixtures.expr;
import static io.kubelab.apimachinery.testing.Fixtures.fieldTerm;
import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.term;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.kubelab.apimachinery.testing.Generators;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeSelectorsTest {

  private final Node host1 = node("host_1").label("label_1", "label_1_val").build();

  /** The cases of upstream's TestMatchNodeSelectorTerms (pkg/apis/core/v1/helper). */
  @Test
  void upstreamMatchNodeSelectorTermsCases() {
    assertThat(NodeSelectors.matchesAnyTerm(null, host1)).as("nil terms").isFalse();
    assertThat(
            NodeSelectors.matchesAnyTerm(
                List.of(term(expr("label_1", "In", "label_1_val"))), host1))
        .as("node label matches matchExpressions terms")
        .isTrue();
    assertThat(NodeSelectors.matchesAnyTerm(List.of(fieldTerm("In", "host_1")), host1))
        .as("node field matches matchFields terms")
        .isTrue();
    assertThat(NodeSelectors.matchesAnyTerm(List.of(fieldTerm("In", "host_1, host_2")), host1))
        .as("invalid node field requirement")
        .isFalse();
    Node labelledLikeAField = node("other").label("metadata.name", "host_1").build();
    assertThat(NodeSelectors.matchesAnyTerm(List.of(fieldTerm("In", "host_1")), labelledLikeAField))
        .as("fieldSelectorTerm with node labels")
        .isFalse();
    assertThat(
            NodeSelectors.matchesAnyTerm(
                List.of(term(expr("metadata.name", "In", "host_1"))), host1))
        .as("labelSelectorTerm with node fields")
        .isFalse();
    NodeSelectorTerm both = term(expr("label_1", "In", "label_1_val"));
    both.getMatchFields().add(expr("metadata.name", "In", "host_1"));
    assertThat(NodeSelectors.matchesAnyTerm(List.of(both), host1))
        .as("labelSelectorTerm and fieldSelectorTerm both match")
        .isTrue();
    NodeSelectorTerm fieldMisses = term(expr("label_1", "In", "label_1_val"));
    fieldMisses.getMatchFields().add(expr("metadata.name", "In", "host_2"));
    assertThat(NodeSelectors.matchesAnyTerm(List.of(fieldMisses), host1))
        .as("labels match but the field does not")
        .isFalse();
  }

  @Test
  void termsAreOredAndAnEmptyTermMatchesNothing() {
    NodeSelectorTerm empty = term();
    NodeSelectorTerm miss = term(expr("label_1", "In", "nope"));
    NodeSelectorTerm hit = term(expr("label_1", "Exists"));
    assertThat(NodeSelectors.matchesAnyTerm(List.of(empty), host1)).isFalse();
    assertThat(NodeSelectors.matchesAnyTerm(List.of(), host1)).isFalse();
    assertThat(NodeSelectors.matchesAnyTerm(List.of(empty, miss), host1)).isFalse();
    assertThat(NodeSelectors.matchesAnyTerm(List.of(miss, empty, hit), host1)).isTrue();
    assertThat(NodeSelectors.matches(null, host1)).isFalse();
  }

  @Test
  void aMalformedTermDoesNotMatchButTheOthersStillCount() {
    NodeSelectorTerm bad = term(expr("cores", "Gt", "many"));
    NodeSelectorTerm good = term(expr("label_1", "In", "label_1_val"));
    assertThat(NodeSelectors.matchesAnyTerm(List.of(bad), host1)).isFalse();
    assertThat(NodeSelectors.matchesAnyTerm(List.of(bad, good), host1)).isTrue();
    assertThat(CompiledNodeSelector.compile(List.of(bad)).matchesNothing()).isTrue();
    assertThat(CompiledNodeSelector.compile(List.of(bad, good)).matches(host1)).isTrue();
    assertThat(NodeSelectors.matchesAnyTerm(List.of(term(expr("x", "Near", "y"))), host1))
        .isFalse();
  }

  @Test
  void aTermWithAValueThatIsNotALabelValueMatchesNoNodeNotEveryNode() {
    // NewRequirement rejects the value, MatchNodeSelectorTerms skips the term.
    NodeSelectorTerm notIn = term(expr("label_1", "NotIn", "bad value!"));
    NodeSelectorTerm missing = term(expr("bad key!", "DoesNotExist"));
    NodeSelectorTerm negative = term(expr("cores", "Lt", "-3"));
    for (NodeSelectorTerm t : List.of(notIn, missing, negative)) {
      assertThat(NodeSelectors.matchesAnyTerm(List.of(t), host1)).as("%s", t).isFalse();
      assertThat(CompiledNodeSelector.compile(List.of(t)).matchesNothing()).isTrue();
    }
    // the API server accepts the values (it checks operators, counts and keys)
    NodeSelector s = new NodeSelector();
    s.setNodeSelectorTerms(List.of(notIn, negative));
    NodeSelectors.validate(s, "w");
    s.setNodeSelectorTerms(List.of(missing));
    assertThatThrownBy(() -> NodeSelectors.validate(s, "w"))
        .hasMessageStartingWith(
            "w.nodeSelectorTerms[0].matchExpressions[0].key: Invalid value: \"bad key!\": name part");
  }

  @Test
  void validateNamesTheFirstBadFieldInUpstreamsWords() {
    NodeSelector s = new NodeSelector();
    s.setNodeSelectorTerms(
        List.of(term(expr("a", "Exists")), term(expr("cores", "Gt", "1"), expr("x", "Near", "y"))));
    assertThatThrownBy(
            () -> NodeSelectors.validate(s, "Pod p: spec.affinity.nodeAffinity.required"))
        .hasMessage(
            "Pod p: spec.affinity.nodeAffinity.required.nodeSelectorTerms[1].matchExpressions[1]"
                + ".operator: \"Near\": not a valid selector operator");
    NodeSelector f = new NodeSelector();
    f.setNodeSelectorTerms(List.of(fieldTerm("In", "a")));
    f.getNodeSelectorTerms().get(0).getMatchFields().get(0).setKey("metadata.namespace");
    assertThatThrownBy(() -> NodeSelectors.validate(f, "w"))
        .hasMessageContaining("\"metadata.namespace\" is not a supported node field");
  }

  private static final java.util.regex.Pattern LABEL_VALUE =
      java.util.regex.Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");

  /** Can upstream's NewRequirement build this expression? Keys here are always valid. */
  private static boolean buildable(NodeSelectorRequirement r) {
    for (String v : r.getValues()) {
      if (v.length() > 63 || !LABEL_VALUE.matcher(v).matches()) {
        return false;
      }
      if ((r.getOperator().equals("Gt") || r.getOperator().equals("Lt"))
          && !v.matches("\\d{1,18}")) {
        return false;
      }
    }
    return true;
  }

  /**
   * Reference: OR over non-empty terms of (every expression AND every field holds); a term with an
   * expression upstream cannot build is skipped.
   */
  private static boolean reference(List<NodeSelectorTerm> terms, Node n) {
    Map<String, String> labels = n.getMetadata().getLabels();
    for (NodeSelectorTerm t : terms) {
      if (t.getMatchExpressions().isEmpty() && t.getMatchFields().isEmpty()) {
        continue;
      }
      if (!t.getMatchExpressions().stream().allMatch(NodeSelectorsTest::buildable)) {
        continue;
      }
      boolean all = true;
      for (NodeSelectorRequirement r : t.getMatchExpressions()) {
        all &= holds(r, labels.get(r.getKey()));
      }
      for (NodeSelectorRequirement r : t.getMatchFields()) {
        all &= holds(r, n.getMetadata().getName());
      }
      if (all) {
        return true;
      }
    }
    return false;
  }

  private static boolean holds(NodeSelectorRequirement r, String v) {
    List<String> vals = r.getValues();
    return switch (r.getOperator()) {
      case "In" -> v != null && vals.contains(v);
      case "NotIn" -> v == null || !vals.contains(v);
      case "Exists" -> v != null;
      case "DoesNotExist" -> v == null;
      case "Gt", "Lt" -> {
        if (v == null || !v.matches("[+-]?\\d{1,18}")) {
          yield false;
        }
        long have = Long.parseLong(v);
        long want = Long.parseLong(vals.get(0));
        yield r.getOperator().equals("Gt") ? have > want : have < want;
      }
      default -> throw new AssertionError(r.getOperator());
    };
  }

  @Test
  void matchesAnyTermAgreesWithTheReferenceOnGeneratedClusters() {
    // clusters(...) names nodes node-0..node-5, so matchFields terms hit some of them
    List<String> names = List.of("node-0", "node-1", "node-2", "node-3", "node-4", "node-5");
    qt().withFixedSeed(9L)
        .withExamples(300)
        .forAll(
            Generators.clusters(1, 6, 0, 0),
            Generators.nodeSelectorTerms(names),
            Generators.nodeSelectorTerms(names))
        .checkAssert(
            (cluster, a, b) -> {
              for (Node n : cluster.nodes()) {
                boolean want = reference(List.of(a, b), n);
                assertThat(NodeSelectors.matchesAnyTerm(List.of(a, b), n))
                    .as("%s or %s on %s", a, b, n.getMetadata().getLabels())
                    .isEqualTo(want);
                assertThat(CompiledNodeSelector.compile(List.of(a, b)).matches(n))
                    .as("compiled")
                    .isEqualTo(want);
              }
            });
  }
}
