package io.kubelab.proxy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that carry proxied connections, and the registry of connections open right now.
 *
 * <p>Upstream starts goroutines per connection ({@code go ProxyTCP}, and one {@code copyBytes}
 * goroutine per direction, in {@code pkg/proxy/userspace/proxysocket.go}). A goroutine costs a few
 * kilobytes; a Java platform thread costs a stack and a clone(2). So the same "one thread per
 * direction" shape runs on a cached pool: threads named {@code proxy-conn-N} are reused across
 * connections and retire after {@link #KEEP_ALIVE} idle. Each keeps one direct buffer for its
 * copies, so the bytes move kernel → buffer → kernel with no Java-heap copy.
 */
final class ProxyWorkers implements AutoCloseable {

  /** How long an idle worker waits for another connection before its thread ends. */
  static final Duration KEEP_ALIVE = Duration.ofSeconds(30);

  /** Bytes per read; large reads mean fewer system calls per megabyte on bulk streams. */
  static final int BUFFER_SIZE = 256 * 1024;

  private final ThreadPoolExecutor pool;
  private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private final Object idle = new Object();
  private volatile boolean closed;
  private final ThreadLocal<ByteBuffer> buffers =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER_SIZE));

  ProxyWorkers(String name) {
    AtomicInteger n = new AtomicInteger();
    pool =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            KEEP_ALIVE.toNanos(),
            TimeUnit.NANOSECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, name + "-" + n.incrementAndGet());
              t.setDaemon(true);
              // Remember threads so close() can join them: a terminated pool may still have
              // threads on their way out. Dead ones are pruned here so the set stays small.
              threads.removeIf(old -> !old.isAlive());
              threads.add(t);
              return t;
            });
  }

  /** Runs {@code task} on a worker; false if the workers are shut down. */
  boolean execute(Runnable task) {
    try {
      pool.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  /** This worker thread's copy buffer, cleared. */
  ByteBuffer buffer() {
    ByteBuffer b = buffers.get();
    b.clear();
    return b;
  }

  /** Tracks an open connection; one registered after {@link #close()} is closed at once. */
  void register(AutoCloseable connection) {
    open.add(connection);
    if (closed) {
      closeQuietly(connection);
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // Closing is best effort; the copy threads see the closed sockets and end.
    }
  }

  void deregister(AutoCloseable connection) {
    if (open.remove(connection) && open.isEmpty()) {
      synchronized (idle) {
        idle.notifyAll();
      }
    }
  }

  /** Connections (and UDP client sessions) open right now. */
  int openConnections() {
    return open.size();
  }

  /**
   * Waits until no connection is open, up to {@code timeout} of real time (connections end on
   * network events, not on the mechanism clock).
   */
  boolean awaitNoConnections(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (idle) {
      while (!open.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(idle, left);
      }
      return true;
    }
  }

  /** Live worker threads (busy or idle). */
  int threads() {
    return pool.getPoolSize();
  }

  /** Closes every open connection, then stops every worker thread and waits for them. */
  @Override
  public void close() {
    closed = true;
    pool.shutdown();
    for (AutoCloseable c : open) {
      closeQuietly(c);
    }
    try {
      if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
      }
      for (Thread t : threads) {
        t.join(5_000);
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
