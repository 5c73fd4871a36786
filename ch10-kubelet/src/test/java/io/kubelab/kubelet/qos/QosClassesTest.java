package io.kubelab.kubelet.qos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.Fixtures;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/** GetPodQOS: upstream's table ({@code qos_test.go}), then a property against a reference. */
class QosClassesTest {

  /** One container: cpu and memory requests and limits, "" when absent. */
  record C(String reqCpu, String reqMem, String limCpu, String limMem) {}

  private static Pod pod(List<C> containers, List<C> inits) {
    Fixtures.PodFixture f = Fixtures.pod("p");
    int i = 0;
    for (C c : containers) {
      f.container("c" + i++);
      fill(f, c);
    }
    for (C c : inits) {
      f.initContainer("i" + i++);
      fill(f, c);
    }
    return f.build();
  }

  private static void fill(Fixtures.PodFixture f, C c) {
    if (!c.reqCpu().isEmpty()) {
      f.request("cpu", c.reqCpu());
    }
    if (!c.reqMem().isEmpty()) {
      f.request("memory", c.reqMem());
    }
    if (!c.limCpu().isEmpty()) {
      f.limit("cpu", c.limCpu());
    }
    if (!c.limMem().isEmpty()) {
      f.limit("memory", c.limMem());
    }
  }

  private static C c(String cpu, String mem, String limCpu, String limMem) {
    return new C(cpu, mem, limCpu, limMem);
  }

