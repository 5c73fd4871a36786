package io.kubelab.kubelet.eviction;

import static io.kubelab.kubelet.eviction.EvictionFixtures.memoryStats;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapVolumeSource;
import io.fabric8.kubernetes.api.model.EmptyDirVolumeSource;
import io.fabric8.kubernetes.api.model.GitRepoVolumeSource;
import io.fabric8.kubernetes.api.model.HostPathVolumeSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretVolumeSource;
import io.fabric8.kubernetes.api.model.Volume;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.kubelet.stats.Summary;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
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
    Pod cpuOverhead = Fixtures.pod("r").container("a").request("memory", "100Mi").build();
    cpuOverhead
        .getSpec()
        .setOverhead(Map.of("cpu", new io.fabric8.kubernetes.api.model.Quantity("10m")));
    assertThat(Rankers.request(cpuOverhead, "memory")).isEqualTo(100L << 20);
    cpuOverhead.getSpec().setOverhead(null);
    assertThat(Rankers.request(cpuOverhead, "memory")).isEqualTo(100L << 20);
  }

  @Test
  void signalsMapToTheirRankers() {
    assertThat(Rankers.forSignals(false).get(Signal.MEMORY_AVAILABLE)).isSameAs(Rankers.MEMORY);
    assertThat(Rankers.forSignals(true).get(Signal.ALLOCATABLE_MEMORY_AVAILABLE))
        .isSameAs(Rankers.MEMORY);
    assertThat(Rankers.forSignals(true).get(Signal.PID_AVAILABLE)).isSameAs(Rankers.PID);
    assertThat(Rankers.forSignals(true)).hasSize(7);
  }

  @Test
  void usingExactlyTheRequestIsNotExceedingIt() {
    // exceedDiskRequests compares usage > request: a pod at its request ranks after one above it,
    // whatever their priorities.
    Pod atRequest = pod("at-request", -10, "", "1000");
    Pod aboveNothing = pod("above-nothing", 10, "", "");
    List<Pod> pods = new ArrayList<>(List.of(atRequest, aboveNothing));
    Map<String, Summary.PodStats> stats =
        byUid(List.of(diskStats(atRequest, 1000, 0, 0, 0), diskStats(aboveNothing, 1, 0, 0, 0)));
    Rankers.disk(EnumSet.of(Rankers.FsStatsType.ROOT), "ephemeral-storage").rank(pods, stats);
    assertThat(names(pods)).containsExactly("above-nothing", "at-request");
  }

  @Test
  void eachDiskSignalMeasuresTheFilesystemsItCovers() {
    // buildSignalToRankFunc: with a dedicated image filesystem, nodefs holds logs and local
    // volumes and imagefs the containers' writable layers; without one, nodefs holds everything.
    Pod rootHeavy = pod("root-heavy", 0, "", "");
    Pod logHeavy = pod("log-heavy", 0, "", "");
    // A: everything counted, root-heavy uses more; B: everything counted, log-heavy does.
    Map<String, Summary.PodStats> a =
        byUid(List.of(diskStats(rootHeavy, 900, 10, 0, 0), diskStats(logHeavy, 10, 500, 0, 0)));
    Map<String, Summary.PodStats> b =
        byUid(List.of(diskStats(rootHeavy, 900, 10, 0, 0), diskStats(logHeavy, 10, 2000, 0, 0)));
    Map<String, Summary.PodStats> inodesA =
        byUid(List.of(inodeStats(rootHeavy, 900, 10), inodeStats(logHeavy, 10, 500)));
    Map<String, Summary.PodStats> inodesB =
        byUid(List.of(inodeStats(rootHeavy, 900, 10), inodeStats(logHeavy, 10, 2000)));
    record Case(
        boolean imageFs, Signal signal, Map<String, Summary.PodStats> stats, String first) {}
    List<Case> cases =
        List.of(
            new Case(true, Signal.NODE_FS_AVAILABLE, a, "log-heavy"),
            new Case(false, Signal.NODE_FS_AVAILABLE, a, "root-heavy"),
            new Case(true, Signal.NODE_FS_INODES_FREE, inodesA, "log-heavy"),
            new Case(false, Signal.NODE_FS_INODES_FREE, inodesA, "root-heavy"),
            new Case(true, Signal.IMAGE_FS_AVAILABLE, b, "root-heavy"),
            new Case(false, Signal.IMAGE_FS_AVAILABLE, b, "log-heavy"),
            new Case(true, Signal.IMAGE_FS_INODES_FREE, inodesB, "root-heavy"),
            new Case(false, Signal.IMAGE_FS_INODES_FREE, inodesB, "log-heavy"));
    for (Case c : cases) {
      List<Pod> pods = new ArrayList<>(List.of(rootHeavy, logHeavy));
      Rankers.forSignals(c.imageFs()).get(c.signal()).rank(pods, c.stats());
      assertThat(names(pods).get(0)).as("%s", c).isEqualTo(c.first());
    }
  }

  private static Summary.PodStats inodeStats(Pod pod, long rootfsInodes, long logsInodes) {
    return new Summary.PodStats(
        new Summary.PodReference(
            pod.getMetadata().getName(), "default", pod.getMetadata().getUid()),
        List.of(
            new Summary.ContainerStats(
                pod.getMetadata().getName(),
                null,
                Summary.FsStats.used(0L, rootfsInodes),
                Summary.FsStats.used(0L, logsInodes))),
        null,
        List.of());
  }

  private static Volume volume(String name, Consumer<Volume> source) {
    Volume v = new Volume();
    v.setName(name);
    source.accept(v);
    return v;
  }

  @Test
  void podDiskUsageCountsLayersLogsAndOnlyTheLocalVolumes() {
    // localVolumeNames: hostPath, emptyDir not in memory, configMap and gitRepo; a secret and a
    // memory-backed emptyDir are not on the node's disk.
    Pod pod =
        Fixtures.pod("p")
            .uid("p")
            .container("a")
            .container("b")
            .volume(volume("host", v -> v.setHostPath(new HostPathVolumeSource("/d", ""))))
            .volume(volume("scratch", v -> v.setEmptyDir(new EmptyDirVolumeSource())))
            .volume(
                volume(
                    "tmpfs",
                    v -> {
                      v.setEmptyDir(new EmptyDirVolumeSource());
                      v.getEmptyDir().setMedium("Memory");
                    }))
            .volume(volume("cm", v -> v.setConfigMap(new ConfigMapVolumeSource())))
            .volume(volume("git", v -> v.setGitRepo(new GitRepoVolumeSource())))
            .volume(volume("secret", v -> v.setSecret(new SecretVolumeSource())))
            .volume(volume("unmeasured", v -> v.setHostPath(new HostPathVolumeSource("/u", ""))))
            .build();
    Summary.PodStats stats =
        new Summary.PodStats(
            new Summary.PodReference("p", "default", "p"),
            List.of(
                new Summary.ContainerStats(
                    "a",
                    null,
                    Summary.FsStats.used(64L, 6400L),
                    Summary.FsStats.used(128L, 12800L)),
                // no writable-layer statistics, logs without inode counts
                new Summary.ContainerStats("b", null, null, Summary.FsStats.used(256L, null))),
            null,
            List.of(
                new Summary.VolumeStats("host", Summary.FsStats.used(1L, 100L)),
                new Summary.VolumeStats("scratch", Summary.FsStats.used(2L, 200L)),
                new Summary.VolumeStats("tmpfs", Summary.FsStats.used(4L, 400L)),
                new Summary.VolumeStats("cm", Summary.FsStats.used(8L, 800L)),
                new Summary.VolumeStats("git", Summary.FsStats.used(16L, 1600L)),
                new Summary.VolumeStats("secret", Summary.FsStats.used(32L, 3200L)),
                new Summary.VolumeStats("scratch", Summary.FsStats.used(1000L, 1000L)),
                new Summary.VolumeStats("orphan", Summary.FsStats.used(5000L, 5000L))));
    Set<Rankers.FsStatsType> all = EnumSet.allOf(Rankers.FsStatsType.class);
    String bytes = "ephemeral-storage";
    assertThat(Rankers.podDiskUsage(stats, pod, all, bytes)).isEqualTo(64 + 128 + 256 + 27);
    assertThat(Rankers.podDiskUsage(stats, pod, all, "inodes")).isEqualTo(6400 + 12800 + 2700);
    assertThat(Rankers.podDiskUsage(stats, pod, EnumSet.of(Rankers.FsStatsType.ROOT), bytes))
        .isEqualTo(64);
    assertThat(Rankers.podDiskUsage(stats, pod, EnumSet.of(Rankers.FsStatsType.LOGS), bytes))
        .isEqualTo(128 + 256);
    assertThat(
            Rankers.podDiskUsage(
                stats, pod, EnumSet.of(Rankers.FsStatsType.LOCAL_VOLUME_SOURCE), bytes))
        .as("the first statistics of a volume's name count")
        .isEqualTo(27);
  }

  @Test
  void podsWithoutMemoryStatisticsUseNoMemory() {
    // memoryUsage: no memory statistics, or no working set, is zero use.
    Pod noMemory = pod("no-memory", 0, "", "");
    Pod noWorkingSet = pod("no-working-set", 0, "", "");
    Pod oneByte = pod("one-byte", 0, "", "");
    List<Pod> pods = new ArrayList<>(List.of(noMemory, noWorkingSet, oneByte));
    Map<String, Summary.PodStats> stats =
        byUid(
            List.of(
                new Summary.PodStats(
                    new Summary.PodReference("no-memory", "default", "no-memory"),
                    List.of(),
                    null,
                    List.of()),
                new Summary.PodStats(
                    new Summary.PodReference("no-working-set", "default", "no-working-set"),
                    List.of(),
                    new Summary.MemoryStats(null, 5L, null),
                    List.of()),
                memoryStats(oneByte, "1")));
    Rankers.MEMORY.rank(pods, stats);
    assertThat(names(pods)).containsExactly("one-byte", "no-memory", "no-working-set");
  }
}
