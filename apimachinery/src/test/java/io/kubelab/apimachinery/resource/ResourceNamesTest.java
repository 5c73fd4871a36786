package io.kubelab.apimachinery.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

class ResourceNamesTest {

  /** Upstream's TestIsNativeResource table (pkg/apis/core/v1/helper/helpers_test.go). */
  @ParameterizedTest
  @CsvSource({
    "pod.alpha.kubernetes.io/opaque-int-resource-foo, true",
    "kubernetes.io/resource-foo, true",
    "foo, true",
    "a/b, false",
    "'', true",
  })
  void isNativeResource(String name, boolean want) {
    assertThat(ResourceNames.isNativeResource(name)).isEqualTo(want);
  }

  @ParameterizedTest
  @CsvSource({
    "nvidia.com/gpu, true",
    "example.com/foo_bar.baz, true",
    // the quota name requests.<name> must be a qualified name
    "Example.com/gpu, false",
    "example.com/, false",
    "example.com/-gpu, false",
    "a/b/c, false",
    "/gpu, false",
    // native names and quota names are never extended
    "cpu, false",
    "kubernetes.io/foo, false",
    "requests.example.com/gpu, false",
  })
  void isExtendedResourceName(String name, boolean want) {
    assertThat(ResourceNames.isExtendedResourceName(name)).isEqualTo(want);
  }

  @ParameterizedTest
  @CsvSource({
    "nvidia.com/gpu, true",
    "hugepages-2Mi, true",
    "attachable-volumes-aws-ebs, true",
    "kubernetes.io/foo, true",
    "cpu, false",
    "memory, false",
    "pods, false",
    "Example.com/gpu, false",
  })
  void isScalarResourceName(String name, boolean want) {
    assertThat(ResourceNames.isScalarResourceName(name)).isEqualTo(want);
  }

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

  @Test
  void qualifiedNameLoopsAgreeWithUpstreamsRegularExpressions() {
    Gen<String> names =
        SourceDSL.lists()
            .of(Generate.pick(List.of("a", "Z", "0", "-", "_", ".", "/", "k", "9")))
            .ofSizeBetween(0, 12)
            .map(l -> String.join("", l));
    qt().withFixedSeed(42L)
        .withExamples(5000)
        .forAll(names)
        .checkAssert(
            n -> assertThat(ResourceNames.isQualifiedName(n)).as(n).isEqualTo(reference(n)));
    assertThat(ResourceNames.isQualifiedName("a".repeat(63))).isTrue();
    assertThat(ResourceNames.isQualifiedName("a".repeat(64))).isFalse();
    assertThat(ResourceNames.isQualifiedName("b".repeat(253) + "/x")).isTrue();
    assertThat(ResourceNames.isQualifiedName("b".repeat(254) + "/x")).isFalse();
  }
}
