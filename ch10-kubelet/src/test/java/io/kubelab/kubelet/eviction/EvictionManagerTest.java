package io.kubelab.kubelet.eviction;

import static io.kubelab.kubelet.eviction.EvictionFixtures.DEFAULT;
import static io.kubelab.kubelet.eviction.EvictionFixtures.HIGH;
import static io.kubelab.kubelet.eviction.EvictionFixtures.LOW;
import static io.kubelab.kubelet.eviction.EvictionFixtures.bytes;
import static io.kubelab.kubelet.eviction.EvictionFixtures.memoryStats;
import static io.kubelab.kubelet.eviction.EvictionFixtures.memorySummary;
import static io.kubelab.kubelet.eviction.EvictionFixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.kubelet.events.Event;
import io.kubelab.kubelet.lifecycle.PodAdmitHandler;
import io.kubelab.kubelet.stats.Summary;
import io.kubelab.kubelet.types.PodUpdateTypes;
import io.kubelab.kubelet.util.ManualExecutor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The eviction manager's pass, admission and loop; upstream's TestMemoryPressure first. */
class EvictionManagerTest {

  private final FakeClock clock = new FakeClock();
  private final EvictionFixtures.ScriptedSummary summary = new EvictionFixtures.ScriptedSummary();
  private final EvictionFixtures.RecordingKiller killer = new EvictionFixtures.RecordingKiller();
  private final List<Event> events = new ArrayList<>();
  private final AtomicInteger reclaims = new AtomicInteger();

  private EvictionManager manager(List<Threshold> thresholds, long maxGrace) {
    return new EvictionManager(
        "test",
        new EvictionConfig(thresholds, Duration.ofMinutes(5), maxGrace, Duration.ofSeconds(10)),
        summary,
        killer,
        reclaims::incrementAndGet,
        reclaims::incrementAndGet,
        events::add,
        clock);
  }

  private static Threshold memory(String quantity, Duration grace) {
    return new Threshold(
        Signal.MEMORY_AVAILABLE,
        "LessThan",
        ThresholdValue.quantity(bytes(quantity), quantity),
        grace,
        null);
  }

  private static final EvictionManager.DiskInfoProvider SHARED_FS = () -> false;

  private static boolean admits(EvictionManager m, Pod p) {
    return m.admit(new PodAdmitHandler.Attributes(p, List.of())).admit();
  }

  @Test
  void memoryPressureAsUpstreamsTestMemoryPressure() {
    List<Pod> pods =
        List.of(
            pod("guaranteed-low-priority-high-usage", LOW, "100m", "1Gi", "100m", "1Gi"),
            pod("burstable-below-requests", DEFAULT, "100m", "100Mi", "200m", "1Gi"),
            pod("burstable-above-requests", DEFAULT, "100m", "100Mi", "200m", "1Gi"),
            pod("best-effort-high-priority-high-usage", HIGH, "", "", "", ""),
            pod("best-effort-low-priority-low-usage", LOW, "", "", "", ""));
    List<String> usage = List.of("900Mi", "50Mi", "400Mi", "400Mi", "100Mi");
    List<Summary.PodStats> stats = new ArrayList<>();
    for (int i = 0; i < pods.size(); i++) {
      stats.add(memoryStats(pods.get(i), usage.get(i)));
    }
    Pod toEvict = pods.get(4);
    EvictionManager m =
        manager(List.of(memory("1Gi", Duration.ZERO), memory("2Gi", Duration.ofMinutes(2))), 5);
    Pod bestEffort = pod("best-admit", DEFAULT, "", "", "", "");
    Pod burstable = pod("burst-admit", DEFAULT, "100m", "100Mi", "200m", "200Mi");

    summary.result = memorySummary("2Gi", stats);
    m.synchronize(SHARED_FS, () -> pods);
    assertThat(m.isUnderMemoryPressure()).isFalse();
    assertThat(admits(m, bestEffort)).isTrue();
    assertThat(admits(m, burstable)).isTrue();

    // Soft threshold met: pressure at once, eviction only after its 2 minute grace period.
    clock.step(Duration.ofMinutes(1));
    summary.result = memorySummary("1500Mi", stats);
    m.synchronize(SHARED_FS, () -> pods);
    assertThat(m.isUnderMemoryPressure()).isTrue();
    assertThat(killer.pod).isNull();

    clock.step(Duration.ofMinutes(3));
    m.synchronize(SHARED_FS, () -> pods);
    assertThat(killer.pod).isSameAs(toEvict);
    assertThat(killer.gracePeriod).as("soft: eviction-max-pod-grace-period").isEqualTo(5);
    killer.reset();

    clock.step(Duration.ofMinutes(20));
    summary.result = memorySummary("3Gi", stats);
    m.synchronize(SHARED_FS, () -> pods);
    assertThat(m.isUnderMemoryPressure()).isFalse();

    // Hard threshold met: evicted at once, with no grace period.
    clock.step(Duration.ofMinutes(1));
    summary.result = memorySummary("500Mi", stats);
    m.synchronize(SHARED_FS, () -> pods);
    assertThat(m.isUnderMemoryPressure()).isTrue();
    assertThat(killer.pod).isSameAs(toEvict);
    assertThat(killer.gracePeriod).isZero();
    assertThat(admits(m, bestEffort)).isFalse();
    assertThat(admits(m, burstable)).isTrue();

    // Reclaimed: no eviction, but the condition holds for the transition period.
    clock.step(Duration.ofMinutes(1));
    summary.result = memorySummary("2Gi", stats);
    killer.reset();
    m.synchronize(SHARED_FS, () -> pods);
    assertThat(m.isUnderMemoryPressure()).isTrue();
    assertThat(killer.pod).isNull();
    assertThat(admits(m, bestEffort)).isFalse();

    clock.step(Duration.ofMinutes(5));
    m.synchronize(SHARED_FS, () -> pods);
    assertThat(m.isUnderMemoryPressure()).isFalse();
    assertThat(killer.pod).isNull();
    assertThat(admits(m, bestEffort)).isTrue();
  }

