package io.kubelab.apimachinery.labels;

import static io.kubelab.apimachinery.testing.Fixtures.expr;
import static io.kubelab.apimachinery.testing.Fixtures.fieldTerm;
import static io.kubelab.apimachinery.testing.Fixtures.labelExpr;
import static io.kubelab.apimachinery.testing.Fixtures.matchExpressions;
import static io.kubelab.apimachinery.testing.Fixtures.term;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Selectors and node selector terms as fabric8 objects built by hand can hold them: null lists,
 * null maps, nodes without labels or name; and how selectors print.
 */
class SelectorEdgesTest {

  /** A node with no labels map at all, and the given name (null: no name). */
  private static Node bareNode(String name) {
    Node n = new Node();
    n.setMetadata(new ObjectMeta());
    n.getMetadata().setName(name);
    n.getMetadata().setLabels(null);
    return n;
  }

  private static NodeSelectorTerm nullListTerm(
      List<NodeSelectorRequirement> exprs, List<NodeSelectorRequirement> fields) {
    NodeSelectorTerm t = new NodeSelectorTerm();
    t.setMatchExpressions(exprs);
    t.setMatchFields(fields);
    return t;
  }

  private static NodeSelector selector(NodeSelectorTerm... terms) {
    NodeSelector s = new NodeSelector();
    s.setNodeSelectorTerms(new ArrayList<>(Arrays.asList(terms)));
    return s;
  }

  @Test
  void aNodeWithoutLabelsHasNoKeys() {
    Node n = bareNode("n1");
    List<NodeSelectorTerm> doesNotExist = List.of(term(expr("disk", "DoesNotExist")));
    List<NodeSelectorTerm> exists = List.of(term(expr("disk", "Exists")));
    List<NodeSelectorTerm> notIn = List.of(term(expr("disk", "NotIn", "ssd")));
    assertThat(NodeSelectors.matchesAnyTerm(doesNotExist, n)).isTrue();
    assertThat(NodeSelectors.matchesAnyTerm(notIn, n)).isTrue();
    assertThat(NodeSelectors.matchesAnyTerm(exists, n)).isFalse();
    assertThat(CompiledNodeSelector.compile(doesNotExist).matches(n)).isTrue();
    assertThat(CompiledNodeSelector.compile(exists).matches(n)).isFalse();
    assertThat(NodeSelectors.matches(selector(term(expr("disk", "DoesNotExist"))), n)).isTrue();
    assertThat(NodeSelectors.matches(selector(term(expr("disk", "Exists"))), n)).isFalse();
  }

  @Test
  void nullExpressionOrFieldListsAreEmptyLists() {
    Node n1 = bareNode("n1");
    NodeSelectorTerm fieldsOnly =
        nullListTerm(null, new ArrayList<>(List.of(expr("metadata.name", "In", "n1"))));
    NodeSelectorTerm exprsOnly =
        nullListTerm(new ArrayList<>(List.of(expr("a", "DoesNotExist"))), null);
    NodeSelectorTerm neither = nullListTerm(null, null);
    for (NodeSelectorTerm t : List.of(fieldsOnly, exprsOnly)) {
      assertThat(NodeSelectors.matchesAnyTerm(List.of(t), n1)).isTrue();
      assertThat(CompiledNodeSelector.compile(List.of(t)).matches(n1)).isTrue();
      assertThat(CompiledNodeSelector.compile(List.of(t)).matchesNothing()).isFalse();
    }
    assertThat(NodeSelectors.matchesAnyTerm(List.of(neither), n1)).isFalse();
    assertThat(CompiledNodeSelector.compile(List.of(neither)).matchesNothing()).isTrue();
    assertThat(CompiledNodeSelector.compile(null).matchesNothing()).isTrue();
    assertThat(CompiledNodeSelector.compile(null).matches(n1)).isFalse();
    // The field decides where the expressions are absent.
    assertThat(NodeSelectors.matchesAnyTerm(List.of(fieldsOnly), bareNode("n2"))).isFalse();
    assertThat(CompiledNodeSelector.compile(List.of(fieldsOnly)).matches(bareNode("n2"))).isFalse();
    NodeSelectors.validate(selector(fieldsOnly, exprsOnly, neither), "w");
    NodeSelectors.validate(null, "w");
    NodeSelector noTerms = new NodeSelector();
    noTerms.setNodeSelectorTerms(null);
    NodeSelectors.validate(noTerms, "w");
    assertThat(NodeSelectors.matches(noTerms, n1)).isFalse();
  }

