package io.kubelab.apimachinery.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The length limits at their edges, and the character classes at theirs. */
class ValidationEdgesTest {

  @Test
  void sixtyThreeCharactersAreAllowedAndOnlyTheFailingRuleIsReported() {
    assertThat(Validation.isQualifiedName("a".repeat(63))).isEmpty();
    // A bad prefix in front of a 63-character name: the name is not too long.
    assertThat(Validation.isQualifiedName("Example.com/" + "a".repeat(63)))
        .singleElement()
        .asString()
        .startsWith("prefix part a lowercase RFC 1123 subdomain");
    assertThat(Validation.isValidLabelValue("v".repeat(63))).isEmpty();
    assertThat(Validation.isValidLabelValue("-" + "v".repeat(62)))
        .singleElement()
        .asString()
        .startsWith("a valid label must be an empty string");
    assertThat(Validation.isValidLabelValue("v".repeat(64)))
        .containsExactly("must be no more than 63 characters");
  }

  @Test
  void aSubdomainOf253CharactersIsNotTooLongAndOneOf254IsOnlyTooLong() {
    assertThat(Validation.isDns1123Subdomain("b".repeat(253))).isEmpty();
    assertThat(Validation.isDns1123Subdomain("B" + "b".repeat(252)))
        .singleElement()
        .asString()
        .startsWith("a lowercase RFC 1123 subdomain must consist of");
    assertThat(Validation.isDns1123Subdomain("b".repeat(254)))
        .containsExactly("must be no more than 253 characters");
  }

  @Test
  void qualifiedNameAgreesWithIsQualifiedNameAtTheCharacterClassEdges() {
    for (String ok :
        new String[] {
          "A", "Z", "a", "z", "0", "9", "example.com/MyName", "a.b-c.d/x_y", "k8s.io/a", "0a/Z"
        }) {
      assertThat(Validation.qualifiedName(ok)).as(ok).isTrue();
      assertThat(Validation.isQualifiedName(ok)).as(ok).isEmpty();
    }
    for (String bad :
        new String[] {
          "@", "[", "`", "{", "/", "a.-b/x", "a-.b/x", "-a/x", "a./x", "A.b/x", "a..b/x", "a/b/c"
        }) {
      assertThat(Validation.qualifiedName(bad)).as(bad).isFalse();
      assertThat(Validation.isQualifiedName(bad)).as(bad).isNotEmpty();
    }
  }

  @Test
  void aLabelWithoutAValueHasTheEmptyValue() {
    Map<String, String> labels = new HashMap<>();
    labels.put("app", null);
    assertThat(Validation.validateLabels(labels, "metadata.labels")).isEmpty();
    assertThat(Validation.validateLabels(Map.of(), "metadata.labels")).isEmpty();
    assertThat(Validation.validateLabels(null, "metadata.labels")).isEmpty();
  }
}
