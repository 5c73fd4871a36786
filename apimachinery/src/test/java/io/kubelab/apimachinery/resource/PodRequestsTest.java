package io.kubelab.apimachinery.resource;

import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kubelab.apimachinery.testing.Generators;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class PodRequestsTest {

  @Test
  void requestIsTheSumOfContainersThenTheMaxWithEachInitContainerPlusOverhead() {
    Pod p =
        pod("web-1")
            .container("app")
            .requests("500m", "1Gi")
            .container("sidecar")
            .requests("100m", "128Mi")
            .request("example.com/gpu", "1")
            .initContainer("migrate")
            .requests("1", "256Mi")
            .request("example.com/gpu", "2")
            .initContainer("warm")
            .requests("200m", "2Gi")
            .overhead("10m", "32Mi")
            .build();

    Resource r = PodRequests.of(p);

    // cpu: max(600m, 1000m, 200m) + 10m; memory: max(1152Mi, 256Mi, 2Gi) + 32Mi
    assertThat(r.milliCpu()).isEqualTo(1010);
    assertThat(r.memory()).isEqualTo((2048L + 32) << 20);
    assertThat(r.scalar("example.com/gpu")).isEqualTo(2);
  }

  @Test
  void nonZeroAssumesDefaultsPerContainerThatOmitsARequestButKeepsAnExplicitZero() {
    Pod p =
        pod("a")
            .container("no-requests")
            .container("cpu-only")
            .requests("250m", null)
            .container("explicit-zero")
            .requests("0", "0")
            .build();
    List<Container> cs = p.getSpec().getContainers();

    assertThat(PodRequests.containerNonZero(cs.get(0), "p", "c"))
        .isEqualTo(Resource.of(100, PodRequests.DEFAULT_MEMORY_REQUEST));
    assertThat(PodRequests.containerNonZero(cs.get(1), "p", "c"))
        .isEqualTo(Resource.of(250, PodRequests.DEFAULT_MEMORY_REQUEST));
    assertThat(PodRequests.containerNonZero(cs.get(2), "p", "c")).isEqualTo(Resource.of(0, 0));
    assertThat(PodRequests.of(p)).isEqualTo(Resource.of(250, 0));
  }

  @Test
  void nonZeroIgnoresEverythingButCpuAndMemory() {
    Pod p = pod("a").requests(null, "1Gi").request("example.com/gpu", "1").build();
    assertThat(PodRequests.containerNonZero(p.getSpec().getContainers().get(0), "p", "c"))
        .isEqualTo(Resource.of(PodRequests.DEFAULT_MILLI_CPU_REQUEST, 1L << 30));
  }

  @Test
  void aBadNonZeroQuantityNamesThePodAndTheField() {
    Pod p = pod("web-1").requests("1", "lots").build();
    assertThatThrownBy(
            () ->
                PodRequests.containerNonZero(
                    p.getSpec().getContainers().get(0), "Pod default/web-1", "spec.containers[0]"))
        .hasMessage(
            "Pod default/web-1: spec.containers[0].resources.requests.memory \"lots\" is not a"
                + " quantity");
  }

  @Test
  void badQuantitiesNameThePodAndTheField() {
    Pod p = pod("web-1").container("app").build();
    p.getSpec()
        .getContainers()
        .get(0)
        .setResources(new io.fabric8.kubernetes.api.model.ResourceRequirements());
    p.getSpec()
        .getContainers()
        .get(0)
        .getResources()
        .setRequests(Map.of("cpu", new Quantity("lots")));
    assertThatThrownBy(() -> PodRequests.of(p))
        .hasMessage(
            "Pod default/web-1: spec.containers[0].resources.requests.cpu \"lots\" is not a quantity");
  }

  @Test
  void aPodWithoutSpecIsAClearError() {
    Pod p = pod("a").build();
    p.setSpec(null);
    assertThatThrownBy(() -> PodRequests.of(p)).hasMessage("Pod default/a: spec is missing");
  }

  /** An independent reference: exact decimals per resource name, rounded up once per quantity. */
  private static Map<String, Long> reference(Pod pod) {
    Map<String, Long> sum = new HashMap<>();
    for (Container c : pod.getSpec().getContainers()) {
      containerRequests(c, false).forEach((k, v) -> sum.merge(k, v, Long::sum));
    }
    for (Container c : pod.getSpec().getInitContainers()) {
      containerRequests(c, false).forEach((k, v) -> sum.merge(k, v, Math::max));
    }
    Map<String, Quantity> overhead = pod.getSpec().getOverhead();
    if (overhead != null) {
      overhead.forEach((k, q) -> sum.merge(k, ceil(k, q), Long::sum));
    }
    return sum;
  }

  private static Map<String, Long> containerRequests(Container c, boolean nonZero) {
    Map<String, Long> m = new HashMap<>();
    Map<String, Quantity> req =
        c.getResources() == null || c.getResources().getRequests() == null
            ? Map.of()
            : c.getResources().getRequests();
    req.forEach(
        (k, q) -> {
          if (!nonZero || k.equals("cpu") || k.equals("memory")) {
            m.put(k, ceil(k, q));
          }
        });
    if (nonZero) {
      m.putIfAbsent("cpu", 100L);
      m.putIfAbsent("memory", 200L * 1024 * 1024);
    }
    return m;
  }

  private static long ceil(String name, Quantity q) {
    BigDecimal exact = new BigDecimal(q.getAmount()).multiply(suffix(q.getFormat()));
    if (name.equals("cpu")) {
      exact = exact.movePointRight(3);
    }
    return exact.setScale(0, RoundingMode.CEILING).longValueExact();
  }

  /** The suffixes the generators write, spelled out independently of Quantities. */
  private static BigDecimal suffix(String format) {
    if (format == null || format.isEmpty()) {
      return BigDecimal.ONE;
    }
    if (format.startsWith("e")) {
      return BigDecimal.ONE.scaleByPowerOfTen(Integer.parseInt(format.substring(1)));
    }
    return switch (format) {
      case "m" -> new BigDecimal("0.001");
      case "k" -> new BigDecimal("1000");
      case "M" -> new BigDecimal("1000000");
      case "G" -> new BigDecimal("1000000000");
      case "Ki" -> new BigDecimal(1024);
      case "Mi" -> new BigDecimal(1024 * 1024);
      case "Gi" -> new BigDecimal(1024L * 1024 * 1024);
      default -> throw new AssertionError("generator wrote an unexpected suffix " + format);
    };
  }

  @Test
  void requestsObeyTheInitContainerMaxRuleOnGeneratedPods() {
    qt().withFixedSeed(1812L)
        .withExamples(400)
        .forAll(Generators.pods())
        .checkAssert(
            p -> {
              Resource r = PodRequests.of(p);
              Map<String, Long> want = reference(p);
              for (String name : new TreeSet<>(want.keySet())) {
                assertThat(r.get(name))
                    .as(name + " of " + p.getMetadata().getName())
                    .isEqualTo(want.get(name));
              }
              // and the rule itself, stated directly: no smaller than any init container alone
              List<Container> inits = p.getSpec().getInitContainers();
              for (int i = 0; i < inits.size(); i++) {
                Resource init = PodRequests.containerRequests(inits.get(i), "p", "i");
                assertThat(r.milliCpu()).isGreaterThanOrEqualTo(init.milliCpu());
                assertThat(r.memory()).isGreaterThanOrEqualTo(init.memory());
              }
            });
  }

  @Test
  void nonZeroRequestsMatchTheReferenceOnGeneratedContainers() {
    qt().withFixedSeed(1813L)
        .withExamples(400)
        .forAll(Generators.pods())
        .checkAssert(
            p -> {
              for (Container c : p.getSpec().getContainers()) {
                Map<String, Long> want = containerRequests(c, true);
                assertThat(PodRequests.containerNonZero(c, "p", "c"))
                    .isEqualTo(Resource.of(want.get("cpu"), want.get("memory")));
              }
            });
  }
}