  @Test
  void theEvictedPodGetsUpstreamsStatusMessageEventAndAnnotations() {
    Pod hog = pod("hog", DEFAULT, "100m", "100Mi", "", "");
    EvictionManager m = manager(List.of(memory("1Gi", Duration.ZERO)), 0);
    summary.result = memorySummary("500Mi", List.of(memoryStats(hog, "300Mi")));
    EvictionManager.Evicted evicted = m.synchronize(SHARED_FS, () -> List.of(hog));
    assertThat(evicted.pods()).containsExactly(hog);
    assertThat(killer.status.getPhase()).isEqualTo("Failed");
    assertThat(killer.status.getReason()).isEqualTo("Evicted");
    String message =
        "The node was low on resource: memory. Container hog was using 300Mi, which exceeds its"
            + " request of 100Mi. ";
    assertThat(killer.status.getMessage()).isEqualTo(message);
    assertThat(events)
        .containsExactly(
            new Event(
                "Node",
                "",
                "test",
                "Warning",
                "EvictionThresholdMet",
                "Attempting to reclaim memory",
                null),
            new Event(
                "Pod",
                "default",
                "hog",
                "Warning",
                "Evicted",
                message,
                java.util.Map.of(
                    "offending_containers", "hog",
                    "offending_containers_usage", "300Mi",
                    "starved_resource", "memory")));
  }

  @Test
  void criticalPodsAreNeverEvictedTheNextRankedPodIs() {
    Pod critical =
        Fixtures.pod("critical")
            .uid("critical")
            .priority(PodUpdateTypes.SYSTEM_CRITICAL_PRIORITY)
            .container("c")
            .build();
    Pod staticPod =
        Fixtures.pod("static")
            .uid("static")
            .annotation(PodUpdateTypes.CONFIG_SOURCE_ANNOTATION_KEY, "file")
            .container("c")
            .build();
    Pod normal = pod("normal", HIGH, "", "", "", "");
    EvictionManager m = manager(List.of(memory("1Gi", Duration.ZERO)), 0);
    // The static pod and the critical pod use the most and rank first.
    summary.result =
        memorySummary(
            "100Mi",
            List.of(
                memoryStats(critical, "900Mi"),
                memoryStats(staticPod, "800Mi"),
                memoryStats(normal, "1Mi")));
    assertThat(m.synchronize(SHARED_FS, () -> List.of(critical, staticPod, normal)).pods())
        .containsExactly(normal);
    assertThat(m.synchronize(SHARED_FS, () -> List.of(critical, staticPod)).pods()).isEmpty();
    assertThat(killer.killed).containsExactly("normal");
  }

