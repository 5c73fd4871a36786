package io.kubelab.kubelet;

import io.kubelab.apimachinery.clock.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pods due for a periodic resync: each pod worker, after a sync, asks to be synced again after a
 * delay; the sync loop's one-second tick collects the pods whose time has come.
 *
 * <p>Upstream: {@code pkg/kubelet/util/queue/work_queue.go} ({@code basicWorkQueue}: {@code
 * Enqueue} keeps the latest time per pod, {@code GetWork} returns and removes the due ones).
 */
final class WorkQueue {
  private final Clock clock;
  private final Map<String, Instant> queue = new HashMap<>();

  WorkQueue(Clock clock) {
    this.clock = clock;
  }

  synchronized void enqueue(String uid, Duration delay) {
    queue.put(uid, clock.now().plus(delay));
  }

  synchronized List<String> getWork() {
    Instant now = clock.now();
    List<String> due = new ArrayList<>();
    queue
        .entrySet()
        .removeIf(
            e -> {
              if (!e.getValue().isAfter(now)) {
                due.add(e.getKey());
                return true;
              }
              return false;
            });
    return due;
  }

  synchronized int size() {
    return queue.size();
  }
}
