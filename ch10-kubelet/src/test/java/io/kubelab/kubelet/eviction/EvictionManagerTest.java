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
import java.util.ArrayList;
import java.util.List;
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
}
