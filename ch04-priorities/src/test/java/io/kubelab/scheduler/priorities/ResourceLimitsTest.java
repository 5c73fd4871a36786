package io.kubelab.scheduler.priorities;

import static io.kubelab.scheduler.priorities.TestSupport.expect;
import static io.kubelab.scheduler.priorities.TestSupport.makeNode;
import static io.kubelab.scheduler.priorities.TestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.resource.Resource;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Upstream's {@code TestResourceLimitsPriority}, each case with and without metadata. */
class ResourceLimitsTest {

  private static Map<String, Long> limits(Pod pod, List<Node> nodes) {
    Map<String, Long> without =
        run(ResourceLimits::resourceLimitsPriorityMap, null, null, pod, List.of(), nodes);
    Snapshot s = Snapshot.of(List.of(), nodes);
    PodPriorityMetadata meta = new MetadataFactory().produce(pod, s.list(), s);
    assertThat(run(ResourceLimits::resourceLimitsPriorityMap, null, meta, pod, List.of(), nodes))
        .isEqualTo(without);
    return without;
  }

  private static Pod limited(String cpu1, String mem1, String cpu2, String mem2) {
    return Fixtures.pod("p")
        .container("c1")
        .limits(cpu1, mem1)
        .container("c2")
        .limits(cpu2, mem2)
        .build();
  }

  @Test
  void aPodWithoutLimitsScoresZeroEverywhere() {
    assertThat(
            limits(
                Fixtures.pod("p").noContainers().build(),
                List.of(
                    makeNode("machine1", 4000, 10000),
                    makeNode("machine2", 4000, 0),
                    makeNode("machine3", 0, 10000),
                    makeNode("machine4", 0, 0))))
        .isEqualTo(expect("machine1", 0, "machine2", 0, "machine3", 0, "machine4", 0));
  }

  @Test
  void aCpuLimitCountsWhereItFits() {
    // limits 1000m + 2000m = 3000m: fits 3000, not 2000
    assertThat(
            limits(
                limited("1000m", "0", "2000m", "0"),
                List.of(makeNode("machine1", 3000, 10000), makeNode("machine2", 2000, 10000))))
        .isEqualTo(expect("machine1", 1, "machine2", 0));
  }

  @Test
  void aMemoryLimitCountsWhereItFits() {
    // limits 2000 + 3000 bytes = 5000: not in 4000, fits 10000
    assertThat(
            limits(
                limited("0", "2000", "0", "3000"),
                List.of(makeNode("machine1", 4000, 4000), makeNode("machine2", 5000, 10000))))
        .isEqualTo(expect("machine1", 0, "machine2", 1));
  }

  @Test
  void eitherLimitFittingIsEnough() {
    assertThat(
            limits(
                limited("1000m", "2000", "2000m", "3000"),
                List.of(makeNode("machine1", 4000, 4000), makeNode("machine2", 5000, 10000))))
        .isEqualTo(expect("machine1", 1, "machine2", 1));
  }

  @Test
  void aNodeThatAdvertisesNothingScoresZero() {
    assertThat(
            limits(limited("1000m", "2000", "2000m", "3000"), List.of(makeNode("machine1", 0, 0))))
        .isEqualTo(expect("machine1", 0));
  }

  @Test
  void initContainerLimitsCountAsTheMaximum() {
    Pod pod =
        Fixtures.pod("p")
            .container("a")
            .limits("500m", "1Gi")
            .container("b")
            .limits("500m", "1Gi")
            .initContainer("init")
            .limits("1500m", "1Gi")
            .build();
    assertThat(ResourceLimits.getResourceLimits(pod)).isEqualTo(Resource.of(1500, 2L << 30));
  }
}
