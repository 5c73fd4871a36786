package io.kubelab.apimachinery.labels;

import static io.kubelab.apimachinery.testing.Fixtures.labelExpr;
import static io.kubelab.apimachinery.testing.Fixtures.matchExpressions;
import static io.kubelab.apimachinery.testing.Fixtures.matchLabels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.kubelab.apimachinery.testing.Generators;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

class LabelSelectorsTest {

  private static final String WHAT = "Pod default/web-1: spec.affinity.podAffinity.x.labelSelector";

  @Test
  void aNilSelectorMatchesNothingAndAnEmptyOneEverything() {
    qt().withFixedSeed(3L)
        .withExamples(200)
        .forAll(Generators.labelSets())
        .checkAssert(
            labels -> {
              assertThat(LabelSelectors.compile(null, WHAT).matches(labels)).isFalse();
              assertThat(LabelSelectors.compile(new LabelSelector(), WHAT).matches(labels))
                  .isTrue();
              assertThat(LabelSelectors.compile(matchLabels(), WHAT).matches(labels)).isTrue();
            });
    assertThat(Selector.NOTHING.matches(null)).isFalse();
    assertThat(Selector.EVERYTHING.matches(null)).isTrue();
  }

  @Test
  void notInMatchesWhenTheKeyIsMissingAndExistsIffTheKeyIsPresent() {
    qt().withFixedSeed(4L)
        .withExamples(400)
        .forAll(Generators.labelSets(), Generate.pick(Generators.LABEL_KEYS))
        .checkAssert(
            (labels, key) -> {
              boolean present = labels.containsKey(key);
              assertThat(compile(labelExpr(key, "Exists")).matches(labels)).isEqualTo(present);
              assertThat(compile(labelExpr(key, "DoesNotExist")).matches(labels))
                  .isEqualTo(!present);
              if (!present) {
                assertThat(compile(labelExpr(key, "NotIn", "web", "db")).matches(labels)).isTrue();
                assertThat(compile(labelExpr(key, "In", "web", "db")).matches(labels)).isFalse();
              } else {
                String v = labels.get(key);
                assertThat(compile(labelExpr(key, "In", v, "zzz")).matches(labels)).isTrue();
                assertThat(compile(labelExpr(key, "NotIn", v)).matches(labels)).isFalse();
              }
            });
  }

  @Test
  void gtAndLtCompareIntegersAndNeverMatchOtherValues() {
    qt().withFixedSeed(5L)
        .withExamples(400)
        .forAll(Generators.labelSets(), Generate.pick(Generators.LABEL_KEYS), Generate.range(0, 50))
        .checkAssert(
            (labels, key, bound) -> {
              Requirement gt =
                  LabelSelectors.requirement(key, "Gt", List.of("" + bound), "f", true);
              Requirement lt =
                  LabelSelectors.requirement(key, "Lt", List.of("" + bound), "f", true);
              String v = labels.get(key);
              Long n = parseOrNull(v);
              assertThat(gt.matches(labels)).isEqualTo(n != null && n > bound);
              assertThat(lt.matches(labels)).isEqualTo(n != null && n < bound);
            });
    Requirement gt = LabelSelectors.requirement("rank", "Gt", List.of("1"), "f", true);
    assertThat(gt.matches(Map.of("rank", "x1"))).isFalse();
    assertThat(gt.matches(Map.of("rank", "1.5"))).isFalse();
    assertThat(gt.matches(Map.of("rank", ""))).isFalse();
    assertThat(gt.matches(Map.of("rank", "2"))).isTrue();
    // A negative bound is an integer but not a label value: NewRequirement rejects it.
    assertThatThrownBy(() -> LabelSelectors.requirement("rank", "Gt", List.of("-1"), "f", true))
        .hasMessageStartingWith("f.values: invalid label value: \"-1\": at key: \"rank\": ");
    assertThatThrownBy(() -> LabelSelectors.requirement("rank", "Lt", List.of("x"), "f", true))
        .hasMessage("f.values: for 'Gt', 'Lt' operators, the value must be an integer");
    assertThatThrownBy(() -> LabelSelectors.requirement("rank", "Lt", List.of(), "f", true))
        .hasMessage("f.values: for 'Gt', 'Lt' operators, exactly one value is required");
  }

