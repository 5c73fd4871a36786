package io.kubelab.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.kubelet.PodWorkers.SyncPodType;
import io.kubelab.kubelet.PodWorkers.UpdatePodOptions;
import io.kubelab.kubelet.container.Cache;
import io.kubelab.kubelet.container.ContainerRuntimeException;
import io.kubelab.kubelet.container.PodStatus;
import io.kubelab.kubelet.util.ManualExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The pod workers on a {@link ManualExecutor}: upstream's {@code pod_workers_test.go} ({@code
 * TestUpdatePod}, {@code TestUpdatePodDoesNotForgetSyncPodKill}, {@code
 * TestForgetNonExistingPodWorkers}) and {@code wrapUp}'s requeue times.
 */
class PodWorkersTest {

  private static final Duration RESYNC = Duration.ofSeconds(60);
  private static final Duration BACK_OFF = Duration.ofSeconds(10);

  private final FakeClock clock = new FakeClock();
  private final Cache cache = new Cache();
  private final WorkQueue queue = new WorkQueue(clock);
  private final ManualExecutor executor = new ManualExecutor();
  private final Map<String, List<SyncPodType>> processed = new LinkedHashMap<>();

  /** What the next sync returns: null completes it normally. */
  private final AtomicReference<RuntimeException> failWith = new AtomicReference<>();

  private final PodWorkers workers =
      new PodWorkers(this::syncPod, cache, queue, RESYNC, BACK_OFF, executor, clock, new Random(1));

  private CompletionStage<Void> syncPod(PodWorkers.SyncPodOptions o) {
    processed.computeIfAbsent(o.pod().getMetadata().getUid(), k -> new ArrayList<>()).add(o.type());
    RuntimeException e = failWith.get();
    return e == null ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(e);
  }

  private static Pod pod(String uid) {
    return Fixtures.pod("name-" + uid).uid(uid).build();
  }

  private void update(String uid, SyncPodType type) {
    workers.updatePod(new UpdatePodOptions(pod(uid), type, null, null));
  }

  /** Runtime data newer than any sync so far, then every queued step, until all is quiet. */
  private void drain() {
    do {
      cache.updateTime(cache.timestamp(clock.now()));
    } while (executor.runAll() > 0);
  }

  @Test
  void updatesArrivingWhileASyncIsPendingCollapseIntoTheLastOne() {
    cache.updateTime(cache.timestamp(clock.now()));
    update("1", SyncPodType.CREATE);
    assertThat(workers.isWorking("1")).isTrue();
    update("1", SyncPodType.UPDATE);
    update("1", SyncPodType.SYNC);
    drain();
    assertThat(processed)
        .containsExactly(Map.entry("1", List.of(SyncPodType.CREATE, SyncPodType.SYNC)));
    assertThat(workers.isWorking("1")).isFalse();
    assertThat(workers.isWorking("unknown")).isFalse();
  }

  @Test
  void aPendingKillIsNeverOverwrittenByALaterUpdate() {
    for (int i = 0; i < 20; i++) {
      String uid = Integer.toString(i);
      update(uid, SyncPodType.UPDATE);
      update(uid, SyncPodType.KILL);
      update(uid, SyncPodType.UPDATE);
    }
    drain();
    assertThat(processed).hasSize(20);
    for (var e : processed.entrySet()) {
      assertThat(e.getValue())
          .as("pod %s: update, then the kill, not the update after it", e.getKey())
          .containsExactly(SyncPodType.UPDATE, SyncPodType.KILL);
    }
  }

  @Test
  void workersOfPodsNoLongerDesiredAreForgottenWithTheirPendingUpdate() {
    for (int i = 0; i < 20; i++) {
      update(Integer.toString(i), SyncPodType.UPDATE);
    }
    drain();
    assertThat(workers.size()).isEqualTo(20);
    // Pod 14 is busy with a pending update when pod 7's worker is forgotten while it has one too.
    cache.updateTime(cache.timestamp(clock.now()));
    update("7", SyncPodType.SYNC);
    update("7", SyncPodType.UPDATE);
    workers.forgetNonExistingPodWorkers(Set.of("2", "14"));
    assertThat(workers.size()).isEqualTo(2);
    drain();
    assertThat(processed.get("7"))
        .as("the sync already under way finishes; the pending update is dropped")
        .containsExactly(SyncPodType.UPDATE, SyncPodType.SYNC);
    assertThat(workers.isWorking("2")).isFalse();
  }