  @Test
  void aNodeWithoutANameIsNamedTheEmptyString() {
    Node unnamed = bareNode(null);
    List<NodeSelectorTerm> notN1 = List.of(fieldTerm("NotIn", "n1"));
    assertThat(NodeSelectors.matchesAnyTerm(notN1, unnamed)).isTrue();
    assertThat(CompiledNodeSelector.compile(notN1).matches(unnamed)).isTrue();
    NodeSelectorTerm nullValue = fieldTerm("In", "x");
    nullValue.getMatchFields().get(0).setValues(Arrays.asList((String) null));
    assertThat(NodeSelectors.matchesAnyTerm(List.of(nullValue), unnamed)).isTrue();
    assertThat(NodeSelectors.matchesAnyTerm(List.of(nullValue), bareNode("n1"))).isFalse();
  }

  @Test
  void fieldRequirementsAreInOrNotInOfExactlyOneName() {
    NodeSelectorTerm exists = fieldTerm("Exists", "n1");
    exists.getMatchFields().get(0).setValues(List.of());
    assertThatThrownBy(() -> NodeSelectors.validate(selector(exists), "w"))
        .hasMessage(
            "w.nodeSelectorTerms[0].matchFields[0].operator: \"Exists\" is not a valid node field"
                + " selector operator");
    NodeSelectorTerm two = fieldTerm("In", "n1");
    two.getMatchFields().get(0).setValues(List.of("n1", "n2"));
    assertThatThrownBy(() -> NodeSelectors.validate(selector(two), "w"))
        .hasMessage(
            "w.nodeSelectorTerms[0].matchFields[0].values: unexpected number of value (2) for node"
                + " field selector operator \"In\"");
    NodeSelectorTerm none = fieldTerm("NotIn", "n1");
    none.getMatchFields().get(0).setValues(null);
    assertThatThrownBy(() -> NodeSelectors.validate(selector(none), "w"))
        .hasMessage(
            "w.nodeSelectorTerms[0].matchFields[0].values: unexpected number of value (0) for node"
                + " field selector operator \"NotIn\"");
    // The second field of the second term is named.
    NodeSelectorTerm good = fieldTerm("NotIn", "n1");
    good.getMatchFields().add(expr("metadata.name", "In", "n2", "n3"));
    assertThatThrownBy(() -> NodeSelectors.validate(selector(fieldTerm("In", "n1"), good), "w"))
        .hasMessageStartingWith("w.nodeSelectorTerms[1].matchFields[1].values: unexpected number");
    assertThat(NodeSelectors.matchesAnyTerm(List.of(two), bareNode("n1"))).isFalse();
    assertThat(NodeSelectors.matchesAnyTerm(List.of(fieldTerm("NotIn", "n1")), bareNode("n2")))
        .isTrue();
  }

