package io.kubelab.kubelet;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.kubelet.container.Cache;
import io.kubelab.kubelet.container.PodStatus;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * One worker per pod, each syncing its pod one update at a time.
 *
 * <p>Upstream: {@code pkg/kubelet/pod_workers.go} ({@code podWorkers}, {@code UpdatePod}, {@code
 * managePodLoop}, {@code wrapUp}, {@code checkForUpdates}, {@code ForgetWorker}, {@code
 * ForgetNonExistingPodWorkers}). The rules:
 *
 * <ul>
 *   <li>An update for an idle worker starts a sync; one for a busy worker is kept as the worker's
 *       single undelivered update, replacing the previous one, except that a pending kill is never
 *       replaced. So updates coalesce: a burst of ten is at most two syncs.
 *   <li>A sync first waits until the runtime cache has data newer than the worker's last sync
 *       ({@link Cache#subscribe}), so a pod is never synced twice on the same runtime state.
 *   <li>After a sync the pod is queued for a resync: the resync interval (1 min) with up to 50 %
 *       jitter on success, the 10 s back-off with up to 50 % jitter on error.
 * </ul>
 *
 * <p>Upstream parks a goroutine per pod; here a worker is a little state machine whose steps run on
 * the executor the owner passes, so a pod waiting for the cache or for a container to stop holds no
 * thread.
 */
final class PodWorkers {

  private static final System.Logger LOG = System.getLogger(PodWorkers.class.getName());

  /**
   * Upstream {@code workerResyncIntervalJitterFactor} and {@code workerBackOffPeriodJitterFactor}.
   */
  static final double JITTER_FACTOR = 0.5;

  /** Upstream {@code kubetypes.SyncPodType}. */
  enum SyncPodType {
    SYNC,
    UPDATE,
    CREATE,
    KILL
  }

  /**
   * A kill's options (upstream {@code KillPodOptions}): the status to report, from the runtime
   * status, and the grace period override (null: the pod's own).
   */
  record KillPodOptions(
      BiFunction<Pod, PodStatus, io.fabric8.kubernetes.api.model.PodStatus> podStatusFunc,
      Long gracePeriodOverride) {}

  /** Upstream {@code UpdatePodOptions}; {@code onComplete} receives the error or null. */
  record UpdatePodOptions(
      Pod pod, SyncPodType type, KillPodOptions killPodOptions, Consumer<Throwable> onComplete) {}

  /** Upstream {@code syncPodOptions}. */
  record SyncPodOptions(
      Pod pod, SyncPodType type, PodStatus podStatus, KillPodOptions killPodOptions) {}

  /** The kubelet's {@code syncPod}: completes when the sync is done, exceptionally on error. */
  @FunctionalInterface
  interface SyncPodFn {
    CompletionStage<Void> syncPod(SyncPodOptions options);
  }

  private final class Worker {
    final String uid;
    boolean working;
    UpdatePodOptions undelivered;
    Instant lastSyncTime = Instant.MIN; // Go's zero time: anything cached is newer

    Worker(String uid) {
      this.uid = uid;
    }
  }

  private final Map<String, Worker> workers = new HashMap<>();
  private final SyncPodFn syncPodFn;
  private final Cache podCache;
  private final WorkQueue workQueue;
  private final Duration resyncInterval;
  private final Duration backOffPeriod;
  private final Executor executor;
  private final Clock clock;
  private final Random jitter;

  PodWorkers(
      SyncPodFn syncPodFn,
      Cache podCache,
      WorkQueue workQueue,
      Duration resyncInterval,
      Duration backOffPeriod,
      Executor executor,
      Clock clock,
      Random jitter) {
    this.syncPodFn = syncPodFn;
    this.podCache = podCache;
    this.workQueue = workQueue;
    this.resyncInterval = resyncInterval;
    this.backOffPeriod = backOffPeriod;
    this.executor = executor;
    this.clock = clock;
    this.jitter = jitter;
  }

  /** Upstream {@code UpdatePod}. */
  void updatePod(UpdatePodOptions options) {
    String uid = options.pod().getMetadata().getUid();
    Worker w;
    synchronized (this) {
      w = workers.computeIfAbsent(uid, Worker::new);
      if (w.working) {
        // A pending kill is never overwritten.
        if (w.undelivered == null || w.undelivered.type() != SyncPodType.KILL) {
          w.undelivered = options;
        }
        return;
      }
      w.working = true;
    }
    deliver(w, options);
  }

  /** managePodLoop's body for one update: wait for fresh runtime data, then sync. */
  private void deliver(Worker w, UpdatePodOptions update) {
    podCache
        .subscribe(w.uid, w.lastSyncTime)
        .whenComplete((snapshot, err) -> executor.execute(() -> sync(w, update, snapshot)));
  }

  private void sync(Worker w, UpdatePodOptions update, Cache.Snapshot snapshot) {
    CompletionStage<Void> done;
    if (snapshot.error() != null) {
      // Upstream records a FailedSync event "error determining status: ..." and backs off.
      done =
          java.util.concurrent.CompletableFuture.failedFuture(
              new IllegalStateException(
                  "error determining status: " + snapshot.error().getMessage()));
    } else {
      try {
        done =
            syncPodFn.syncPod(
                new SyncPodOptions(
                    update.pod(), update.type(), snapshot.status(), update.killPodOptions()));
      } catch (RuntimeException e) {
        done = java.util.concurrent.CompletableFuture.failedFuture(e);
      }
    }
    done.whenComplete(
        (v, err) ->
            executor.execute(
                () -> {
                  synchronized (this) {
                    w.lastSyncTime = podCache.timestamp(clock.now());
                  }
                  Throwable cause =
                      err instanceof CompletionException && err.getCause() != null
                          ? err.getCause()
                          : err;
                  if (update.onComplete() != null) {
                    update.onComplete().accept(cause);
                  }
                  if (cause != null) {
                    LOG.log(
                        Level.ERROR,
                        "Error syncing pod "
                            + w.uid
                            + " (\""
                            + format(update.pod())
                            + "\"), skipping: "
                            + cause.getMessage());
                  }
                  wrapUp(w, cause);
                }));
  }

  /** Upstream {@code wrapUp}: requeue for a resync (or a back-off), then take the next update. */
  private void wrapUp(Worker w, Throwable err) {
    Duration delay = err == null ? jitter(resyncInterval) : jitter(backOffPeriod);
    workQueue.enqueue(w.uid, delay);
    UpdatePodOptions next;
    synchronized (this) {
      next = w.undelivered; // null once the worker was forgotten
      w.undelivered = null;
      if (next == null) {
        w.working = false;
        return;
      }
    }
    deliver(w, next);
  }

  /** {@code wait.Jitter(d, 0.5)}: d plus up to half of d. */
  private Duration jitter(Duration d) {
    double r;
    synchronized (jitter) {
      r = jitter.nextDouble();
    }
    return d.plusNanos((long) (r * JITTER_FACTOR * d.toNanos()));
  }

  /** Upstream {@code ForgetWorker}: drops the worker and its undelivered update. */
  synchronized void forgetWorker(String uid) {
    Worker w = workers.remove(uid);
    if (w != null) {
      w.undelivered = null; // the sync under way finishes; nothing follows it
    }
  }

  /** Upstream {@code ForgetNonExistingPodWorkers}. */
  synchronized void forgetNonExistingPodWorkers(Set<String> desired) {
    for (String uid : Set.copyOf(workers.keySet())) {
      if (!desired.contains(uid)) {
        forgetWorker(uid);
      }
    }
  }

  synchronized boolean isWorking(String uid) {
    Worker w = workers.get(uid);
    return w != null && w.working;
  }

  synchronized int size() {
    return workers.size();
  }

  private static String format(Pod pod) {
    return pod.getMetadata().getName()
        + "_"
        + pod.getMetadata().getNamespace()
        + "("
        + pod.getMetadata().getUid()
        + ")";
  }
}
