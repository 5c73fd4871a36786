package io.kubelab.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * The pods waiting at Permit, by UID, and the waiting pods themselves.
 *
 * <p>Upstream: {@code waitingPodsMap} and {@code waitingPod} in {@code
 * pkg/scheduler/framework/v1alpha1/waiting_pods_map.go} (v1.18.x, where {@code Allow} and {@code
 * Reject} became non-blocking sends on a channel with room for one status). That channel is a
 * {@link CompletableFuture} here: the first allow-or-reject completes it and later ones are
 * dropped, exactly as a non-blocking send into a full one-slot channel. Each waiting plugin's
 * timeout is a timer on the framework's {@link Clock}, so a {@code FakeClock} decides when a wait
 * times out.
 */
final class WaitingPods {

  private final Map<String, Entry> pods = new ConcurrentHashMap<>();

  /** {@code add}. */
  void add(Entry wp) {
    pods.put(wp.uid, wp);
  }

  /** {@code remove}. */
  void remove(String uid) {
    pods.remove(uid);
  }

  /** {@code get}: the waiting pod, or null. */
  Entry get(String uid) {
    return uid == null ? null : pods.get(uid);
  }

  /** {@code iterate}: a snapshot of the waiting pods, so the callback may allow or reject. */
  void iterate(Consumer<WaitingPod> callback) {
    for (Entry e : List.copyOf(pods.values())) {
      callback.accept(e);
    }
  }

  int size() {
    return pods.size();
  }

  /** {@code waitingPod}. */
  static final class Entry implements WaitingPod {
    private final Pod pod;
    private final String uid;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, Clock.Timer> pendingPlugins;
    private final CompletableFuture<Status> signal = new CompletableFuture<>();

    /**
     * {@code newWaitingPod}: one timer per waiting plugin, each rejecting the pod when it fires.
     * The timers are started under the write lock, so none can fire (and walk the map) before the
     * map is complete.
     */
    Entry(Pod pod, Map<String, Duration> pluginsMaxWaitTime, Clock clock) {
      this.pod = pod;
      this.uid = pod.getMetadata().getUid();
      this.pendingPlugins = new HashMap<>();
      lock.writeLock().lock();
      try {
        pluginsMaxWaitTime.forEach(
            (plugin, waitTime) ->
                pendingPlugins.put(
                    plugin,
                    clock.schedule(
                        waitTime,
                        () ->
                            reject(
                                "rejected due to timeout after waiting "
                                    + GoDurations.format(waitTime)
                                    + " at plugin "
                                    + plugin))));
      } finally {
        lock.writeLock().unlock();
      }
    }

    @Override
    public Pod pod() {
      return pod;
    }

    @Override
    public List<String> pendingPlugins() {
      lock.readLock().lock();
      try {
        return new ArrayList<>(pendingPlugins.keySet());
      } finally {
        lock.readLock().unlock();
      }
    }

    @Override
    public void allow(String pluginName) {
      lock.writeLock().lock();
      try {
        Clock.Timer timer = pendingPlugins.remove(pluginName);
        if (timer != null) {
          timer.close();
        }
        // Only once every waiting plugin has allowed.
        if (!pendingPlugins.isEmpty()) {
          return;
        }
        signal.complete(Status.SUCCESS);
      } finally {
        lock.writeLock().unlock();
      }
    }

    @Override
    public void reject(String msg) {
      lock.readLock().lock();
      try {
        for (Clock.Timer timer : pendingPlugins.values()) {
          timer.close();
        }
        signal.complete(Status.unschedulable(msg));
      } finally {
        lock.readLock().unlock();
      }
    }

    /** Blocks until allowed or rejected (upstream: {@code <-waitingPod.s}). */
    Status await() throws InterruptedException {
      try {
        return signal.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException(e);
      }
    }

    /** The verdict if one arrived, without waiting; null otherwise. */
    Status verdictNow() {
      return signal.getNow(null);
    }

    @Override
    public String toString() {
      return "WaitingPod{"
          + pod.getMetadata().getNamespace()
          + "/"
          + pod.getMetadata().getName()
          + ", pending="
          + pendingPlugins()
          + "}";
    }
  }
}
