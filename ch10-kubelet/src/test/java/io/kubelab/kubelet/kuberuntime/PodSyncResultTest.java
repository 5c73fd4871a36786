package io.kubelab.kubelet.kuberuntime;

import static io.kubelab.kubelet.kuberuntime.SyncResult.Action.KILL_CONTAINER;
import static io.kubelab.kubelet.kuberuntime.SyncResult.Action.START_CONTAINER;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * How a sync's steps are reported: upstream {@code container/sync_result.go} ({@code
 * PodSyncResult.Error}, an aggregate of the failed steps), the back-off check of the kubelet's
 * {@code syncPod}, and {@code reason_cache.go} ({@code ReasonCache.Update}), v1.18.
 */
class PodSyncResultTest {

  private static final SyncResult BACK_OFF =
      SyncResult.fail(
          START_CONTAINER, "app", SyncResult.ERR_CRASH_LOOP_BACK_OFF, "back-off 10s ...");
  private static final SyncResult RUN_ERROR =
      SyncResult.fail(START_CONTAINER, "sidecar", SyncResult.ERR_RUN_CONTAINER, "no such image");

  @Test
  void theErrorListsTheFailedStepsOnlyInUpstreamsWords() {
    assertThat(SyncResults.of().error()).as("nothing done").isNull();
    assertThat(SyncResults.of(SyncResult.ok(START_CONTAINER, "app")).error()).isNull();
    assertThat(SyncResults.of(SyncResult.ok(KILL_CONTAINER, "x"), RUN_ERROR).error())
        .isEqualTo(
            "failed to \"StartContainer\" for \"sidecar\" with RunContainerError: \"no such"
                + " image\"");
    assertThat(SyncResults.of(BACK_OFF, SyncResult.ok(START_CONTAINER, "db"), RUN_ERROR).error())
        .isEqualTo(
            "[failed to \"StartContainer\" for \"app\" with CrashLoopBackOff: \"back-off 10s"
                + " ...\", failed to \"StartContainer\" for \"sidecar\" with RunContainerError:"
                + " \"no such image\"]");
  }

  @Test
  void aSyncIsNotAnErrorOnlyWhenEveryStepBackedOff() {
    assertThat(SyncResults.of(BACK_OFF).onlyBackOffFailures()).isTrue();
    assertThat(SyncResults.of(BACK_OFF, BACK_OFF).onlyBackOffFailures()).isTrue();
    assertThat(SyncResults.of(BACK_OFF, RUN_ERROR).onlyBackOffFailures()).isFalse();
    // Upstream compares every step's error with ErrCrashLoopBackOff, successes included: a sync
    // that also started a container and had one in back-off is reported.
    assertThat(SyncResults.of(SyncResult.ok(START_CONTAINER, "db"), BACK_OFF).onlyBackOffFailures())
        .isFalse();
  }

  @Test
  void theReasonCacheRemembersFailedStartsUntilTheContainerStarts() {
    ReasonCache cache = new ReasonCache();
    cache.update(
        "u1",
        SyncResults.of(
            BACK_OFF,
            RUN_ERROR,
            SyncResult.fail(KILL_CONTAINER, "db", SyncResult.ERR_KILL_CONTAINER, "stuck")));

    assertThat(cache.get("u1", "app"))
        .contains(new ReasonCache.Reason("CrashLoopBackOff", "back-off 10s ..."));
    assertThat(cache.get("u1", "sidecar"))
        .contains(new ReasonCache.Reason("RunContainerError", "no such image"));
    assertThat(cache.get("u1", "db")).as("only start steps are remembered").isEmpty();
    assertThat(cache.get("u2", "app")).as("keyed by pod UID").isEmpty();

    cache.update("u1", SyncResults.of(SyncResult.ok(START_CONTAINER, "app")));
    assertThat(cache.get("u1", "app")).isEmpty();
    assertThat(cache.get("u1", "sidecar")).isPresent();
  }

  @Test
  void theReasonCacheKeepsTheThousandMostRecentlyUsedEntries() {
    ReasonCache cache = new ReasonCache();
    for (int i = 0; i < ReasonCache.MAX_ENTRIES; i++) {
      cache.update("pod-" + i, SyncResults.of(BACK_OFF));
    }
    assertThat(cache.get("pod-0", "app")).as("exactly at the limit: all kept").isPresent();
    // pod-0 was just read, so pod-1 is now the least recently used.
    cache.update("pod-new", SyncResults.of(BACK_OFF));
    assertThat(cache.get("pod-1", "app")).isEmpty();
    assertThat(cache.get("pod-0", "app")).isPresent();
    assertThat(cache.get("pod-2", "app")).isPresent();
    assertThat(cache.get("pod-new", "app")).isPresent();
  }
}
