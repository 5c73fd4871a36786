package io.kubelab.scheduler.framework.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.resource.Resource;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.PluginArgs;
import io.kubelab.scheduler.framework.ScorePlugin;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The request v1.18's resource score plugins score with ({@code calculatePodResourceRequest}), and
 * the RequestedToCapacityRatio plugin's arguments.
 */
class ScoringRequestTest {

  private static final long MI = 1024L * 1024;

  private final Parallelizer parallelizer = new Parallelizer("scoring-request", 1);

  @AfterEach
  void close() {
    parallelizer.close();
  }

  @Test
  void containersAddUpAndALargerInitContainerWins() {
    Pod pod =
        Fixtures.pod("p")
            .container("a")
            .requests("100m", "100Mi")
            .container("b")
            .requests("200m", "300Mi")
            .initContainer("init")
            .requests("2", "200Mi")
            .build();

    Resource r = ScoringRequest.of(pod);

    assertThat(r.milliCpu()).isEqualTo(2000);
    assertThat(r.memory()).isEqualTo(400 * MI);
  }

  @Test
  void overheadIsAddedWithQuantityValue() {
    Pod pod = Fixtures.pod("p").requests("100m", "100Mi").build();
    Map<String, Quantity> overhead = new LinkedHashMap<>();
    overhead.put("cpu", new Quantity("2"));
    overhead.put("memory", new Quantity("10Mi"));
    overhead.put("ephemeral-storage", new Quantity("1Gi"));
    overhead.put("example.com/gpu", new Quantity("1"));
    overhead.put("pods", new Quantity("3"));
    pod.getSpec().setOverhead(overhead);

    Resource r = ScoringRequest.of(pod);

    // Quantity.Value() of "2" CPUs is 2, added to milli-CPUs as upstream adds it.
    assertThat(r.milliCpu()).isEqualTo(102);
    assertThat(r.memory()).isEqualTo(110 * MI);
    assertThat(r.ephemeralStorage()).isEqualTo(1024 * MI);
    assertThat(r.scalarResources()).containsExactly(Map.entry("example.com/gpu", 1L));
  }

  @Test
  void anEmptyOverheadAddsNothing() {
    Pod pod = Fixtures.pod("p").requests("100m", "100Mi").build();
    pod.getSpec().setOverhead(Map.of());

    assertThat(ScoringRequest.of(pod)).isEqualTo(new Resource(100, 100 * MI, 0, 0, Map.of()));
  }

  private FrameworkImpl handle(Node node) {
    return PluginHandles.builder(Snapshot.of(List.of(), List.of(node)), parallelizer).build();
  }

  private static PluginArgs args(String json) {
    return PluginArgs.of(JsonMapper.builder().build().readTree(json), "test");
  }

  @Test
  void requestedToCapacityRatioScoresTheGivenResourcesOnItsShape() {
    Node node = Fixtures.node("n").allocatable("4", "4Gi").build();
    FrameworkImpl h = handle(node);
    Pod pod = Fixtures.pod("p").requests("2", "1Gi").build();
    String shape =
        "\"shape\": [{\"utilization\": 0, \"score\": 0}, {\"utilization\": 100, \"score\": 10}]";

    ScorePlugin cpuOnly =
        (ScorePlugin)
            InTreeRegistry.create()
                .factory(ResourceScorePlugin.REQUESTED_TO_CAPACITY_RATIO)
                .create(
                    args("{" + shape + ", \"resources\": [{\"name\": \"cpu\", \"weight\": 1}]}"),
                    h);
    assertThat(cpuOnly.name()).isEqualTo("RequestedToCapacityRatio");
    assertThat(cpuOnly.score(new CycleState(), pod, "n")).isEqualTo(50);

    // Without resources: CPU and memory, weight 1 each.
    ScorePlugin both =
        (ScorePlugin)
            InTreeRegistry.create()
                .factory(ResourceScorePlugin.REQUESTED_TO_CAPACITY_RATIO)
                .create(args("{" + shape + "}"), h);
    assertThat(both.score(new CycleState(), pod, "n")).isEqualTo(38);
  }

  @Test
  void requestedToCapacityRatioNeedsAShape() {
    assertThatThrownBy(
            () ->
                InTreeRegistry.create()
                    .factory(ResourceScorePlugin.REQUESTED_TO_CAPACITY_RATIO)
                    .create(PluginArgs.NONE, handle(Fixtures.node("n").build())))
        .hasMessageContaining("at least one point must be specified");
  }

  @Test
  void everyInTreeNameBuildsThePluginOfThatName() {
    FrameworkImpl h = handle(Fixtures.node("n").build());
    var registry = InTreeRegistry.create();
    for (String name :
        List.of(
            NodeResourceLimits.NAME,
            NonCsiLimits.CINDER_NAME,
            NonCsiLimits.EBS_NAME,
            NonCsiLimits.GCE_PD_NAME,
            NonCsiLimits.AZURE_DISK_NAME,
            ResourceScorePlugin.MOST_ALLOCATED,
            ResourceScorePlugin.LEAST_ALLOCATED,
            ResourceScorePlugin.BALANCED_ALLOCATION)) {
      assertThat(registry.factory(name).create(PluginArgs.NONE, h).name()).isEqualTo(name);
    }
  }
}
