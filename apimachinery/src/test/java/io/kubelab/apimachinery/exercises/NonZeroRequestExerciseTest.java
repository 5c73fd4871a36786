package io.kubelab.apimachinery.exercises;

import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubelab.apimachinery.resource.Resource;
import io.kubelab.apimachinery.testing.Generators;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Grades {@link NonZeroRequestExercise} (chapter 00, "Write it"): upstream's table for one
 * container, worked examples for whole pods, and properties any correct answer has (v1.18.0's
 * {@code calculateResource}: regular containers and overhead, never init containers). Run with
 * {@code ./mvnw -B -pl apimachinery test -Pexercise -Dtest=NonZeroRequestExerciseTest}.
 */
@Tag("exercise")
class NonZeroRequestExerciseTest {

  private static final long MI = 1024L * 1024;

  /**
   * TestGetNonZeroRequest (pkg/scheduler/util/non_zero_test.go), one container per row, plus an
   * explicit zero. Columns: cpu request, memory request (empty: left out); milli-CPU, bytes.
   */
  @ParameterizedTest(name = "[{index}] cpu={0} memory={1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "",
      value = {
        "    |      | 100 | 209715200",
        "200m|      | 200 | 209715200",
        "    | 400Mi| 100 | 419430400",
        "200m| 400Mi| 200 | 419430400",
        "0   | 0    | 0   | 0",
        "1.5 | 1Gi  | 1500| 1073741824",
      })
  void oneContainerUsesTheDefaultsOnlyForWhatItLeavesOut(
      String cpu, String memory, long milliCpu, long bytes) {
    Pod p = pod("p").requests(cpu, memory).build();
    assertThat(NonZeroRequestExercise.nonZeroRequest(p)).isEqualTo(Resource.of(milliCpu, bytes));
  }

  @Test
  void aPodWithoutRequestsCountsTheDefaultsOncePerContainer() {
    Pod p = pod("p").container("a").container("b").container("c").build();
    assertThat(NonZeroRequestExercise.nonZeroRequest(p)).isEqualTo(Resource.of(300, 600 * MI));
  }

  /**
   * The chapter's picture, as a node counts the pod: containers (500m, -) and (-, 64Mi) give 600m
   * and 264Mi; the init container (1, -) is not counted; the overhead (10m, 32Mi) is added.
   */
  @Test
  void regularContainersAndOverheadCountButInitContainersDoNot() {
    Pod p =
        pod("web")
            .container("app")
            .requests("500m", null)
            .container("sidecar")
            .requests(null, "64Mi")
            .initContainer("migrate")
            .requests("1", null)
            .overhead("10m", "32Mi")
            .build();
    assertThat(NonZeroRequestExercise.nonZeroRequest(p)).isEqualTo(Resource.of(610, 296 * MI));
  }

  @Test
  void anInitContainerWithoutRequestsAddsNoDefaults() {
    Pod p = pod("p").requests("50m", "10Mi").initContainer("init").requests(null, null).build();
    assertThat(NonZeroRequestExercise.nonZeroRequest(p)).isEqualTo(Resource.of(50, 10 * MI));
  }

  @Test
  void overheadCountsOnlyWhatItNames() {
    Pod p = pod("p").requests("1", "1Gi").build();
    p.getSpec()
        .setOverhead(
            new java.util.HashMap<>(
                java.util.Map.of("memory", new io.fabric8.kubernetes.api.model.Quantity("1Mi"))));
    assertThat(NonZeroRequestExercise.nonZeroRequest(p))
        .isEqualTo(Resource.of(1000, 1024 * MI + MI));
  }

  @Test
  void anEmptyContainerAddsExactlyTheDefaults() {
    qt().withFixedSeed(3L)
        .withExamples(300)
        .withShrinkCycles(30)
        .forAll(Generators.pods())
        .checkAssert(
            p -> {
              Resource before = NonZeroRequestExercise.nonZeroRequest(p);
              Resource after =
                  NonZeroRequestExercise.nonZeroRequest(
                      withContainers(p, plus(p.getSpec().getContainers(), empty("extra")), null));
              assertThat(after.milliCpu()).isEqualTo(before.milliCpu() + 100);
              assertThat(after.memory()).isEqualTo(before.memory() + 200 * MI);
            });
  }

  @Test
  void initContainersNeverChangeTheResult() {
    qt().withFixedSeed(5L)
        .withExamples(300)
        .withShrinkCycles(30)
        .forAll(Generators.pods())
        .checkAssert(
            p -> {
              Container copy =
                  new ContainerBuilder(p.getSpec().getContainers().get(0)).withName("copy").build();
              Pod none = withContainers(p, p.getSpec().getContainers(), List.of());
              Pod more =
                  withContainers(
                      p, p.getSpec().getContainers(), plus(p.getSpec().getInitContainers(), copy));
              assertThat(NonZeroRequestExercise.nonZeroRequest(more))
                  .isEqualTo(NonZeroRequestExercise.nonZeroRequest(none));
              assertThat(NonZeroRequestExercise.nonZeroRequest(p))
                  .isEqualTo(NonZeroRequestExercise.nonZeroRequest(none));
            });
  }

  @Test
  void theOrderOfContainersDoesNotMatter() {
    qt().withFixedSeed(7L)
        .withExamples(300)
        .withShrinkCycles(30)
        .forAll(Generators.pods())
        .checkAssert(
            p -> {
              List<Container> c = new ArrayList<>(p.getSpec().getContainers());
              List<Container> i = new ArrayList<>(p.getSpec().getInitContainers());
              Collections.reverse(c);
              Collections.reverse(i);
              assertThat(NonZeroRequestExercise.nonZeroRequest(withContainers(p, c, i)))
                  .isEqualTo(NonZeroRequestExercise.nonZeroRequest(p));
            });
  }

  @Test
  void theResultIsNeverBelowAnyOneRegularContainerPlusTheOverhead() {
    qt().withFixedSeed(11L)
        .withExamples(300)
        .withShrinkCycles(30)
        .forAll(Generators.pods())
        .checkAssert(
            p -> {
              Resource all = NonZeroRequestExercise.nonZeroRequest(p);
              for (Container c : p.getSpec().getContainers()) {
                Resource alone =
                    NonZeroRequestExercise.nonZeroRequest(withContainers(p, List.of(c), List.of()));
                assertThat(all.milliCpu()).isGreaterThanOrEqualTo(alone.milliCpu());
                assertThat(all.memory()).isGreaterThanOrEqualTo(alone.memory());
              }
            });
  }

  private static Container empty(String name) {
    return new ContainerBuilder().withName(name).withImage("busybox").build();
  }

  private static List<Container> plus(List<Container> list, Container c) {
    List<Container> out = new ArrayList<>(list);
    out.add(c);
    return out;
  }

  /** A copy of {@code p} with these containers (and init containers, unless null). */
  private static Pod withContainers(Pod p, List<Container> containers, List<Container> inits) {
    return new PodBuilder(p)
        .editSpec()
        .withContainers(containers)
        .withInitContainers(inits == null ? p.getSpec().getInitContainers() : inits)
        .endSpec()
        .build();
  }
}