  @Test
  void aSyncedPodIsRequeuedAfterTheResyncIntervalPlusUpToHalfOfIt() {
    update("a", SyncPodType.CREATE);
    drain();
    clock.step(RESYNC.minusMillis(1));
    assertThat(queue.getWork()).isEmpty();
    clock.step(Duration.ofSeconds(30));
    assertThat(queue.getWork()).containsExactly("a");
  }

  @Test
  void aFailedSyncIsRequeuedAfterTheBackOffPeriodAndReportsItsCause() {
    List<Throwable> outcomes = new ArrayList<>();
    failWith.set(new IllegalStateException("boom"));
    workers.updatePod(new UpdatePodOptions(pod("a"), SyncPodType.CREATE, null, outcomes::add));
    drain();
    assertThat(outcomes).hasSize(1);
    assertThat(outcomes.get(0)).isInstanceOf(IllegalStateException.class).hasMessage("boom");
    clock.step(BACK_OFF.minusMillis(1));
    assertThat(queue.getWork()).isEmpty();
    clock.step(Duration.ofSeconds(5));
    assertThat(queue.getWork()).containsExactly("a");

    failWith.set(null);
    workers.updatePod(new UpdatePodOptions(pod("a"), SyncPodType.SYNC, null, outcomes::add));
    drain();
    assertThat(outcomes).hasSize(2);
    assertThat(outcomes.get(1)).isNull();
  }

  @Test
  void aRuntimeErrorInTheCacheSkipsTheSyncAndBacksOff() {
    List<Throwable> outcomes = new ArrayList<>();
    cache.set(
        "a",
        PodStatus.empty("a"),
        new ContainerRuntimeException("rpc error: runtime down"),
        cache.timestamp(clock.now()));
    workers.updatePod(new UpdatePodOptions(pod("a"), SyncPodType.CREATE, null, outcomes::add));
    drain();
    assertThat(processed).isEmpty();
    assertThat(outcomes.get(0)).hasMessage("error determining status: rpc error: runtime down");
    clock.step(BACK_OFF.plusSeconds(5));
    assertThat(queue.getWork()).containsExactly("a");
  }

  @Test
  void aSyncThatThrowsCountsAsAFailedOne() {
    List<Throwable> outcomes = new ArrayList<>();
    PodWorkers throwing =
        new PodWorkers(
            o -> {
              throw new IllegalArgumentException("bad pod");
            },
            cache,
            queue,
            RESYNC,
            BACK_OFF,
            executor,
            clock,
            new Random(1));
    throwing.updatePod(new UpdatePodOptions(pod("a"), SyncPodType.CREATE, null, outcomes::add));
    drain();
    assertThat(outcomes).singleElement().satisfies(t -> assertThat(t).hasMessage("bad pod"));
    assertThat(throwing.isWorking("a")).isFalse();
  }

  @Test
  void resyncTimesAreSpreadOverTheIntervalAndUpToHalfOfItMore() {
    for (int i = 0; i < 50; i++) {
      update(Integer.toString(i), SyncPodType.CREATE);
    }
    drain();
    clock.step(RESYNC.minusMillis(1));
    assertThat(queue.getWork()).isEmpty();
    clock.step(RESYNC.dividedBy(4)); // 75 s: the jitter spreads the pods over 60..90 s
    int early = queue.getWork().size();
    assertThat(early).isBetween(10, 40);
    clock.step(RESYNC.dividedBy(4));
    assertThat(queue.getWork()).hasSize(50 - early);
  }

  @Test
  void aSyncFailingInALaterStageReportsTheOriginalCause() {
    List<Throwable> outcomes = new ArrayList<>();
    PodWorkers chained =
        new PodWorkers(
            o ->
                CompletableFuture.completedFuture(null)
                    .thenAccept(
                        v -> {
                          throw new IllegalStateException("error killing pod: boom");
                        }),
            cache,
            queue,
            RESYNC,
            BACK_OFF,
            executor,
            clock,
            new Random(1));
    chained.updatePod(new UpdatePodOptions(pod("a"), SyncPodType.KILL, null, outcomes::add));
    drain();
    assertThat(outcomes)
        .singleElement()
        .satisfies(
            t ->
                assertThat(t)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("error killing pod: boom"));
  }
}