  @Test
  void atMostOnePodPerPass() {
    List<Pod> pods = new ArrayList<>();
    List<Summary.PodStats> stats = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Pod p = pod("p" + i, DEFAULT, "", "", "", "");
      pods.add(p);
      stats.add(memoryStats(p, (i + 1) + "0Mi"));
    }
    EvictionManager m = manager(List.of(memory("1Gi", Duration.ZERO)), 0);
    summary.result = memorySummary("1Mi", stats);
    for (int pass = 0; pass < 3; pass++) {
      assertThat(m.synchronize(SHARED_FS, () -> pods).pods()).hasSize(1);
    }
    // The largest user first, every pass, while its usage stays in the statistics.
    assertThat(killer.killed).containsExactly("p9", "p9", "p9");
  }

  @Test
  void minimumReclaimKeepsThePressureUntilEnoughIsFree() {
    Threshold t =
        new Threshold(
            Signal.MEMORY_AVAILABLE,
            "LessThan",
            ThresholdValue.quantity(bytes("1Gi"), "1Gi"),
            Duration.ZERO,
            ThresholdValue.quantity(bytes("500Mi"), "500Mi"));
    Pod p = pod("p", DEFAULT, "", "", "", "");
    EvictionManager m = manager(List.of(t), 0);
    summary.result = memorySummary("900Mi", List.of(memoryStats(p, "1Mi")));
    assertThat(m.synchronize(SHARED_FS, () -> List.of(p)).pods()).hasSize(1);
    // 1200Mi free: above the threshold, below threshold + min reclaim: still evicting.
    clock.step(Duration.ofSeconds(10));
    summary.result = memorySummary("1200Mi", List.of(memoryStats(p, "1Mi")));
    assertThat(m.synchronize(SHARED_FS, () -> List.of(p)).pods()).hasSize(1);
    // 1600Mi free: enough; the condition still shows for the transition period.
    clock.step(Duration.ofSeconds(10));
    summary.result = memorySummary("1600Mi", List.of(memoryStats(p, "1Mi")));
    assertThat(m.synchronize(SHARED_FS, () -> List.of(p)).pods()).isEmpty();
    assertThat(m.nodeConditions()).containsExactly(NodeCondition.MEMORY_PRESSURE);
  }

  @Test
  void diskPressureReclaimsNodeLevelResourcesFirst() {
    Threshold disk =
        new Threshold(
            Signal.NODE_FS_AVAILABLE,
            "LessThan",
            ThresholdValue.quantity(bytes("1Gi"), "1Gi"),
            Duration.ZERO,
            null);
    Pod p = pod("p", DEFAULT, "", "", "", "");
    EvictionManager m = manager(List.of(disk), 0);
    Summary low = diskSummary("500Mi");
    Summary freed = diskSummary("5Gi");
    summary.result = low;
    EvictionManager reclaiming =
        new EvictionManager(
            "test",
            new EvictionConfig(List.of(disk), Duration.ofMinutes(5), 0, Duration.ofSeconds(10)),
            summary,
            killer,
            () -> summary.result = freed, // image GC frees enough
            () -> {},
            events::add,
            clock);
    assertThat(reclaiming.synchronize(SHARED_FS, () -> List.of(p)).pods()).isEmpty();
    assertThat(reclaiming.isUnderDiskPressure()).isTrue();
    summary.result = low;
    assertThat(m.synchronize(SHARED_FS, () -> List.of(p)).pods())
        .as("garbage collection did not help: evict")
        .containsExactly(p);
    assertThat(reclaims).hasValue(2);
    // With a dedicated image filesystem, nodefs has nothing to garbage-collect.
    EvictionManager dedicated = manager(List.of(disk), 0);
    reclaims.set(0);
    assertThat(dedicated.synchronize(() -> true, () -> List.of(p)).pods()).containsExactly(p);
    assertThat(reclaims).hasValue(0);
  }

  private static Summary diskSummary(String available) {
    long a = bytes(available);
    return new Summary(
        new Summary.NodeStats(
            "test",
            null,
            new Summary.FsStats(null, a, bytes("100Gi"), null, null, null, null),
            null,
            null,
            List.of()),
        List.of());
  }

  @Test
  void admissionUnderEachCombinationOfConditions() {
    Pod bestEffort = pod("be", DEFAULT, "", "", "", "");
    Pod tolerant =
        Fixtures.pod("tolerant")
            .container("c")
            .toleration(EvictionManager.TAINT_NODE_MEMORY_PRESSURE, "Exists", null, "NoSchedule")
            .build();
    Pod burstable = pod("b", DEFAULT, "100m", "", "", "");
    Pod critical =
        Fixtures.pod("crit")
            .priority(PodUpdateTypes.SYSTEM_CRITICAL_PRIORITY)
            .container("c")
            .build();
    Threshold pid =
        new Threshold(
            Signal.PID_AVAILABLE,
            "LessThan",
            ThresholdValue.quantity(100, "100"),
            Duration.ZERO,
            null);
    EvictionManager m = manager(List.of(memory("1Gi", Duration.ZERO), pid), 0);
    Summary.RlimitStats rlimit = new Summary.RlimitStats(null, 1000L, 950L);
    Summary.MemoryStats mem = new Summary.MemoryStats(null, bytes("100Mi"), 1L);
    summary.result =
        new Summary(new Summary.NodeStats("test", mem, null, null, rlimit, List.of()), List.of());
    m.synchronize(SHARED_FS, List::of);
    assertThat(m.nodeConditions())
        .containsExactly(NodeCondition.MEMORY_PRESSURE, NodeCondition.PID_PRESSURE);
    PodAdmitHandler.Result r = m.admit(new PodAdmitHandler.Attributes(burstable, List.of()));
    assertThat(r)
        .isEqualTo(
            PodAdmitHandler.Result.reject(
                "Evicted", "The node had condition: [MemoryPressure PIDPressure]. "));
    assertThat(admits(m, critical)).isTrue();
    assertThat(admits(m, tolerant)).as("only memory pressure may be tolerated").isFalse();

    EvictionManager memoryOnly = manager(List.of(memory("1Gi", Duration.ZERO)), 0);
    memoryOnly.synchronize(SHARED_FS, List::of);
    assertThat(admits(memoryOnly, bestEffort)).isFalse();
    assertThat(admits(memoryOnly, tolerant)).isTrue();
    assertThat(admits(memoryOnly, burstable)).isTrue();
  }

  @Test
  void noStatisticsNoThresholdsOrNoDiskInfoMeanNoPass() {
    EvictionManager m = manager(List.of(memory("1Gi", Duration.ZERO)), 0);
    summary.result = null;
    assertThat(m.synchronize(SHARED_FS, List::of).pods()).isEmpty();
    assertThat(
            manager(List.of(memory("1Gi", Duration.ZERO)), 0)
                .synchronize(
                    () -> {
                      throw new IllegalStateException("no disk info");
                    },
                    List::of)
                .pods())
        .isEmpty();
    assertThat(summary.calls).isEqualTo(1);
    assertThat(manager(List.of(), 0).synchronize(SHARED_FS, List::of).pods()).isEmpty();
    assertThat(summary.calls).isEqualTo(1);
  }

  @Test
  void theLoopRunsEveryTenSecondsAndWaitsForAnEvictedPodToBeCleanedUp() {
    Pod p = pod("p", DEFAULT, "", "", "", "");
    EvictionManager m = manager(List.of(memory("1Gi", Duration.ZERO)), 0);
    summary.result = memorySummary("5Gi", List.of(memoryStats(p, "1Mi")));
    ManualExecutor goroutine = new ManualExecutor();
    AtomicBoolean cleanedUp = new AtomicBoolean();
    m.start(SHARED_FS, () -> List.of(p), x -> cleanedUp.get(), goroutine);
    clock.step(Duration.ZERO);
    goroutine.runAll();
    assertThat(summary.calls).isEqualTo(1);
    clock.step(Duration.ofSeconds(9));
    goroutine.runAll();
    assertThat(summary.calls).isEqualTo(1);
    clock.step(Duration.ofSeconds(1));
    goroutine.runAll();
    assertThat(summary.calls).as("every 10 s").isEqualTo(2);

    summary.result = memorySummary("100Mi", List.of(memoryStats(p, "1Mi")));
    clock.step(Duration.ofSeconds(10));
    goroutine.runAll();
    assertThat(killer.killed).containsExactly("p");
    // Waiting for the pod to be cleaned up, polled every second: no pass meanwhile.
    for (int i = 0; i < 5; i++) {
      clock.step(Duration.ofSeconds(1));
      goroutine.runAll();
    }
    assertThat(summary.calls).isEqualTo(3);
    cleanedUp.set(true);
    clock.step(Duration.ofSeconds(1));
    goroutine.runAll();
    assertThat(summary.calls).as("the next pass at once").isEqualTo(4);
    m.close();
    clock.step(Duration.ofMinutes(5));
    goroutine.runAll();
    assertThat(summary.calls).isEqualTo(4);
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void anEvictedPodThatIsNeverCleanedUpHoldsTheLoopForThirtySeconds() {
    Pod p = pod("p", DEFAULT, "", "", "", "");
    EvictionManager m = manager(List.of(memory("1Gi", Duration.ZERO)), 0);
    summary.result = memorySummary("100Mi", List.of(memoryStats(p, "1Mi")));
    CompletableFuture<Void> kill = new CompletableFuture<>();
    EvictionManager slowKill =
        new EvictionManager(
            "test",
            new EvictionConfig(
                List.of(memory("1Gi", Duration.ZERO)),
                Duration.ofMinutes(5),
                0,
                Duration.ofSeconds(10)),
            summary,
            (pod, status, grace) -> kill,
            () -> {},
            () -> {},
            events::add,
            clock);
    ManualExecutor goroutine = new ManualExecutor();
    slowKill.start(SHARED_FS, () -> List.of(p), x -> false, goroutine);
    clock.step(Duration.ZERO);
    goroutine.runAll();
    assertThat(summary.calls).isEqualTo(1);
    clock.step(Duration.ofMinutes(1));
    goroutine.runAll();
    assertThat(summary.calls).as("still killing").isEqualTo(1);
    kill.complete(null);
    goroutine.runAll();
    clock.step(Duration.ofSeconds(29));
    goroutine.runAll();
    assertThat(summary.calls).isEqualTo(1);
    clock.step(Duration.ofSeconds(1));
    goroutine.runAll();
    assertThat(summary.calls).as("gave up waiting after 30 s").isEqualTo(2);
    slowKill.close();
    m.close();
  }

  private static Threshold threshold(Signal signal, long quantity) {
    return new Threshold(
        signal,
        Signal.OP_LESS_THAN,
        ThresholdValue.quantity(quantity, Long.toString(quantity)),
        Duration.ZERO,
        null);
  }

  /** Memory (node and "pods"), the node filesystem and PIDs all below 1Gi / 100 free. */
  private static Summary everythingLow(List<Summary.PodStats> pods) {
    Summary.MemoryStats memory = new Summary.MemoryStats(null, bytes("100Mi"), bytes("1Gi"));
    return new Summary(
        new Summary.NodeStats(
            "test",
            memory,
            new Summary.FsStats(null, bytes("500Mi"), bytes("100Gi"), null, null, null, null),
            null,
            new Summary.RlimitStats(null, 1000L, 950L),
            List.of(new Summary.ContainerStats("pods", memory, null, null))),
        pods);
  }

  @Test
  void memoryIsReclaimedBeforeAnyOtherResourceAsUpstreamsTestSortByEvictionPriority() {
    Pod p = pod("p", DEFAULT, "", "", "", "");
    Threshold nodeFs = threshold(Signal.NODE_FS_AVAILABLE, bytes("1Gi"));
    Threshold pid = threshold(Signal.PID_AVAILABLE, 100);
    summary.result = everythingLow(List.of(memoryStats(p, "10Mi")));
    for (Threshold memory :
        List.of(
            threshold(Signal.MEMORY_AVAILABLE, bytes("1Gi")),
            threshold(Signal.ALLOCATABLE_MEMORY_AVAILABLE, bytes("1Gi")))) {
      events.clear();
      EvictionManager m = manager(List.of(nodeFs, pid, memory), 0);
      assertThat(m.synchronize(SHARED_FS, () -> List.of(p)).pods()).containsExactly(p);
      assertThat(events.get(0).message())
          .as("%s", memory)
          .isEqualTo("Attempting to reclaim memory");
      assertThat(killer.status.getMessage()).startsWith("The node was low on resource: memory. ");
      assertThat(reclaims).as("memory has no node-level reclaim").hasValue(0);
      assertThat(m.nodeConditions())
          .containsExactly(
              NodeCondition.MEMORY_PRESSURE,
              NodeCondition.DISK_PRESSURE,
              NodeCondition.PID_PRESSURE);
      assertThat(m.isUnderMemoryPressure()).isTrue();
      assertThat(m.isUnderDiskPressure()).isTrue();
      assertThat(m.isUnderPidPressure()).isTrue();
    }
    // Without memory among them, the thresholds keep their order: PIDs first here.
    events.clear();
    EvictionManager m = manager(List.of(pid, nodeFs), 0);
    m.synchronize(SHARED_FS, () -> List.of(p));
    assertThat(events.get(0).message()).isEqualTo("Attempting to reclaim pids");
    assertThat(m.isUnderMemoryPressure()).isFalse();
  }

  @Test
  void whetherTheImageFilesystemIsDedicatedIsAskedOnce() {
    AtomicInteger asked = new AtomicInteger();
    EvictionManager.DiskInfoProvider diskInfo =
        () -> {
          asked.incrementAndGet();
          return false;
        };
    EvictionManager m = manager(List.of(memory("1Gi", Duration.ZERO)), 0);
    summary.result = memorySummary("5Gi", List.of());
    m.synchronize(diskInfo, List::of);
    m.synchronize(diskInfo, List::of);
    assertThat(asked).hasValue(1);
    assertThat(summary.calls).isEqualTo(2);
  }

  @Test
  void aClosedManagerStartsNoLoop() {
    EvictionManager m = manager(List.of(memory("1Gi", Duration.ZERO)), 0);
    m.close();
    ManualExecutor goroutine = new ManualExecutor();
    m.start(SHARED_FS, List::of, x -> true, goroutine);
    clock.step(Duration.ofMinutes(1));
    goroutine.runAll();
    assertThat(summary.calls).isZero();
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void thresholdsMetWithNoActivePodsEvictNothing() {
    EvictionManager m = manager(List.of(memory("1Gi", Duration.ZERO)), 0);
    summary.result = memorySummary("100Mi", List.of());
    EvictionManager.Evicted evicted = m.synchronize(SHARED_FS, List::of);
    assertThat(evicted.pods()).isEmpty();
    assertThat(evicted.kill().toCompletableFuture()).isCompleted();
    assertThat(m.isUnderMemoryPressure()).isTrue();
    assertThat(m.isUnderDiskPressure()).isFalse();
    assertThat(m.isUnderPidPressure()).isFalse();
  }

  @Test
  void statisticsNotNewerThanTheLastPassEvictNothing() {
    // thresholdsUpdatedStats: a second pass over the same memory sample does not evict again.
    Pod p = pod("p", DEFAULT, "", "", "", "");
    EvictionManager m = manager(List.of(memory("1Gi", Duration.ZERO)), 0);
    Instant sampled = Instant.parse("2020-01-01T00:00:00Z");
    Summary.MemoryStats low = new Summary.MemoryStats(sampled, bytes("100Mi"), bytes("1Gi"));
    summary.result =
        new Summary(
            new Summary.NodeStats("test", low, null, null, null, List.of()),
            List.of(memoryStats(p, "1Mi")));
    assertThat(m.synchronize(SHARED_FS, () -> List.of(p)).pods()).containsExactly(p);
    assertThat(m.synchronize(SHARED_FS, () -> List.of(p)).pods()).isEmpty();
    assertThat(m.isUnderMemoryPressure()).as("the pressure stays").isTrue();
    Summary.MemoryStats later =
        new Summary.MemoryStats(sampled.plusSeconds(10), bytes("100Mi"), bytes("1Gi"));
    summary.result =
        new Summary(
            new Summary.NodeStats("test", later, null, null, null, List.of()),
            List.of(memoryStats(p, "1Mi")));
    assertThat(m.synchronize(SHARED_FS, () -> List.of(p)).pods()).containsExactly(p);
  }

  private static Summary fsSummary(
      String nodeFsAvailable, String imageFsAvailable, long inodesFree) {
    long capacity = bytes("100Gi");
    return new Summary(
        new Summary.NodeStats(
            "test",
            null,
            new Summary.FsStats(
                null, bytes(nodeFsAvailable), capacity, null, inodesFree, 1_000_000L, null),
            new Summary.RuntimeStats(
                new Summary.FsStats(
                    null, bytes(imageFsAvailable), capacity, null, null, null, null)),
            null,
            List.of()),
        List.of());
  }

  @Test
  void garbageCollectionRunsForTheFilesystemHoldingImages() {
    // buildSignalToNodeReclaimFuncs: with a dedicated image filesystem only imagefs pressure
    // deletes unused containers and images; without one, nodefs pressure does too.
    Pod p = pod("p", DEFAULT, "", "", "", "");
    Threshold inodes = threshold(Signal.NODE_FS_INODES_FREE, 1000);
    Threshold imageFs = threshold(Signal.IMAGE_FS_AVAILABLE, bytes("1Gi"));
    summary.result = fsSummary("50Gi", "50Gi", 10);
    assertThat(manager(List.of(inodes), 0).synchronize(() -> true, () -> List.of(p)).pods())
        .containsExactly(p);
    assertThat(reclaims).as("nodefs inodes, dedicated image fs").hasValue(0);
    assertThat(manager(List.of(inodes), 0).synchronize(() -> false, () -> List.of(p)).pods())
        .containsExactly(p);
    assertThat(reclaims).as("nodefs inodes, shared fs: containers then images").hasValue(2);
    reclaims.set(0);
    summary.result = fsSummary("50Gi", "500Mi", 1_000_000);
    assertThat(manager(List.of(imageFs), 0).synchronize(() -> true, () -> List.of(p)).pods())
        .containsExactly(p);
    assertThat(reclaims).as("imagefs, dedicated").hasValue(2);
  }

  @Test
  void aFailingCollectorOrMissingStatisticsAfterReclaimLeadToAnEviction() {
    Pod p = pod("p", DEFAULT, "", "", "", "");
    Threshold disk = threshold(Signal.NODE_FS_AVAILABLE, bytes("1Gi"));
    List<String> ran = new ArrayList<>();
    Summary low = fsSummary("500Mi", "50Gi", 1_000_000);
    Summary freed = fsSummary("5Gi", "50Gi", 1_000_000);
    summary.result = low;
    EvictionManager m =
        new EvictionManager(
            "test",
            new EvictionConfig(List.of(disk), Duration.ofMinutes(5), 0, Duration.ofSeconds(10)),
            summary,
            killer,
            () -> {
              ran.add("images");
              summary.result = freed;
            },
            () -> {
              ran.add("containers");
              throw new IllegalStateException("runtime down");
            },
            events::add,
            clock);
    assertThat(m.synchronize(SHARED_FS, () -> List.of(p)).pods())
        .as("a failed collector does not stop the next; enough was freed")
        .isEmpty();
    assertThat(ran).containsExactly("containers", "images");
    AtomicInteger asked = new AtomicInteger();
    io.kubelab.kubelet.stats.SummaryProvider once =
        update -> {
          if (asked.incrementAndGet() > 1) {
            throw new io.kubelab.kubelet.stats.SummaryProvider.StatsException("gone");
          }
          return low;
        };
    EvictionManager blind =
        new EvictionManager(
            "test",
            new EvictionConfig(List.of(disk), Duration.ofMinutes(5), 0, Duration.ofSeconds(10)),
            once,
            killer,
            () -> {},
            () -> {},
            events::add,
            clock);
    assertThat(blind.synchronize(SHARED_FS, () -> List.of(p)).pods())
        .as("no statistics after reclaim: evict")
        .containsExactly(p);
  }

  @Test
  void theMessageNamesEachContainerAboveItsRequestInTheStatisticsOrder() {
    Pod pod =
        Fixtures.pod("web")
            .uid("web")
            .container("app")
            .request("memory", "100Mi")
            .container("sidecar")
            .container("exact")
            .request("memory", "1G")
            .container("quiet")
            .request("memory", "2048Ki")
            .build();
    Summary.PodStats stats =
        new Summary.PodStats(
            new Summary.PodReference("web", "default", "web"),
            List.of(
                new Summary.ContainerStats(
                    "sidecar", new Summary.MemoryStats(null, null, 1000L), null, null),
                new Summary.ContainerStats(
                    "app", new Summary.MemoryStats(null, null, bytes("300Mi")), null, null),
                new Summary.ContainerStats(
                    "exact", new Summary.MemoryStats(null, null, 1_000_000_000L), null, null),
                new Summary.ContainerStats("quiet", null, null, null),
                new Summary.ContainerStats(
                    "sidecar", new Summary.MemoryStats(null, 5L, null), null, null),
                new Summary.ContainerStats(
                    "gone", new Summary.MemoryStats(null, null, bytes("1Gi")), null, null)),
            null,
            List.of());
    Map<String, Summary.PodStats> byUid = Map.of("web", stats);
    // Usage prints as a binary quantity (1000 bytes is below 1Ki, so decimal: 1k), a request as
    // written; a container using exactly its request, or without statistics, is not named.
    assertThat(EvictionManager.evictionMessage("memory", pod, byUid))
        .isEqualTo(
            "The node was low on resource: memory. "
                + "Container sidecar was using 1k, which exceeds its request of 0. "
                + "Container app was using 300Mi, which exceeds its request of 100Mi. ");
    assertThat(EvictionManager.evictionAnnotations("memory", pod, byUid))
        .containsExactly(
            Map.entry("offending_containers", "sidecar,app"),
            Map.entry("offending_containers_usage", "1k,300Mi"),
            Map.entry("starved_resource", "memory"));
    assertThat(EvictionManager.evictionMessage("pids", pod, byUid))
        .as("memory use names no container for another resource")
        .isEqualTo("The node was low on resource: pids. ");
    // 1.5Gi above a 1G request: a decimal request prints in decimal, 2048Ki as 2Mi.
    Summary.PodStats more =
        new Summary.PodStats(
            stats.podRef(),
            List.of(
                new Summary.ContainerStats(
                    "exact", new Summary.MemoryStats(null, null, bytes("1.5Gi")), null, null),
                new Summary.ContainerStats(
                    "quiet", new Summary.MemoryStats(null, null, bytes("3Mi")), null, null)),
            null,
            List.of());
    assertThat(EvictionManager.evictionMessage("memory", pod, Map.of("web", more)))
        .isEqualTo(
            "The node was low on resource: memory. "
                + "Container exact was using 1536Mi, which exceeds its request of 1G. "
                + "Container quiet was using 3Mi, which exceeds its request of 2Mi. ");
  }

  @Test
  void diskEvictionsCountLayerAndLogsOfEachContainer() {
    Pod pod =
        Fixtures.pod("w")
            .uid("w")
            .container("writer")
            .request("ephemeral-storage", "200Mi")
            .container("no-logs")
            .container("no-layer")
            .build();
    Summary.PodStats stats =
        new Summary.PodStats(
            new Summary.PodReference("w", "default", "w"),
            List.of(
                new Summary.ContainerStats(
                    "writer",
                    null,
                    Summary.FsStats.used(bytes("300Mi"), 0L),
                    Summary.FsStats.used(bytes("100Mi"), 0L)),
                new Summary.ContainerStats(
                    "no-logs", null, Summary.FsStats.used(bytes("1Gi"), 0L), null),
                new Summary.ContainerStats(
                    "no-layer", null, null, Summary.FsStats.used(bytes("1Gi"), 0L))),
            null,
            List.of());
    assertThat(EvictionManager.evictionMessage("ephemeral-storage", pod, Map.of("w", stats)))
        .isEqualTo(
            "The node was low on resource: ephemeral-storage. "
                + "Container writer was using 400Mi, which exceeds its request of 200Mi. ");
    // Either half without a byte count: no usage known for that container.
    Summary.PodStats unknown =
        new Summary.PodStats(
            stats.podRef(),
            List.of(
                new Summary.ContainerStats(
                    "writer",
                    null,
                    Summary.FsStats.used(null, 0L),
                    Summary.FsStats.used(bytes("1Gi"), 0L)),
                new Summary.ContainerStats(
                    "no-logs",
                    null,
                    Summary.FsStats.used(bytes("1Gi"), 0L),
                    Summary.FsStats.used(null, 0L))),
            null,
            List.of());
    assertThat(EvictionManager.evictionMessage("ephemeral-storage", pod, Map.of("w", unknown)))
        .isEqualTo("The node was low on resource: ephemeral-storage. ");
    // Other resources name no container.
    assertThat(EvictionManager.evictionMessage("pids", pod, Map.of("w", stats)))
        .isEqualTo("The node was low on resource: pids. ");
  }

  @Test
  void aPodWithoutStatisticsIsEvictedWithTheBareMessageAndNoAnnotations() {
    Pod p = pod("p", DEFAULT, "", "", "", "");
    EvictionManager m = manager(List.of(memory("1Gi", Duration.ZERO)), 0);
    summary.result = memorySummary("100Mi", List.of());
    assertThat(m.synchronize(SHARED_FS, () -> List.of(p)).pods()).containsExactly(p);
    assertThat(killer.status.getMessage()).isEqualTo("The node was low on resource: memory. ");
    assertThat(events.get(1).annotations()).isEmpty();
  }
}
