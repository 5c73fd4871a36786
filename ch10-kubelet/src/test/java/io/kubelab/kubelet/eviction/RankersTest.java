package io.kubelab.kubelet.eviction;

import static io.kubelab.kubelet.eviction.EvictionFixtures.memoryStats;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.kubelet.stats.Summary;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rankers: upstream's TestOrderedBy* cases, one per comparator. */
class RankersTest {

  private static Pod pod(String name, int priority, String memReq, String diskReq) {
    Fixtures.PodFixture f = Fixtures.pod(name).uid(name).priority(priority).container(name);
    if (!memReq.isEmpty()) {
      f.request("memory", memReq);
    }
    if (!diskReq.isEmpty()) {
      f.request("ephemeral-storage", diskReq);
    }
    return f.build();
  }

  private static List<String> names(List<Pod> pods) {
    return pods.stream().map(p -> p.getMetadata().getName()).toList();
  }

  private static Map<String, Summary.PodStats> byUid(List<Summary.PodStats> stats) {
    Map<String, Summary.PodStats> m = new HashMap<>();
    stats.forEach(s -> m.put(s.podRef().uid(), s));
    return m;
  }

  @Test
  void memoryRanksByExceedingTheRequestThenPriorityThenUsageAboveIt() {
    Pod below = pod("below-requests", 0, "200Mi", "");
    Pod above = pod("above-requests", 0, "200Mi", "");
    Pod lowPrioBelow = pod("low-priority-below", -1, "1Gi", "");
    Pod highAbove = pod("high-priority-above", 1, "10Mi", "");
    Pod noStats = pod("no-stats", 1, "", "");
    List<Pod> pods = new ArrayList<>(List.of(below, above, lowPrioBelow, highAbove, noStats));
    Map<String, Summary.PodStats> stats =
        byUid(
            List.of(
                memoryStats(below, "100Mi"),
                memoryStats(above, "300Mi"),
                memoryStats(lowPrioBelow, "500Mi"),
                memoryStats(highAbove, "800Mi")));
    Rankers.MEMORY.rank(pods, stats);
    assertThat(names(pods))
        .containsExactly(
            "no-stats",
            "above-requests",
            "high-priority-above",
            "low-priority-below",
            "below-requests");
  }

  @Test
  void pidRanksByPriorityAloneInV118() {
    List<Pod> pods =
        new ArrayList<>(
            List.of(pod("high", 10, "", ""), pod("low", -5, "", ""), pod("mid", 0, "", "")));
    Rankers.PID.rank(pods, Map.of());
    assertThat(names(pods)).containsExactly("low", "mid", "high");
  }

  private static Summary.PodStats diskStats(
      Pod pod, long rootfs, long logs, long volume, long inodes) {
    return new Summary.PodStats(
        new Summary.PodReference(
            pod.getMetadata().getName(), "default", pod.getMetadata().getUid()),
        List.of(
            new Summary.ContainerStats(
                pod.getMetadata().getName(),
                null,
                Summary.FsStats.used(rootfs, inodes),
                Summary.FsStats.used(logs, 0L))),
        null,
        List.of(new Summary.VolumeStats("scratch", Summary.FsStats.used(volume, 0L))));
  }

  @Test
  void diskRanksByTheMeasuredFilesystemsAboveTheEphemeralStorageRequest() {
    Pod rootHeavy =
        Fixtures.pod("root-heavy")
            .uid("root-heavy")
            .container("root-heavy")
            .emptyDirVolume("scratch")
            .build();
    Pod logHeavy = pod("log-heavy", 0, "", "");
    Pod requested = pod("requested", 0, "", "10Gi");
    List<Pod> pods = new ArrayList<>(List.of(requested, logHeavy, rootHeavy));
    Map<String, Summary.PodStats> stats =
        byUid(
            List.of(
                diskStats(rootHeavy, 900, 10, 50, 5),
                diskStats(logHeavy, 10, 500, 0, 1),
                diskStats(requested, 2000, 2000, 0, 9)));
    // Everything measured (no dedicated image fs): root-heavy 960 > log-heavy 510; requested is
    // within its 10Gi request, so last.
    Rankers.disk(EnumSet.allOf(Rankers.FsStatsType.class), "ephemeral-storage").rank(pods, stats);
    assertThat(names(pods)).containsExactly("root-heavy", "log-heavy", "requested");
    // Only logs and local volumes (nodefs with a dedicated image fs): log-heavy first.
    Rankers.disk(
            EnumSet.of(Rankers.FsStatsType.LOGS, Rankers.FsStatsType.LOCAL_VOLUME_SOURCE),
            "ephemeral-storage")
        .rank(pods, stats);
    assertThat(names(pods)).containsExactly("log-heavy", "root-heavy", "requested");
  }

  @Test
  void inodeRankingSubtractsTheEphemeralStorageRequestAsUpstreamDoes() {
    Pod many = pod("many-inodes", 0, "", "1Gi");
    Pod few = pod("few-inodes", 0, "", "");
    List<Pod> pods = new ArrayList<>(List.of(many, few));
    Map<String, Summary.PodStats> stats =
        byUid(List.of(diskStats(many, 0, 0, 0, 1000), diskStats(few, 0, 0, 0, 10)));
    // Both exceed their (absent) inode request; then 1000 - 1Gi < 10 - 0: few-inodes first.
    Rankers.disk(EnumSet.of(Rankers.FsStatsType.ROOT), "inodes").rank(pods, stats);
    assertThat(names(pods)).containsExactly("few-inodes", "many-inodes");
  }

  @Test
  void theRequestIsTheSumAtLeastTheLargestInitContainerPlusOverheadWhenNonZero() {
    Pod p =
        Fixtures.pod("p")
            .container("a")
            .request("memory", "100Mi")
            .container("b")
            .request("memory", "50Mi")
            .initContainer("init")
            .request("memory", "200Mi")
            .overhead("10m", "16Mi")
            .build();
    assertThat(Rankers.request(p, "memory")).isEqualTo((200L + 16) << 20);
    Pod none = Fixtures.pod("q").container("a").overhead("10m", "16Mi").build();
    assertThat(Rankers.request(none, "memory")).as("no overhead on nothing").isZero();
  }

  @Test
  void signalsMapToTheirRankers() {
    assertThat(Rankers.forSignals(false).get(Signal.MEMORY_AVAILABLE)).isSameAs(Rankers.MEMORY);
    assertThat(Rankers.forSignals(true).get(Signal.ALLOCATABLE_MEMORY_AVAILABLE))
        .isSameAs(Rankers.MEMORY);
    assertThat(Rankers.forSignals(true).get(Signal.PID_AVAILABLE)).isSameAs(Rankers.PID);
    assertThat(Rankers.forSignals(true)).hasSize(7);
  }
}
