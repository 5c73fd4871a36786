package io.kubelab.kubelet.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The summary the eviction manager reads (upstream {@code stats/v1alpha1} types): node stats are
 * required, absent lists read as empty as Go's nil slices do, and a summary never changes after it
 * is taken.
 */
class SummaryTest {

  @Test
  void aSummaryWithoutNodeStatsIsRefusedNamingTheField() {
    assertThatThrownBy(() -> new Summary(null, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Summary: node stats must not be null");
  }

  @Test
  void absentListsReadAsEmpty() {
    Summary.NodeStats node = new Summary.NodeStats("n", null, null, null, null, null);
    assertThat(node.systemContainers()).isEmpty();
    assertThat(new Summary(node, null).pods()).isEmpty();
    Summary.PodStats pod = new Summary.PodStats(null, null, null, null);
    assertThat(pod.containers()).isEmpty();
    assertThat(pod.volumeStats()).isEmpty();
  }

  @Test
  void aSummaryIsASnapshotThatLaterChangesToTheCallersListsDoNotReach() {
    List<Summary.ContainerStats> system = new ArrayList<>();
    system.add(new Summary.ContainerStats(Summary.SYSTEM_CONTAINER_PODS, null, null, null));
    List<Summary.ContainerStats> containers = new ArrayList<>();
    containers.add(new Summary.ContainerStats("app", null, null, null));
    List<Summary.VolumeStats> volumes = new ArrayList<>();
    volumes.add(new Summary.VolumeStats("data", Summary.FsStats.used(10L, 1L)));
    List<Summary.PodStats> pods = new ArrayList<>();
    pods.add(new Summary.PodStats(null, containers, null, volumes));
    Summary s = new Summary(new Summary.NodeStats("n", null, null, null, null, system), pods);

    system.clear();
    containers.clear();
    volumes.clear();
    pods.clear();

    assertThat(s.node().systemContainers())
        .extracting(Summary.ContainerStats::name)
        .containsExactly("pods");
    assertThat(s.pods()).hasSize(1);
    assertThat(s.pods().get(0).containers())
        .extracting(Summary.ContainerStats::name)
        .containsExactly("app");
    assertThat(s.pods().get(0).volumeStats())
        .extracting(Summary.VolumeStats::name)
        .containsExactly("data");
  }

  @Test
  void containerAndVolumeFsStatsCarryUsageOnly() {
    assertThat(Summary.FsStats.used(100L, 7L))
        .isEqualTo(new Summary.FsStats(null, null, null, 100L, null, null, 7L));
  }
}
