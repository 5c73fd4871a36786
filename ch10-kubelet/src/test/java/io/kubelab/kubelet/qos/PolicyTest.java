package io.kubelab.kubelet.qos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.apimachinery.testing.Generators;
import io.kubelab.kubelet.types.PodUpdateTypes;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * GetContainerOOMScoreAdjust: upstream's table ({@code policy_test.go} at v1.18), then properties.
 */
class PolicyTest {

  private static final long STANDARD_MEMORY = 8_000_000_000L;

  private static int adj(Pod pod, long capacity) {
    return Policy.getContainerOomScoreAdjust(pod, pod.getSpec().getContainers().get(0), capacity);
  }

  static Stream<Arguments> upstreamTable() {
    return Stream.of(
        // cpuLimit: a CPU limit only, no memory request: Burstable with nothing requested
        Arguments.of(
            "cpuLimit",
            Fixtures.pod("p").container("c").limit("cpu", "10").build(),
            4_000_000_000L,
            999,
            999),
        Arguments.of(
            "memoryLimitCPURequest",
            Fixtures.pod("p").container("c").request("cpu", "0").limit("memory", "10G").build(),
            8_000_000_000L,
            999,
            999),
        Arguments.of(
            "zeroMemoryLimit",
            Fixtures.pod("p").container("c").limit("memory", "0").build(),
            7_230_457_451L,
            1000,
            1000),
        Arguments.of(
            "noRequestLimit", Fixtures.pod("p").container("c").build(), 4_000_000_000L, 1000, 1000),
        Arguments.of(
            "equalRequestLimitCPUMemory",
            Fixtures.pod("p").container("c").requests("5m", "10G").limits("5m", "10G").build(),
            123_456_789L,
            -998,
            -998),
        Arguments.of(
            "cpuUnlimitedMemoryLimitedWithRequests",
            Fixtures.pod("p")
                .container("c")
                .requests("5m", String.valueOf(STANDARD_MEMORY / 2))
                .limit("memory", "10G")
                .build(),
            STANDARD_MEMORY,
            495,
            505),
        Arguments.of(
            "requestNoLimit",
            Fixtures.pod("p")
                .container("c")
                .requests("5m", String.valueOf(STANDARD_MEMORY - 1))
                .build(),
            STANDARD_MEMORY,
            2,
            2),
        Arguments.of(
            "critical",
            Fixtures.pod("p")
                .container("c")
                .priority(PodUpdateTypes.SYSTEM_CRITICAL_PRIORITY)
                .build(),
            4_000_000_000L,
            -998,
            -998));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("upstreamTable")
  void upstreamCases(String name, Pod pod, long capacity, int low, int high) {
    assertThat(adj(pod, capacity)).isBetween(low, high);
  }

  @Test
  void staticAndMirrorPodsAreCriticalWhateverTheirResources() {
    Pod fromFile =
        Fixtures.pod("p")
            .annotation(PodUpdateTypes.CONFIG_SOURCE_ANNOTATION_KEY, "file")
            .container("c")
            .build();
    Pod fromApi =
        Fixtures.pod("p")
            .annotation(PodUpdateTypes.CONFIG_SOURCE_ANNOTATION_KEY, "api")
            .container("c")
            .build();
    Pod mirror =
        Fixtures.pod("p")
            .annotation(PodUpdateTypes.CONFIG_MIRROR_ANNOTATION_KEY, "x")
            .container("c")
            .build();
    Pod almostCritical =
        Fixtures.pod("p")
            .container("c")
            .priority(PodUpdateTypes.SYSTEM_CRITICAL_PRIORITY - 1)
            .build();
    assertThat(adj(fromFile, STANDARD_MEMORY)).isEqualTo(-998);
    assertThat(adj(mirror, STANDARD_MEMORY)).isEqualTo(-998);
    assertThat(adj(fromApi, STANDARD_MEMORY)).as("BestEffort").isEqualTo(1000);
    assertThat(adj(almostCritical, STANDARD_MEMORY)).isEqualTo(1000);
  }

  @Test
  void theBurstableFormulaUsesTheContainersOwnRequestInIntegerArithmetic() {
    Pod pod =
        Fixtures.pod("p")
            .container("small")
            .requests("100m", "1000")
            .container("big")
            .requests("100m", "3999")
            .build();
    // 1000 - 1000*1000/8000 = 875; 1000 - 1000*3999/8000 = 1000 - 499 (truncated) = 501.
    assertThat(Policy.getContainerOomScoreAdjust(pod, pod.getSpec().getContainers().get(0), 8000))
        .isEqualTo(875);
    assertThat(Policy.getContainerOomScoreAdjust(pod, pod.getSpec().getContainers().get(1), 8000))
        .isEqualTo(501);
    assertThatThrownBy(() -> adj(pod, 0)).hasMessageContaining("memory capacity must be positive");
  }

  @Test
  void scoresStayInTheirBandsAndFallAsTheMemoryRequestGrows() {
    qt().withFixedSeed(1818L)
        .withExamples(2000)
        .forAll(
            Generators.pods(),
            SourceDSL.longs().between(1, 1L << 40),
            Generate.longRange(0, 1L << 41),
            Generate.longRange(0, 1L << 41))
        .checkAssert(
            (pod, capacity, a, b) -> {
              int score = adj(pod, capacity);
              QosClass qos = QosClasses.getPodQos(pod);
              if (PodUpdateTypes.isCriticalPod(pod) || qos == QosClass.GUARANTEED) {
                assertThat(score).isEqualTo(-998);
              } else if (qos == QosClass.BEST_EFFORT) {
                assertThat(score).isEqualTo(1000);
              } else {
                assertThat(score).as("Burstable").isBetween(2, 999);
              }
              // Monotone: of two Burstable containers, the larger memory request never scores more.
              Pod burstable =
                  Fixtures.pod("b")
                      .container("small")
                      .request("memory", String.valueOf(Math.min(a, b)))
                      .container("large")
                      .request("memory", String.valueOf(Math.max(a, b)))
                      .build();
              int small =
                  Policy.getContainerOomScoreAdjust(
                      burstable, burstable.getSpec().getContainers().get(0), capacity);
              int large =
                  Policy.getContainerOomScoreAdjust(
                      burstable, burstable.getSpec().getContainers().get(1), capacity);
              assertThat(large)
                  .as("%d vs %d of %d", Math.max(a, b), Math.min(a, b), capacity)
                  .isLessThanOrEqualTo(small);
              assertThat(small).isBetween(2, 999);
            });
  }
}