  static Stream<Arguments> upstreamTable() {
    C guaranteed = c("100m", "100Mi", "100m", "100Mi");
    C bestEffort = c("", "", "", "");
    return Stream.of(
        Arguments.of("guaranteed", List.of(guaranteed), List.of(), QosClass.GUARANTEED),
        Arguments.of(
            "guaranteed-guaranteed",
            List.of(guaranteed, guaranteed),
            List.of(),
            QosClass.GUARANTEED),
        Arguments.of(
            "best-effort-best-effort",
            List.of(bestEffort, bestEffort),
            List.of(),
            QosClass.BEST_EFFORT),
        Arguments.of("best-effort", List.of(bestEffort), List.of(), QosClass.BEST_EFFORT),
        Arguments.of(
            "best-effort-burstable",
            List.of(bestEffort, c("1", "", "2", "")),
            List.of(),
            QosClass.BURSTABLE),
        Arguments.of(
            "best-effort-guaranteed",
            List.of(bestEffort, c("10m", "100Mi", "10m", "100Mi")),
            List.of(),
            QosClass.BURSTABLE),
        Arguments.of(
            "burstable-cpu-guaranteed-memory",
            List.of(c("", "100Mi", "", "100Mi")),
            List.of(),
            QosClass.BURSTABLE),
        Arguments.of(
            "burstable-no-limits",
            List.of(c("100m", "100Mi", "", "")),
            List.of(),
            QosClass.BURSTABLE),
        Arguments.of(
            "burstable-guaranteed",
            List.of(c("1", "100Mi", "2", "100Mi"), guaranteed),
            List.of(),
            QosClass.BURSTABLE),
        Arguments.of(
            "burstable-unbounded-but-requests-match-limits",
            List.of(c("100m", "100Mi", "200m", "200Mi"), c("100m", "100Mi", "", "")),
            List.of(),
            QosClass.BURSTABLE),
        Arguments.of(
            "burstable-1",
            List.of(c("10m", "100Mi", "100m", "200Mi")),
            List.of(),
            QosClass.BURSTABLE),
        Arguments.of(
            "burstable-2", List.of(c("0", "0", "100m", "200Mi")), List.of(), QosClass.BURSTABLE),
        Arguments.of(
            "init-container",
            List.of(bestEffort),
            List.of(c("10m", "100Mi", "100m", "200Mi")),
            QosClass.BURSTABLE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("upstreamTable")
  void upstreamCases(String name, List<C> containers, List<C> inits, QosClass expected) {
    assertThat(QosClasses.getPodQos(pod(containers, inits))).isEqualTo(expected);
  }

  @Test
  void hugePagesAndExtendedResourcesNeverChangeTheClass() {
    // upstream "best-effort-hugepages": zero cpu and memory, 1Gi of hugepages-2Mi
    Pod hugepages =
        Fixtures.pod("p")
            .container("c")
            .requests("0", "0")
            .limits("0", "0")
            .request("hugepages-2Mi", "1Gi")
            .limit("hugepages-2Mi", "1Gi")
            .build();
    assertThat(QosClasses.getPodQos(hugepages)).isEqualTo(QosClass.BEST_EFFORT);
    Pod gpu =
        Fixtures.pod("p")
            .container("c")
            .requests("1", "1Gi")
            .limits("1", "1Gi")
            .request("nvidia.com/gpu", "1")
            .build();
    assertThat(QosClasses.getPodQos(gpu)).isEqualTo(QosClass.GUARANTEED);
    assertThat(QosClass.BEST_EFFORT).hasToString("BestEffort");
  }

  @Test
  void requestsAndLimitsAreComparedSummedAndExactly() {
    // 500m + 500m of requests equal a 1-core limit split 300m + 700m: still Guaranteed.
    Pod split =
        pod(
            List.of(c("500m", "1Gi", "300m", "512Mi"), c("500m", "1Gi", "700m", "1536Mi")),
            List.of());
    assertThat(QosClasses.getPodQos(split)).isEqualTo(QosClass.GUARANTEED);
    // 1Gi and 1073741824 are the same amount; 1G is not.
    assertThat(QosClasses.getPodQos(pod(List.of(c("1", "1Gi", "1", "1073741824")), List.of())))
        .isEqualTo(QosClass.GUARANTEED);
    assertThat(QosClasses.getPodQos(pod(List.of(c("1", "1G", "1", "1Gi")), List.of())))
        .isEqualTo(QosClass.BURSTABLE);
  }

  @Test
  void aBadQuantityNamesThePodAndField() {
    assertThatThrownBy(() -> QosClasses.getPodQos(pod(List.of(c("lots", "", "", "")), List.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Pod default/p: container c0 resources.requests.cpu");
  }

  // ---- property: the class equals a direct reference computation -----------------------------

  private static final Gen<String> CPU =
      Generate.pick(List.of("", "", "0", "100m", "250m", "0.25", "1", "2"));
  private static final Gen<String> MEM =
      Generate.pick(List.of("", "", "0", "64Mi", "128Mi", "134217728", "1Gi", "1G"));
  private static final Gen<C> CONTAINERS =
      CPU.zip(CPU, MEM, MEM, (rc, lc, rm, lm) -> new C(rc, rm, lc, lm))
          .mix(CPU.zip(MEM, (cpu, mem) -> new C(cpu, mem, cpu, mem)), 40);

  @Test
  void theClassIsWhatTheDefinitionSays() {
    qt().withFixedSeed(1917L)
        .withExamples(1000)
        .forAll(
            SourceDSL.lists().of(CONTAINERS).ofSizeBetween(1, 3),
            SourceDSL.lists().of(CONTAINERS).ofSizeBetween(0, 2))
        .checkAssert(
            (containers, inits) ->
                assertThat(QosClasses.getPodQos(pod(containers, inits)))
                    .as("%s + init %s", containers, inits)
                    .isEqualTo(reference(containers, inits)));
  }

  /**
   * The definition, written independently: BestEffort when no container sets any positive CPU or
   * memory request or limit; Guaranteed when every container has positive CPU and memory limits
   * and, per resource, the total of positive requests equals the total of positive limits (a
   * resource requested but not limited, or limited but not requested, breaks it); else Burstable.
   */
  private static QosClass reference(List<C> containers, List<C> inits) {
    List<C> all = new ArrayList<>(containers);
    all.addAll(inits);
    BigDecimal reqCpu = BigDecimal.ZERO;
    BigDecimal reqMem = BigDecimal.ZERO;
    BigDecimal limCpu = BigDecimal.ZERO;
    BigDecimal limMem = BigDecimal.ZERO;
    boolean everyLimited = true;
    for (C c : all) {
      reqCpu = reqCpu.add(amount(c.reqCpu()));
      reqMem = reqMem.add(amount(c.reqMem()));
      limCpu = limCpu.add(amount(c.limCpu()));
      limMem = limMem.add(amount(c.limMem()));
      everyLimited &= amount(c.limCpu()).signum() > 0 && amount(c.limMem()).signum() > 0;
    }
    if (reqCpu.signum() == 0
        && reqMem.signum() == 0
        && limCpu.signum() == 0
        && limMem.signum() == 0) {
      return QosClass.BEST_EFFORT;
    }
    boolean equal = reqCpu.compareTo(limCpu) == 0 && reqMem.compareTo(limMem) == 0;
    return everyLimited && equal ? QosClass.GUARANTEED : QosClass.BURSTABLE;
  }

  /** The few quantities the generator uses, by hand; absent and zero are both nothing. */
  private static BigDecimal amount(String q) {
    return switch (q) {
      case "", "0" -> BigDecimal.ZERO;
      case "100m" -> new BigDecimal("0.1");
      case "250m", "0.25" -> new BigDecimal("0.25");
      case "64Mi" -> BigDecimal.valueOf(64L << 20);
      case "128Mi", "134217728" -> BigDecimal.valueOf(128L << 20);
      case "1Gi" -> BigDecimal.valueOf(1L << 30);
      case "1G" -> BigDecimal.valueOf(1_000_000_000L);
      default -> new BigDecimal(q);
    };
  }
}
