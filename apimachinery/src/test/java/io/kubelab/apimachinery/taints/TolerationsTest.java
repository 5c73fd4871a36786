package io.kubelab.apimachinery.taints;

import static io.kubelab.apimachinery.testing.Fixtures.taint;
import static io.kubelab.apimachinery.testing.Fixtures.toleration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.kubelab.apimachinery.testing.Generators;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TolerationsTest {

  /**
   * TestTolerationToleratesTaint of k8s.io/api/core/v1/toleration_test.go (the v1.18 rows), plus
   * the empty-field rules of ToleratesTaint. Columns: toleration key, operator, value, effect;
   * taint key, value, effect; tolerated. An empty cell is an omitted field.
   */
  @ParameterizedTest(name = "[{index}] {8}")
  @CsvSource(
      delimiter = '|',
      value = {
        "foo|Exists|   |NoSchedule|foo|   |NoSchedule|true |same key and effect, Exists, taint has no value",
        "foo|Exists|   |NoSchedule|foo|bar|NoSchedule|true |same key and effect, Exists, taint has a value",
        "   |Exists|   |NoSchedule|foo|bar|NoSchedule|true |empty key and Exists match every key",
        "foo|Equal |bar|NoSchedule|foo|bar|NoSchedule|true |same key, effect and value, Equal",
        "foo|Equal |value1|NoSchedule|foo|value2|NoSchedule|false|Equal with different values",
        "foo|Equal |bar|NoSchedule|foo|bar|NoExecute |false|same key and value, different effects",
        "foo|      |bar|NoSchedule|foo|bar|NoSchedule|true |empty operator means Equal",
        "foo|      |   |NoSchedule|foo|   |NoSchedule|true |Equal with both values empty",
        "foo|Exists|   |          |foo|bar|NoExecute |true |empty effect matches every effect",
        "   |Exists|   |          |foo|bar|PreferNoSchedule|true |empty key, Exists, empty effect: tolerates everything",
        "   |Equal |   |          |foo|   |NoSchedule|true |empty key with Equal: the function skips the key (validation forbids such a toleration)",
        "   |Equal |   |          |foo|bar|NoSchedule|false|empty key with Equal still compares values",
        "bar|Exists|   |NoSchedule|foo|   |NoSchedule|false|different keys",
        "sla|Gt    |750|NoSchedule|sla|950|NoSchedule|false|an operator v1.18 does not know tolerates nothing",
      })
  void upstreamToleratesTaintTable(
      String tKey,
      String op,
      String tValue,
      String tEffect,
      String key,
      String value,
      String effect,
      boolean tolerated,
      String description) {
    Toleration t = toleration(tKey, op, tValue, tEffect);
    Taint taint = taint(key, value, effect);
    assertThat(Tolerations.toleratesTaint(t, taint)).as(description).isEqualTo(tolerated);
  }

  /** TestTolerationsTolerateTaintsWithFilter (pkg/apis/core/v1/helper/helpers_test.go). */
  @Test
  void upstreamTolerationsTolerateTaintsWithFilterTable() {
    Toleration fooNoSchedule = toleration("foo", "Exists", null, "NoSchedule");
    Predicate<Taint> all = x -> true;
    assertThat(Tolerations.tolerateAll(List.of(), List.of(), all))
        .as("empty tolerations tolerate empty taints")
        .isTrue();
    assertThat(Tolerations.tolerateAll(List.of(), List.of(fooNoSchedule), all))
        .as("non-empty tolerations tolerate empty taints")
        .isTrue();
    assertThat(
            Tolerations.tolerateAll(
                List.of(taint("foo", null, "NoSchedule")), List.of(fooNoSchedule), all))
        .as("tolerations match all taints")
        .isTrue();
    assertThat(
            Tolerations.tolerateAll(
                List.of(taint("bar", null, "NoSchedule")), List.of(fooNoSchedule), x -> false))
        .as("no taints apply to the filter")
        .isTrue();
    assertThat(
            Tolerations.tolerateAll(
                List.of(taint("bar", null, "NoSchedule")), List.of(fooNoSchedule), null))
        .as("no filter means every taint applies")
        .isFalse();
    assertThat(
            Tolerations.tolerateAll(
                List.of(taint("foo", null, "NoExecute"), taint("bar", null, "NoSchedule")),
                List.of(toleration("foo", "Exists", null, "NoExecute")),
                x -> "NoExecute".equals(x.getEffect())))
        .as("tolerations match the filtered taints")
        .isTrue();
  }

  @Test
  void findMatchingUntoleratedTaintReturnsTheFirstInTaintOrder() {
    List<Taint> taints =
        List.of(
            taint("a", null, "PreferNoSchedule"),
            taint("b", null, "NoSchedule"),
            taint("c", null, "NoExecute"));
    Optional<Taint> t =
        Tolerations.findMatchingUntoleratedTaint(
            taints, List.of(), x -> !"PreferNoSchedule".equals(x.getEffect()));
    assertThat(t).map(Taint::getKey).contains("b");
    assertThat(Tolerations.findMatchingUntoleratedTaint(null, null, null)).isEmpty();
  }

  /** A reference reading of the rule, for generated pairs. */
  private static boolean reference(Toleration t, Taint taint) {
    boolean effectOk = isEmpty(t.getEffect()) || t.getEffect().equals(taint.getEffect());
    boolean keyOk = isEmpty(t.getKey()) || t.getKey().equals(taint.getKey());
    String op = isEmpty(t.getOperator()) ? "Equal" : t.getOperator();
    boolean valueOk =
        op.equals("Exists")
            || (op.equals("Equal")
                && Objects.equals(
                    isEmpty(t.getValue()) ? "" : t.getValue(),
                    isEmpty(taint.getValue()) ? "" : taint.getValue()));
    return effectOk && keyOk && valueOk;
  }

  private static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }

  @Test
  void toleratesTaintAgreesWithTheReferenceOnGeneratedPairs() {
    qt().withFixedSeed(21L)
        .withExamples(2000)
        .forAll(Generators.tolerations(), Generators.taints())
        .checkAssert(
            (t, taint) ->
                assertThat(Tolerations.toleratesTaint(t, taint))
                    .as("%s vs %s", t, taint)
                    .isEqualTo(reference(t, taint)));
  }
}
