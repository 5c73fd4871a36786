package io.kubelab.scheduler;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.scheduler.algorithm.SchedulingError;
import io.kubelab.scheduler.framework.PodInfo;
import io.kubelab.scheduler.framework.core.FitError;
import io.kubelab.scheduler.queue.SchedulingQueue;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.logging.Logger;

/**
 * Puts a pod whose scheduling or binding failed back into the queue.
 *
 * <p>Upstream: {@code MakeDefaultErrorFunc} in {@code pkg/scheduler/factory.go} (v1.18). It reads
 * the queue's scheduling cycle at once (so that a cluster event that arrives while the pod is
 * fetched still sends it to the backoff queue), then reads the pod again from the API server: a pod
 * that is gone is dropped ({@code A pod x no longer exists}), a pod that has a node by now is left
 * alone (it was bound after all), and any other pod goes back with {@code
 * AddUnschedulableIfNotPresent(podInfo, cycle)}, carrying its attempts and timestamps. A failed
 * read is retried after 200 ms, 400 ms, ... up to a minute between tries (upstream doubles {@code
 * initialGetBackoff} before the first sleep), on the clock.
 */
final class DefaultErrorFunc {

  private static final Logger LOG = Logger.getLogger(DefaultErrorFunc.class.getName());

  /** {@code initialGetBackoff}. */
  static final Duration INITIAL_GET_BACKOFF = Duration.ofMillis(100);

  /** {@code maximalGetBackoff}. */
  static final Duration MAXIMAL_GET_BACKOFF = Duration.ofMinutes(1);

  private final PodGetter client;
  private final SchedulingQueue queue;
  private final Clock clock;
  private final Executor retryExecutor;
  private final Set<Clock.Timer> retries = new HashSet<>();
  private boolean closed;

  /**
   * @param retryExecutor where a retried read runs (not on the clock's timer thread: it is an API
   *     call)
   */
  DefaultErrorFunc(PodGetter client, SchedulingQueue queue, Clock clock, Executor retryExecutor) {
    this.client = client;
    this.queue = queue;
    this.clock = clock;
    this.retryExecutor = retryExecutor;
  }

  void handle(PodInfo podInfo, RuntimeException err) {
    Pod pod = podInfo.pod();
    String id = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    if (err instanceof SchedulingError.NoNodesAvailable) {
      LOG.fine(
          () -> "Unable to schedule " + id + ": no nodes are registered to the cluster; waiting");
    } else if (err instanceof FitError) {
      LOG.fine(() -> "Unable to schedule " + id + ": no fit: " + err.getMessage() + "; waiting");
    } else {
      LOG.warning(() -> "Error scheduling " + id + ": " + err.getMessage() + "; retrying");
    }
    long podSchedulingCycle = queue.schedulingCycle();
    retry(podInfo, id, podSchedulingCycle, INITIAL_GET_BACKOFF);
  }

  private void retry(PodInfo podInfo, String id, long podSchedulingCycle, Duration getBackoff) {
    Pod pod = podInfo.pod();
    Optional<Pod> current;
    try {
      current = client.get(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
    } catch (RuntimeException e) {
      LOG.warning(
          () -> "Error getting pod " + id + " for retry: " + e.getMessage() + "; retrying...");
      Duration next = getBackoff.multipliedBy(2);
      Duration backoff = next.compareTo(MAXIMAL_GET_BACKOFF) > 0 ? MAXIMAL_GET_BACKOFF : next;
      synchronized (retries) {
        if (closed) {
          return;
        }
        Clock.Timer[] self = new Clock.Timer[1];
        self[0] =
            clock.schedule(
                backoff,
                () -> {
                  synchronized (retries) {
                    retries.remove(self[0]);
                  }
                  retryExecutor.execute(() -> retry(podInfo, id, podSchedulingCycle, backoff));
                });
        retries.add(self[0]);
      }
      return;
    }
    if (current.isEmpty()) {
      LOG.warning(() -> "A pod " + id + " no longer exists");
      return;
    }
    Pod fresh = current.get();
    if (EventHandlers.assignedPod(fresh)) {
      return;
    }
    PodInfo requeued =
        new PodInfo(
            fresh, podInfo.timestamp(), podInfo.attempts(), podInfo.initialAttemptTimestamp());
    try {
      queue.addUnschedulableIfNotPresent(requeued, podSchedulingCycle);
    } catch (IllegalStateException e) {
      LOG.fine(e::getMessage);
    }
  }

  /** Cancels the pending retries. */
  void close() {
    synchronized (retries) {
      closed = true;
      for (Clock.Timer t : retries) {
        t.close();
      }
      retries.clear();
    }
  }
}
