package io.kubelab.apimachinery.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Quantity;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Resource against upstream's {@code Resource} in node_info.go. */
class ResourceTest {

  private static Map<String, Quantity> list(String... kv) {
    Map<String, Quantity> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], new Quantity(kv[i + 1]));
    }
    return m;
  }

  @Test
  void parsesTheNativeResourcesAndScalarResourcesByName() {
    Resource r =
        Resource.of(
            list(
                "cpu", "1500m",
                "memory", "1Gi",
                "ephemeral-storage", "2Gi",
                "pods", "110",
                "example.com/gpu", "2",
                "hugepages-2Mi", "4Mi",
                "attachable-volumes-csi-ebs", "25"),
            "Node n1: status.allocatable");
    assertThat(r.milliCpu()).isEqualTo(1500);
    assertThat(r.memory()).isEqualTo(1L << 30);
    assertThat(r.ephemeralStorage()).isEqualTo(2L << 30);
    assertThat(r.allowedPodNumber()).isEqualTo(110);
    assertThat(r.scalarResources())
        .containsExactly(
            Map.entry("attachable-volumes-csi-ebs", 25L),
            Map.entry("example.com/gpu", 2L),
            Map.entry("hugepages-2Mi", 4L << 20));
    assertThat(r.get("cpu")).isEqualTo(1500);
    assertThat(r.get("memory")).isEqualTo(1L << 30);
    assertThat(r.get("ephemeral-storage")).isEqualTo(2L << 30);
    assertThat(r.get("pods")).isEqualTo(110);
    assertThat(r.get("example.com/gpu")).isEqualTo(2);
    assertThat(r.get("example.com/absent")).isZero();
    assertThat(r.scalar("hugepages-2Mi")).isEqualTo(4L << 20);
    assertThat(r.scalar("nope")).isZero();
  }

  @Test
  void namesThatAreNeitherNativeNorScalarAreIgnoredButStillParsed() {
    // "storage" is a valid resource name but not one the scheduler counts (Resource.Add).
    assertThat(Resource.of(list("storage", "10Gi", "cpu", "1"), "x"))
        .isEqualTo(Resource.of(1000, 0));
    assertThatThrownBy(() -> Resource.of(list("storage", "lots"), "Pod default/a: requests"))
        .hasMessage("Pod default/a: requests.storage \"lots\" is not a quantity");
  }

  @Test
  void anExplicitZeroScalarIsKeptAsUpstreamsScalarResourcesMapKeepsIt() {
    Resource r = Resource.of(list("example.com/foo", "0"), "Pod default/a: requests");
    assertThat(r.scalarResources()).containsExactly(Map.entry("example.com/foo", 0L));
    assertThat(r).isNotEqualTo(Resource.ZERO);
    assertThat(r.isZero()).as("no amount, though a name").isTrue();
    assertThat(Resource.of(0, 0).withScalar("x.io/y", 0).scalarResources()).containsKey("x.io/y");
  }

  @Test
  void arithmeticKeepsEveryNameEitherSideHad() {
    Resource gpu = Resource.of(100, 0).withScalar("example.com/gpu", 1);
    Resource back = gpu.subtract(gpu);
    // upstream: n.requestedResource.ScalarResources[name] -= q leaves the entry at zero
    assertThat(back.scalarResources()).containsExactly(Map.entry("example.com/gpu", 0L));
    assertThat(back.isZero()).isTrue();
    Resource other = Resource.of(0, 5).withScalar("example.com/fpga", 3);
    assertThat(gpu.add(other))
        .isEqualTo(
            new Resource(
                100,
                5,
                0,
                0,
                new TreeMap<>(Map.of("example.com/gpu", 1L, "example.com/fpga", 3L))));
    assertThat(other.subtract(gpu).scalarResources())
        .containsExactly(Map.entry("example.com/fpga", 3L), Map.entry("example.com/gpu", -1L));
  }

  @Test
  void maxIsPerResource() {
    Resource a = new Resource(500, 10, 7, 1, Map.of("example.com/gpu", 1L));
    Resource b = new Resource(200, 20, 3, 2, Map.of("example.com/gpu", 2L, "hugepages-1Gi", 5L));
    assertThat(a.max(b))
        .isEqualTo(new Resource(500, 20, 7, 2, Map.of("example.com/gpu", 2L, "hugepages-1Gi", 5L)));
  }

  @Test
  void maxAddsAScalarNameOnlyForAnAmountAboveZeroAsUpstreamsSetMaxResource() {
    Resource none = Resource.of(100, 10);
    Resource zeroGpu = new Resource(0, 0, 0, 0, Map.of("example.com/gpu", 0L));
    assertThat(none.max(zeroGpu)).isEqualTo(none);
    assertThat(none.max(zeroGpu).scalarResources()).isEmpty();
    Resource negative = new Resource(0, 0, 0, 0, Map.of("example.com/gpu", -1L));
    assertThat(none.max(negative).scalarResources()).isEmpty();
    Resource twoGpus = new Resource(0, 0, 0, 0, Map.of("example.com/gpu", 2L));
    assertThat(none.max(twoGpus).scalarResources())
        .containsExactly(Map.entry("example.com/gpu", 2L));
    assertThat(twoGpus.max(zeroGpu)).isEqualTo(twoGpus);
  }

  @Test
  void isZeroLooksAtEveryAmount() {
    assertThat(Resource.ZERO.isZero()).isTrue();
    assertThat(Resource.of(1, 0).isZero()).isFalse();
    assertThat(Resource.of(0, 1).isZero()).isFalse();
    assertThat(new Resource(0, 0, 1, 0, Map.of()).isZero()).isFalse();
    assertThat(new Resource(0, 0, 0, 1, Map.of()).isZero()).isFalse();
    assertThat(new Resource(0, 0, 0, 0, Map.of("a.io/b", 0L, "a.io/c", 2L)).isZero()).isFalse();
  }

  @Test
  void scalarResourcesAreSortedUnmodifiableCopies() {
    Map<String, Long> input = new LinkedHashMap<>();
    input.put("z.io/z", 1L);
    input.put("a.io/a", 2L);
    Resource r = new Resource(0, 0, 0, 0, input);
    input.put("m.io/m", 3L);
    assertThat(r.scalarResources().keySet()).containsExactly("a.io/a", "z.io/z");
    assertThatThrownBy(() -> r.scalarResources().put("x", 1L))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(new Resource(0, 0, 0, 0, null).scalarResources()).isEmpty();
  }

  @Test
  void withersChangeOnlyTheirField() {
    Resource r = new Resource(1, 2, 3, 4, Map.of("a.io/b", 5L));
    assertThat(r.withAllowedPodNumber(9)).isEqualTo(new Resource(1, 2, 3, 9, Map.of("a.io/b", 5L)));
    assertThat(r.withScalar("a.io/b", 6)).isEqualTo(new Resource(1, 2, 3, 4, Map.of("a.io/b", 6L)));
  }

  @Test
  void toStringNamesEveryAmount() {
    assertThat(new Resource(250, 1024, 7, 3, Map.of("example.com/gpu", 0L)))
        .hasToString("{cpu=250m, memory=1024, ephemeral-storage=7, pods=3, example.com/gpu=0}");
  }
}
