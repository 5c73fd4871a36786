package io.kubelab.cluster.apiserver;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One watcher's queue of events. The store fills it under its write lock; the watcher drains it on
 * its own thread. When the watcher falls {@code capacity} events behind, the store terminates it
 * (upstream's cacher does the same to a watcher whose channel stays full); the client then resumes
 * from the last resourceVersion it saw.
 *
 * <p>Upstream: the {@code cacheWatcher} of {@code k8s.io/apiserver/pkg/storage/cacher/cacher.go}.
 */
public final class Watch implements AutoCloseable {

  /** What {@link #next} returns: an event, a wake-up, or the end. */
  public sealed interface Item permits Change, Wake, End {}

  /** A committed change. */
  public record Change(Storage.Event event) implements Item {}

  /** A nudge from a timer (bookmark due, deadline reached): the watcher checks its clock. */
  public record Wake() implements Item {}

  /** The watch ended: closed by the client or the server, or terminated as too slow. */
  public record End(String why) implements Item {}

  private final BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
  private final int capacity;
  private final Runnable onClose;
  private volatile boolean ended;

  Watch(int capacity, Runnable onClose) {
    this.capacity = capacity;
    this.onClose = onClose;
  }

  /** Called by the store, under its write lock. Returns false once the watch has ended. */
  boolean offer(Storage.Event e) {
    if (ended) {
      return false;
    }
    if (queue.size() >= capacity) {
      end("watcher fell " + capacity + " events behind");
      return false;
    }
    queue.add(new Change(e));
    return true;
  }

  /** Wakes the draining thread (timers call this). */
  public void wake() {
    queue.add(new Wake());
  }

  /** Ends the watch; the draining thread gets {@link End} after what is queued. */
  public void end(String why) {
    if (!ended) {
      ended = true;
      queue.add(new End(why));
    }
  }

  /**
   * The next item, waiting at most {@code timeoutMillis} of real time (a bound for tests and
   * shutdown, not a timer: deadlines and bookmarks come as {@link Wake}s).
   */
  public Item next(long timeoutMillis) throws InterruptedException {
    return queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  /** True when nothing at all is queued: {@link #next} would wait. */
  boolean isEmpty() {
    return queue.isEmpty();
  }

  /** True when nothing is queued: every event the store dispatched has been taken. */
  boolean drained() {
    for (Item i : queue) {
      if (i instanceof Change) {
        return false;
      }
    }
    return true;
  }

  public boolean ended() {
    return ended;
  }

  @Override
  public void close() {
    end("closed");
    onClose.run();
  }
}
