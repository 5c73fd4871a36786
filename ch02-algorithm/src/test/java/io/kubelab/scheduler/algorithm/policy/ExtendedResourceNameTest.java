package io.kubelab.scheduler.algorithm.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;

/**
 * The names an extender may manage: upstream's {@code validateExtendedResourceName} (a qualified
 * name, {@code IsQualifiedName}) that is an extended resource ({@code IsExtendedResourceName}: it
 * has a prefix, the prefix does not contain {@code kubernetes.io/}, it does not start with {@code
 * requests.}, and {@code requests.<name>} is itself a qualified name).
 */
class ExtendedResourceNameTest {

  private static final String A63 = "a".repeat(63);
  // DNS subdomains of 244, 245, 253 and 254 characters: "requests." adds 9.
  private static final String P244 = "x".repeat(240) + ".com";
  private static final String P245 = "x".repeat(241) + ".com";
  private static final String P253 = "x".repeat(249) + ".com";
  private static final String P254 = "x".repeat(250) + ".com";

  @ParameterizedTest(name = "{0} is an extended resource name")
  @CsvSource({
    "example.com/foo",
    "nvidia.com/gpu",
    "example.com/Foo_bar.baz-1",
    "a.b-c.example/x",
    "example.com/" + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    // IsPrefixedNativeResource looks for "kubernetes.io/", not for the word alone.
    "kubernetes.io.example.com/foo",
  })
  void accepted(String name) {
    assertThat(PolicyValidation.extendedResourceNameProblem(name)).isNull();
  }

  @ParameterizedTest
  @NullAndEmptySource
  void anEmptyNameHasAnEmptyNamePart(String name) {
    assertThat(PolicyValidation.extendedResourceNameProblem(name))
        .isEqualTo("name part must be non-empty");
  }

  @ParameterizedTest(name = "{0} is not a qualified name")
  @CsvSource({
    "a/b/c",
    "example.com/",
    "/foo",
    "example.com/-foo",
    "example.com/foo-",
    "example.com/fo o",
    "Example.com/foo",
    "example..com/foo",
    "-example.com/foo",
  })
  void notQualified(String name) {
    assertThat(PolicyValidation.extendedResourceNameProblem(name))
        .isEqualTo("\"" + name + "\" is not a valid qualified name");
  }

  @ParameterizedTest(name = "{0} is qualified but not an extended resource")
  @CsvSource({
    // No prefix: implicitly in kubernetes.io.
    "cpu",
    "foo",
    "kubernetes.io/foo",
    "node.kubernetes.io/foo",
    // Upstream matches "kubernetes.io/" anywhere in the name, so this one is native too.
    "examplekubernetes.io/foo",
    "requests.example.com/foo",
  })
  void notExtended(String name) {
    assertThat(PolicyValidation.extendedResourceNameProblem(name))
        .isEqualTo(name + " is an invalid extended resource name");
  }

  @Test
  void theLocalPartHoldsAtMost63Characters() {
    assertThat(PolicyValidation.extendedResourceNameProblem("example.com/" + A63)).isNull();
    assertThat(PolicyValidation.extendedResourceNameProblem("example.com/" + A63 + "a"))
        .isEqualTo("\"example.com/" + A63 + "a\" is not a valid qualified name");
    assertThat(PolicyValidation.extendedResourceNameProblem(A63 + "a"))
        .isEqualTo("\"" + A63 + "a\" is not a valid qualified name");
  }

  @Test
  void thePrefixHoldsAtMost253CharactersAndRequestsDotMustStillFit() {
    assertThat(PolicyValidation.extendedResourceNameProblem(P244 + "/foo")).isNull();
    // Qualified, but "requests." + the prefix is 254 characters: not a quota name.
    assertThat(PolicyValidation.extendedResourceNameProblem(P245 + "/foo"))
        .isEqualTo(P245 + "/foo is an invalid extended resource name");
    assertThat(PolicyValidation.extendedResourceNameProblem(P253 + "/foo"))
        .isEqualTo(P253 + "/foo is an invalid extended resource name");
    assertThat(PolicyValidation.extendedResourceNameProblem(P254 + "/foo"))
        .isEqualTo("\"" + P254 + "/foo\" is not a valid qualified name");
  }
}
