package io.kubelab.apimachinery.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/** The name and label rules against upstream's regular expressions and messages. */
class ValidationTest {

  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");

  /** Upstream's IsQualifiedName, with its regular expressions, as the reference. */
  private static boolean reference(String value) {
    String[] parts = value.split("/", -1);
    String name = parts[parts.length - 1];
    if (parts.length > 2) {
      return false;
    }
    if (parts.length == 2
        && (parts[0].isEmpty()
            || parts[0].length() > 253
            || !DNS1123_SUBDOMAIN.matcher(parts[0]).matches())) {
      return false;
    }
    return !name.isEmpty() && name.length() <= 63 && NAME.matcher(name).matches();
  }

  private static final Gen<String> NAMES =
      SourceDSL.lists()
          .of(Generate.pick(List.of("a", "Z", "0", "-", "_", ".", "/", "k", "9", " ")))
          .ofSizeBetween(0, 12)
          .map(l -> String.join("", l));

  @Test
  void qualifiedNameLoopsAgreeWithUpstreamsRegularExpressions() {
    qt().withFixedSeed(42L)
        .withExamples(5000)
        .forAll(NAMES)
        .checkAssert(
            n -> {
              assertThat(Validation.qualifiedName(n)).as(n).isEqualTo(reference(n));
              assertThat(Validation.isQualifiedName(n).isEmpty()).as(n).isEqualTo(reference(n));
            });
    assertThat(Validation.qualifiedName("a".repeat(63))).isTrue();
    assertThat(Validation.qualifiedName("a".repeat(64))).isFalse();
    assertThat(Validation.qualifiedName("b".repeat(253) + "/x")).isTrue();
    assertThat(Validation.qualifiedName("b".repeat(254) + "/x")).isFalse();
  }

  @Test
  void labelValuesAreEmptyOrAQualifiedNamePart() {
    qt().withFixedSeed(43L)
        .withExamples(5000)
        .forAll(NAMES)
        .checkAssert(
            v ->
                assertThat(Validation.isValidLabelValue(v).isEmpty())
                    .as(v)
                    .isEqualTo(v.isEmpty() || (v.length() <= 63 && NAME.matcher(v).matches())));
    assertThat(Validation.isValidLabelValue("a".repeat(63))).isEmpty();
    assertThat(Validation.isValidLabelValue("a".repeat(64)))
        .containsExactly("must be no more than 63 characters");
  }

  @Test
  void messagesAreUpstreams() {
    // Upstream's TestIsQualifiedName / TestIsValidLabelValue error texts.
    assertThat(Validation.isQualifiedName(""))
        .containsExactly(
            "name part must be non-empty",
            "name part must consist of alphanumeric characters, '-', '_' or '.', and must start"
                + " and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or"
                + " '123-abc', regex used for validation is"
                + " '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
    assertThat(Validation.isQualifiedName("/x")).containsExactly("prefix part must be non-empty");
    assertThat(Validation.isQualifiedName("Example.com/x"))
        .containsExactly(
            "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric"
                + " characters, '-' or '.', and must start and end with an alphanumeric character"
                + " (e.g. 'example.com', regex used for validation is"
                + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
    assertThat(Validation.isQualifiedName("a/b/c"))
        .singleElement()
        .asString()
        .startsWith("a qualified name must consist of");
    assertThat(Validation.isQualifiedName("x".repeat(64)))
        .containsExactly("name part must be no more than 63 characters");
    assertThat(Validation.isValidLabelValue("bad value"))
        .containsExactly(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_'"
                + " or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', "
                + " or 'my_value',  or '12345', regex used for validation is"
                + " '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
    assertThat(Validation.isDns1123Subdomain("b".repeat(254)))
        .contains("must be no more than 253 characters");
  }

  @Test
  void validateLabelsNamesKeyAndValue() {
    assertThat(Validation.validateLabels(Map.of("app", "web", "a/b", ""), "metadata.labels"))
        .isEmpty();
    assertThat(Validation.validateLabels(null, "metadata.labels")).isEmpty();
    assertThat(Validation.validateLabels(Map.of("bad key", "ok"), "spec.nodeSelector"))
        .singleElement()
        .asString()
        .startsWith("spec.nodeSelector: Invalid value: \"bad key\": name part must consist of");
    assertThat(Validation.validateLabels(Map.of("disk", "s s d"), "spec.nodeSelector"))
        .singleElement()
        .asString()
        .startsWith("spec.nodeSelector: Invalid value: \"s s d\": a valid label must be");
  }
}