  private static Long parseOrNull(String v) {
    if (v == null) {
      return null;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** A reference evaluation of a LabelSelector, written from the API documentation. */
  private static boolean reference(LabelSelector s, Map<String, String> labels) {
    if (s == null) {
      return false;
    }
    for (Map.Entry<String, String> e : s.getMatchLabels().entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    for (LabelSelectorRequirement r : s.getMatchExpressions()) {
      boolean has = labels.containsKey(r.getKey());
      boolean ok =
          switch (r.getOperator()) {
            case "In" -> has && r.getValues().contains(labels.get(r.getKey()));
            case "NotIn" -> !has || !r.getValues().contains(labels.get(r.getKey()));
            case "Exists" -> has;
            case "DoesNotExist" -> !has;
            default -> throw new AssertionError(r.getOperator());
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  @Test
  void aCompiledSelectorIsTheConjunctionOfItsRequirements() {
    qt().withFixedSeed(6L)
        .withExamples(1000)
        .forAll(Generators.labelSelectors(), Generators.labelSets())
        .checkAssert(
            (selector, labels) ->
                assertThat(LabelSelectors.compile(selector, WHAT).matches(labels))
                    .as("%s on %s", selector, labels)
                    .isEqualTo(reference(selector, labels)));
  }

  @Test
  void fromMapIsEqualityOnEveryPair() {
    Selector s = LabelSelectors.fromMap(Map.of("app", "web", "tier", "front"));
    assertThat(s.matches(Map.of("app", "web", "tier", "front", "x", "y"))).isTrue();
    assertThat(s.matches(Map.of("app", "web"))).isFalse();
    assertThat(LabelSelectors.fromMap(Map.of()).matches(Map.of("a", "b"))).isTrue();
  }

  @Test
  void malformedSelectorsAreErrorsNamingTheFieldInUpstreamsWords() {
    assertThatThrownBy(() -> compile(labelExpr("app", "Gt", "1")))
        .isInstanceOf(LabelSelectors.InvalidSelectorException.class)
        .hasMessage(
            WHAT + ".matchExpressions[0].operator: \"Gt\" is not a valid pod selector operator");
    assertThatThrownBy(() -> compile(labelExpr("app", "In")))
        .hasMessage(
            WHAT
                + ".matchExpressions[0].values: for 'in', 'notin' operators, values set can't be empty");
    assertThatThrownBy(() -> compile(labelExpr("app", "Exists", "x")))
        .hasMessage(
            WHAT
                + ".matchExpressions[0].values: values set must be empty for exists and does not exist");
    assertThatThrownBy(() -> compile(labelExpr("", "Exists")))
        .hasMessageStartingWith(
            WHAT
                + ".matchExpressions[0].key: invalid label key \"\": name part must be non-empty;"
                + " name part must consist of");
    assertThatThrownBy(() -> compile(labelExpr("app", "In", "web", "no spaces")))
        .hasMessageStartingWith(
            WHAT
                + ".matchExpressions[0].values: invalid label value: \"no spaces\": at key:"
                + " \"app\": a valid label must be an empty string");
    assertThatThrownBy(() -> LabelSelectors.compile(matchLabels("app", "-web"), WHAT))
        .hasMessageStartingWith(
            WHAT + ".matchLabels.values: invalid label value: \"-web\": at key: \"app\": ");
  }

  @Test
  void fromMapGivesUpOnInvalidLabelsAndMatchesEverythingAsUpstreamUntilV119() {
    // v1.17 / v1.18 SelectorFromSet returns the empty selector on a bad key or value.
    Selector badValue = LabelSelectors.fromMap(Map.of("disk", "s s d"));
    Selector badKey = LabelSelectors.fromMap(Map.of("bad key", "ssd", "app", "web"));
    for (Map<String, String> labels :
        List.of(Map.<String, String>of(), Map.of("disk", "hdd"), Map.of("app", "db"))) {
      assertThat(badValue.matches(labels)).isTrue();
      assertThat(badKey.matches(labels)).isTrue();
    }
  }

  @Test
  void validateChecksWhatTheApiServerChecks() {
    // Values of expressions are not checked there; matchLabels values are.
    LabelSelectors.validate(matchExpressions(labelExpr("app", "In", "no spaces")), "s");
    LabelSelectors.validate(null, "s");
    assertThatThrownBy(() -> LabelSelectors.validate(matchLabels("app", "no spaces"), "s"))
        .hasMessageStartingWith("s.matchLabels: Invalid value: \"no spaces\"");
    assertThatThrownBy(
            () -> LabelSelectors.validate(matchExpressions(labelExpr("app", "Gt", "1")), "s"))
        .hasMessage("s.matchExpressions[0].operator: \"Gt\": not a valid selector operator");
    assertThatThrownBy(
            () -> LabelSelectors.validate(matchExpressions(labelExpr("app", "NotIn")), "s"))
        .hasMessage(
            "s.matchExpressions[0].values: must be specified when `operator` is 'In' or 'NotIn'");
    assertThatThrownBy(
            () ->
                LabelSelectors.validate(
                    matchExpressions(labelExpr("app", "DoesNotExist", "x")), "s"))
        .hasMessage(
            "s.matchExpressions[0].values: may not be specified when `operator` is 'Exists' or"
                + " 'DoesNotExist'");
    assertThatThrownBy(
            () -> LabelSelectors.validate(matchExpressions(labelExpr("a/b/c", "Exists")), "s"))
        .hasMessageStartingWith("s.matchExpressions[0].key: Invalid value: \"a/b/c\": ");
  }

  private static Selector compile(LabelSelectorRequirement r) {
    return LabelSelectors.compile(matchExpressions(r), WHAT);
  }

  @Test
  void theCachedCompileAnswersAsCompileDoesAndNeverForChangedContent() {
    LabelSelector web = matchLabels("app", "web");
    Map<String, String> webPod = Map.of("app", "web");
    Map<String, String> dbPod = Map.of("app", "db");
    assertThat(LabelSelectors.compileCached(web, WHAT).matches(webPod)).isTrue();
    assertThat(LabelSelectors.compileCached(web, WHAT).matches(dbPod)).isFalse();
    // An equal selector in another object is answered from the cache, with the same verdicts.
    assertThat(LabelSelectors.compileCached(matchLabels("app", "web"), WHAT).matches(webPod))
        .isTrue();
    // The same object, changed after it was remembered: the new content decides.
    web.setMatchLabels(Map.of("app", "db"));
    assertThat(LabelSelectors.compileCached(web, WHAT).matches(dbPod)).isTrue();
    assertThat(LabelSelectors.compileCached(web, WHAT).matches(webPod)).isFalse();
    assertThat(LabelSelectors.compileCached(null, WHAT).matches(webPod)).isFalse();
  }

  @Test
  void aSelectorChangedToContentOfTheSameHashIsNotAnsweredFromTheCache() {
    // "Aa" and "BB" have the same String.hashCode, so both selectors hash alike.
    assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
    LabelSelector s = matchLabels("app", "Aa");
    assertThat(LabelSelectors.compileCached(s, WHAT).matches(Map.of("app", "Aa"))).isTrue();
    s.setMatchLabels(Map.of("app", "BB"));
    assertThat(LabelSelectors.compileCached(s, WHAT).matches(Map.of("app", "BB"))).isTrue();
    assertThat(LabelSelectors.compileCached(s, WHAT).matches(Map.of("app", "Aa"))).isFalse();
    assertThat(
            LabelSelectors.compileCached(matchLabels("app", "BB"), WHAT)
                .matches(Map.of("app", "Aa")))
        .isFalse();
  }

  @Test
  void theCachedCompileRejectsAnInvalidSelectorEveryTimeNamingTheField() {
    LabelSelector bad = matchExpressions(labelExpr("app", "In"));
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> LabelSelectors.compileCached(bad, WHAT))
          .isInstanceOf(LabelSelectors.InvalidSelectorException.class)
          .hasMessage(
              WHAT
                  + ".matchExpressions[0].values: for 'in', 'notin' operators, values set can't be"
                  + " empty");
    }
  }

  @Test
  void theCacheStaysBoundedAndStillAnswersWhenItStartsOver() {
    for (int i = 0; i < LabelSelectors.CACHE_LIMIT + 10; i++) {
      LabelSelector s = matchLabels("app", "app-" + i);
      assertThat(LabelSelectors.compileCached(s, WHAT).matches(Map.of("app", "app-" + i))).isTrue();
      assertThat(LabelSelectors.cachedCount()).isBetween(1, LabelSelectors.CACHE_LIMIT);
    }
  }
}