  @Test
  void validateCountsValuesPerOperatorAsTheApiServerDoes() {
    NodeSelectorRequirement inEmpty = expr("a", "In");
    NodeSelectorRequirement inNull = expr("a", "In");
    inNull.setValues(null);
    NodeSelectorRequirement existsWithValue = expr("a", "Exists", "x");
    NodeSelectorRequirement gtTwo = expr("a", "Gt", "1", "2");
    NodeSelectorRequirement ltNone = expr("a", "Lt");
    NodeSelectorRequirement noOperator = expr("a", null);
    assertThatThrownBy(() -> NodeSelectors.validate(selector(term(inEmpty)), "w"))
        .hasMessage(
            "w.nodeSelectorTerms[0].matchExpressions[0].values: must be specified when `operator`"
                + " is 'In' or 'NotIn'");
    assertThatThrownBy(() -> NodeSelectors.validate(selector(term(inNull)), "w"))
        .hasMessageEndingWith("must be specified when `operator` is 'In' or 'NotIn'");
    assertThatThrownBy(() -> NodeSelectors.validate(selector(term(existsWithValue)), "w"))
        .hasMessage(
            "w.nodeSelectorTerms[0].matchExpressions[0].values: may not be specified when"
                + " `operator` is 'Exists' or 'DoesNotExist'");
    for (NodeSelectorRequirement r : List.of(gtTwo, ltNone)) {
      assertThatThrownBy(() -> NodeSelectors.validate(selector(term(r)), "w"))
          .hasMessage(
              "w.nodeSelectorTerms[0].matchExpressions[0].values: must be specified single value"
                  + " when `operator` is 'Lt' or 'Gt'");
    }
    assertThatThrownBy(() -> NodeSelectors.validate(selector(term(noOperator)), "w"))
        .hasMessage(
            "w.nodeSelectorTerms[0].matchExpressions[0].operator: \"\": not a valid selector"
                + " operator");
    // Accepted: one value for Gt, none for DoesNotExist, any number for NotIn; the second
    // expression of a term is named when it is the bad one.
    NodeSelectors.validate(
        selector(
            term(expr("a", "Gt", "1"), expr("b", "DoesNotExist"), expr("c", "NotIn", "x", "y"))),
        "w");
    assertThatThrownBy(
            () ->
                NodeSelectors.validate(selector(term(expr("a", "Gt", "1"), existsWithValue)), "w"))
        .hasMessageStartingWith("w.nodeSelectorTerms[0].matchExpressions[1].values:");
  }

  @Test
  void checkRequirementsAsSelectorSpeaksOfNodeSelectorOperators() {
    NodeSelectors.checkRequirementsAsSelector(null, "p");
    NodeSelectors.checkRequirementsAsSelector(List.of(expr("cores", "Gt", "4")), "p");
    assertThatThrownBy(
            () ->
                NodeSelectors.checkRequirementsAsSelector(
                    List.of(expr("cores", "Gt", "4"), expr("disk", "Near", "ssd")), "p"))
        .isInstanceOf(LabelSelectors.InvalidSelectorException.class)
        .hasMessage(
            "p.matchExpressions[1].operator: \"Near\" is not a valid node selector operator");
    assertThatThrownBy(
            () ->
                NodeSelectors.checkRequirementsAsSelector(
                    List.of(expr("cores", "Lt", "four")), "p"))
        .hasMessage(
            "p.matchExpressions[0].values: for 'Gt', 'Lt' operators, the value must be an integer");
    assertThatThrownBy(
            () ->
                NodeSelectors.checkRequirementsAsSelector(
                    List.of(expr("cores", "Lt", "1", "2")), "p"))
        .hasMessage(
            "p.matchExpressions[0].values: for 'Gt', 'Lt' operators, exactly one value is required");
  }

  @Test
  void labelSelectorsWithNullPartsSelectAsIfTheyWereEmpty() {
    LabelSelector bothNull = new LabelSelector();
    bothNull.setMatchLabels(null);
    bothNull.setMatchExpressions(null);
    assertThat(LabelSelectors.compile(bothNull, "s").isEmpty()).isTrue();
    assertThat(LabelSelectors.compile(bothNull, "s").matches(Map.of("a", "b"))).isTrue();
    LabelSelectors.validate(bothNull, "s");

    LabelSelector exprsOnly = matchExpressions(labelExpr("app", "Exists"));
    exprsOnly.setMatchLabels(null);
    Selector s = LabelSelectors.compile(exprsOnly, "s");
    assertThat(s.matches(Map.of("app", "x"))).isTrue();
    assertThat(s.matches(null)).isFalse();
    assertThat(
            LabelSelectors.compile(matchExpressions(labelExpr("app", "DoesNotExist")), "s")
                .matches(null))
        .isTrue();

    LabelSelector labelsOnly = new LabelSelector();
    labelsOnly.setMatchLabels(Map.of("app", "web"));
    labelsOnly.setMatchExpressions(null);
    assertThat(LabelSelectors.compile(labelsOnly, "s").matches(Map.of("app", "web"))).isTrue();
    assertThat(LabelSelectors.compile(labelsOnly, "s").matches(Map.of("app", "db"))).isFalse();
    LabelSelectors.validate(labelsOnly, "s");
  }

