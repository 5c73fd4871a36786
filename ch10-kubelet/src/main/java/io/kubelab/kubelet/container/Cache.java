package io.kubelab.kubelet.container;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The kubelet's cache of runtime pod statuses, with a publish/subscribe read: {@link
 * #getNewerThan(String, Instant)} blocks until the cache holds data for the pod that is newer than
 * the caller's last sync.
 *
 * <p>Upstream: {@code pkg/kubelet/container/cache.go} ({@code Cache}, {@code cache}). The PLEG is
 * the only writer: it {@link #set}s pods that changed and, after each relist, calls {@link
 * #updateTime} with the relist's start time, which vouches that <em>every</em> pod in the cache is
 * at least that fresh. Pod workers read with {@link #getNewerThan} so that a pod is never synced
 * twice on the same runtime state.
 *
 * <p>The rules, all as upstream:
 *
 * <ul>
 *   <li>A miss yields {@link PodStatus#empty(String)} and no error: no entry means "no containers".
 *   <li>Data is newer than {@code minTime} when the entry was modified strictly after it, or the
 *       global timestamp is strictly after it (a pod with no entry is then served the empty
 *       status). Before the first {@link #updateTime} there is no global timestamp.
 *   <li>A blocked reader is woken by {@link #set} of its pod or by {@link #updateTime} once the
 *       written time is not before its {@code minTime}: at or after, not strictly after, so a
 *       notification can deliver data that the immediate check would have refused.
 *   <li>{@link #delete} wakes nobody.
 * </ul>
 *
 * <p>Each subscription is a one-shot future, the counterpart of upstream's one-element channel:
 * blocking is on a condition, never on time.
 */
public final class Cache {

  /** The status and the inspection error cached for a pod. */
  public record Snapshot(PodStatus status, ContainerRuntimeException error) {}

  private record Data(PodStatus status, ContainerRuntimeException error, Instant modified) {
    Snapshot snapshot() {
      return new Snapshot(status, error);
    }
  }

  private record Subscriber(Instant time, CompletableFuture<Snapshot> channel) {}

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<String, Data> pods = new HashMap<>();
  private final Map<String, List<Subscriber>> subscribers = new HashMap<>();
  // Null until the first relist finishes: until then no reader can be served by the global time.
  private Instant timestamp;

  private final java.util.concurrent.atomic.AtomicReference<Instant> lastStamp =
      new java.util.concurrent.atomic.AtomicReference<>(Instant.MIN);

  /**
   * A timestamp for the cache's writer and readers: {@code now}, or a nanosecond after the last
   * timestamp handed out if that is not before {@code now}. Upstream reads the wall clock, and of
   * two reads one after the other the second is later; on a {@code FakeClock} a container's exit,
   * the end of the sync that waited for it and the relist that sees it may all happen at one
   * instant, and without this order the relist's data would look no newer than that sync.
   */
  public Instant timestamp(Instant now) {
    return lastStamp.updateAndGet(last -> now.isAfter(last) ? now : last.plusNanos(1));
  }

  /** The cached status and error, without blocking. */
  public Snapshot get(String uid) {
    lock.readLock().lock();
    try {
      return getLocked(uid);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Blocks until the cache holds data for {@code uid} newer than {@code minTime} and returns it.
   *
   * @throws InterruptedException if the caller is interrupted while waiting; the subscription is
   *     withdrawn
   */
  public Snapshot getNewerThan(String uid, Instant minTime) throws InterruptedException {
    CompletableFuture<Snapshot> ch = subscribe(uid, minTime);
    try {
      return ch.get();
    } catch (InterruptedException e) {
      unsubscribe(uid, ch);
      throw e;
    } catch (ExecutionException e) {
      throw new IllegalStateException("cache subscription for pod " + uid + " failed", e);
    }
  }

  /**
   * The non-blocking form of {@link #getNewerThan}: the returned future is already complete when
   * data newer than {@code minTime} exists, else it completes when {@link #set} or {@link
   * #updateTime} says so. It completes on the writer's thread, after the cache's lock is released;
   * a reader that must not run there continues on its own executor ({@code thenAcceptAsync}). This
   * is how a pod worker waits without holding a thread.
   */
  public CompletableFuture<Snapshot> subscribe(String uid, Instant minTime) {
    lock.writeLock().lock();
    try {
      Data d = getIfNewerThan(uid, minTime);
      if (d != null) {
        return CompletableFuture.completedFuture(d.snapshot());
      }
      CompletableFuture<Snapshot> ch = new CompletableFuture<>();
      subscribers.computeIfAbsent(uid, k -> new ArrayList<>()).add(new Subscriber(minTime, ch));
      return ch;
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void unsubscribe(String uid, CompletableFuture<Snapshot> ch) {
    lock.writeLock().lock();
    try {
      List<Subscriber> list = subscribers.get(uid);
      if (list != null) {
        list.removeIf(s -> s.channel == ch);
        if (list.isEmpty()) {
          subscribers.remove(uid);
        }
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Stores the status (and inspection error) observed at {@code timestamp}, then wakes readers of
   * this pod whose {@code minTime} is not after {@code timestamp}.
   */
  public void set(
      String uid, PodStatus status, ContainerRuntimeException error, Instant timestamp) {
    if (timestamp == null) {
      throw new IllegalArgumentException("Cache.set for pod " + uid + ": timestamp is null");
    }
    List<Wakeup> wake = new ArrayList<>();
    lock.writeLock().lock();
    try {
      pods.put(uid, new Data(status, error, timestamp));
      notifySubscribers(uid, timestamp, wake);
    } finally {
      lock.writeLock().unlock();
    }
    complete(wake);
  }

  /** Forgets a pod. Wakes nobody: its readers wait for the next {@link #updateTime}. */
  public void delete(String uid) {
    lock.writeLock().lock();
    try {
      pods.remove(uid);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Declares every entry at least as fresh as {@code timestamp} and wakes every reader whose {@code
   * minTime} is not after it.
   */
  public void updateTime(Instant timestamp) {
    if (timestamp == null) {
      throw new IllegalArgumentException("Cache.updateTime: timestamp is null");
    }
    List<Wakeup> wake = new ArrayList<>();
    lock.writeLock().lock();
    try {
      this.timestamp = timestamp;
      for (String uid : new ArrayList<>(subscribers.keySet())) {
        notifySubscribers(uid, timestamp, wake);
      }
    } finally {
      lock.writeLock().unlock();
    }
    complete(wake);
  }

  /** How many readers are blocked on {@code uid}. */
  int subscriberCount(String uid) {
    lock.readLock().lock();
    try {
      List<Subscriber> list = subscribers.get(uid);
      return list == null ? 0 : list.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  private Snapshot getLocked(String uid) {
    Data d = pods.get(uid);
    return d == null ? new Snapshot(PodStatus.empty(uid), null) : d.snapshot();
  }

  private Data getIfNewerThan(String uid, Instant minTime) {
    Data d = pods.get(uid);
    boolean globalTimestampIsNewer = timestamp != null && timestamp.isAfter(minTime);
    if (d == null) {
      return globalTimestampIsNewer ? new Data(PodStatus.empty(uid), null, timestamp) : null;
    }
    return d.modified.isAfter(minTime) || globalTimestampIsNewer ? d : null;
  }

  /** A reader to wake once the lock is released, and what to hand it. */
  private record Wakeup(CompletableFuture<Snapshot> channel, Snapshot snapshot) {}

  private static void complete(List<Wakeup> wake) {
    for (Wakeup w : wake) {
      w.channel.complete(w.snapshot);
    }
  }

  private void notifySubscribers(String uid, Instant ts, List<Wakeup> wake) {
    List<Subscriber> list = subscribers.get(uid);
    if (list == null) {
      return;
    }
    List<Subscriber> keep = new ArrayList<>();
    for (Subscriber s : list) {
      if (ts.isBefore(s.time)) {
        keep.add(s);
        continue;
      }
      wake.add(new Wakeup(s.channel, getLocked(uid)));
    }
    if (keep.isEmpty()) {
      subscribers.remove(uid);
    } else {
      subscribers.put(uid, keep);
    }
  }
}
