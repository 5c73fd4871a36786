package io.kubelab.apimachinery.resource;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
}