  @Test
  void validateTreatsMissingOperatorsValuesAndKeysAsEmpty() {
    var noOperator = labelExpr("app", null);
    assertThatThrownBy(() -> LabelSelectors.validate(matchExpressions(noOperator), "s"))
        .hasMessage("s.matchExpressions[0].operator: \"\": not a valid selector operator");
    var inNull = labelExpr("app", "In");
    inNull.setValues(null);
    assertThatThrownBy(() -> LabelSelectors.validate(matchExpressions(inNull), "s"))
        .hasMessage(
            "s.matchExpressions[0].values: must be specified when `operator` is 'In' or 'NotIn'");
    var existsNull = labelExpr("app", "Exists");
    existsNull.setValues(null);
    LabelSelectors.validate(matchExpressions(existsNull), "s");
    var noKey = labelExpr(null, "Exists");
    assertThatThrownBy(() -> LabelSelectors.validate(matchExpressions(noKey), "s"))
        .isInstanceOf(LabelSelectors.InvalidSelectorException.class)
        .hasMessageStartingWith("s.matchExpressions[0].key: Invalid value: ");
    assertThatThrownBy(() -> LabelSelectors.compile(matchExpressions(noKey), "s"))
        .isInstanceOf(LabelSelectors.InvalidSelectorException.class)
        .hasMessageStartingWith("s.matchExpressions[0].key: invalid label key \"\": ");
  }

  @Test
  void fromMapOfNothingSelectsEverythingAndANullValueIsTheEmptyValue() {
    assertThat(LabelSelectors.fromMap(null).isEmpty()).isTrue();
    assertThat(LabelSelectors.fromMap(null).matches(Map.of("a", "b"))).isTrue();
    assertThat(LabelSelectors.fromMap(Map.of()).isEmpty()).isTrue();
    assertThat(LabelSelectors.fromMap(Map.of("a", "b")).isEmpty()).isFalse();
    Map<String, String> nullValue = new HashMap<>();
    nullValue.put("a", null);
    Selector s = LabelSelectors.fromMap(nullValue);
    assertThat(s.matches(Map.of("a", ""))).isTrue();
    assertThat(s.matches(Map.of("a", "x"))).isFalse();
    assertThat(s.matches(Map.of())).isFalse();
  }

  @Test
  void selectorsPrintTheirRequirementsInUpstreamsNotation() {
    assertThat(Selector.NOTHING.toString()).isEqualTo("<nothing>");
    assertThat(Selector.EVERYTHING.toString()).isEqualTo("<everything>");
    assertThat(Selector.NOTHING.isEmpty()).isFalse();
    assertThat(Selector.EVERYTHING.isEmpty()).isTrue();
    Selector s =
        LabelSelectors.compile(
            matchExpressions(
                labelExpr("app", "Exists"),
                labelExpr("canary", "DoesNotExist"),
                labelExpr("env", "NotIn", "prod"),
                labelExpr("tier", "In", "web", "api")),
            "s");
    // Keys in order here, as upstream's selector sorts them; values sorted within a requirement.
    assertThat(s.toString()).isEqualTo("app,!canary,env notin (prod),tier in (api,web)");
    assertThat(s.isEmpty()).isFalse();
    assertThat(s.requirements()).hasSize(4);
    assertThat(new Requirement("cores", Requirement.Operator.GT, java.util.Set.of("4")).toString())
        .isEqualTo("cores>4");
    assertThat(new Requirement("cores", Requirement.Operator.LT, java.util.Set.of("4")).toString())
        .isEqualTo("cores<4");
    assertThat(Requirement.Operator.NOT_IN.wire()).isEqualTo("NotIn");
    assertThat(Requirement.Operator.DOES_NOT_EXIST.wire()).isEqualTo("DoesNotExist");
  }
}
