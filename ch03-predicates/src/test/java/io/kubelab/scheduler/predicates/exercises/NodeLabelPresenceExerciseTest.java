package io.kubelab.scheduler.predicates.exercises;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.PredicateFailureReason;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.predicates.PredicateErrors;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Grades {@link NodeLabelPresenceExercise}: upstream's {@code TestNodeLabelPresence} table ({@code
 * predicates_test.go}, v1.17), then a property that states the rule directly.
 */
@Tag("exercise")
class NodeLabelPresenceExerciseTest {

  static final Pod POD = Fixtures.pod("p").build();

  static NodeInfo nodeInfo(Map<String, String> labels) {
    Node n =
        new NodeBuilder().withNewMetadata().withName("n").withLabels(labels).endMetadata().build();
    NodeInfo ni = new NodeInfo();
    ni.setNode(n);
    return ni;
  }

  static List<String> list(String csv) {
    return csv == null || csv.isEmpty() ? List.of() : List.of(csv.split(" "));
  }

  /** The node is labelled {@code foo=bar, bar=foo}. */
  @ParameterizedTest(name = "{3}")
  @CsvSource({
    "baz,     ,        false, 'label does not match, presence true'",
    "   ,     baz,     true,  'label does not match, presence false'",
    "foo baz, ,        false, 'one label matches, presence true'",
    "   ,     foo baz, false, 'one label matches, presence false'",
    "foo bar, ,        true,  'all labels match, presence true'",
    "   ,     foo bar, false, 'all labels match, presence false'"
  })
  void upstreamsTable(String present, String absent, boolean fits, String name) {
    PredicateResult r =
        new NodeLabelPresenceExercise(list(present), list(absent))
            .check(POD, null, nodeInfo(Map.of("foo", "bar", "bar", "foo")));
    assertThat(r.fits()).isEqualTo(fits);
    if (!fits) {
      assertThat(r.reasons()).containsExactly(PredicateErrors.ERR_NODE_LABEL_PRESENCE_VIOLATED);
      assertThat(r.reasons().get(0).getReason())
          .isEqualTo("node(s) didn't have the requested labels");
    }
  }

  @Test
  void valuesDoNotMatterOnlyKeys() {
    NodeInfo retiring = nodeInfo(Map.of("retiring", ""));
    assertThat(
            new NodeLabelPresenceExercise(List.of(), List.of("retiring"))
                .check(POD, null, retiring)
                .fits())
        .isFalse();
    assertThat(
            new NodeLabelPresenceExercise(List.of("retiring"), List.of())
                .check(POD, null, retiring)
                .fits())
        .isTrue();
  }

  @Test
  void noLabelsAskedForFitsEveryNode() {
    assertThat(
            new NodeLabelPresenceExercise(List.of(), List.of())
                .check(POD, null, nodeInfo(Map.of()))
                .fits())
        .isTrue();
  }

  @Test
  void aMissingNodeIsAnError() {
    assertThatThrownBy(
            () ->
                new NodeLabelPresenceExercise(List.of("a"), List.of())
                    .check(POD, null, new NodeInfo()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("node not found");
  }

  static final List<String> KEYS = List.of("a", "b", "c", "d");

  static Gen<List<String>> keyLists() {
    return lists().of(Generate.pick(KEYS)).ofSizeBetween(0, 3);
  }

  @Test
  void fitsExactlyWhenEveryPresentKeyIsThereAndNoAbsentKeyIs() {
    qt().withFixedSeed(0x1abe1L)
        .withExamples(500)
        .forAll(keyLists(), keyLists(), keyLists())
        .checkAssert(
            (present, absent, nodeKeys) -> {
              Map<String, String> labels = new HashMap<>();
              nodeKeys.forEach(k -> labels.put(k, "v"));
              boolean expected =
                  labels.keySet().containsAll(present)
                      && absent.stream().noneMatch(labels::containsKey);
              PredicateResult r =
                  new NodeLabelPresenceExercise(present, absent).check(POD, null, nodeInfo(labels));
              assertThat(r.fits()).as("%s %s on %s", present, absent, nodeKeys).isEqualTo(expected);
              assertThat(r.reasons().stream().map(PredicateFailureReason::getReason))
                  .hasSize(expected ? 0 : 1);
            });
  }
}
