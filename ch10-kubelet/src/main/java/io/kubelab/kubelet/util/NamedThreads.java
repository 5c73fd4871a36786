package io.kubelab.kubelet.util;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pool of daemon threads named {@code <name>-N} that {@link #close()} stops and joins: the
 * goroutines of one component when it runs on real threads. Threads are created on demand, up to
 * {@code maxThreads}, and end after a minute of idleness; tasks beyond that wait in an unbounded
 * queue. So a pool sized for a burst of slow probes costs nothing at rest.
 */
public final class NamedThreads implements Executor, AutoCloseable {

  private final String name;
  private final ThreadPoolExecutor pool;
  private final List<Thread> threads = new ArrayList<>();

  /**
   * @param maxThreads at most this many tasks run at once; further ones wait their turn
   */
  public NamedThreads(String name, int maxThreads) {
    if (maxThreads < 1) {
      throw new IllegalArgumentException("NamedThreads " + name + ": maxThreads must be >= 1");
    }
    this.name = name;
    AtomicInteger n = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            maxThreads,
            maxThreads,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, name + "-" + n.incrementAndGet());
              t.setDaemon(true);
              synchronized (threads) {
                threads.removeIf(old -> !old.isAlive());
                threads.add(t);
              }
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
  }

  @Override
  public void execute(Runnable task) {
    pool.execute(task);
  }

  /** Interrupts the threads and waits (at most 10 s) until every one has ended. */
  @Override
  public void close() {
    pool.shutdownNow();
    List<Thread> toJoin;
    synchronized (threads) {
      toJoin = new ArrayList<>(threads);
    }
    try {
      pool.awaitTermination(10, TimeUnit.SECONDS);
      for (Thread t : toJoin) {
        t.join(TimeUnit.SECONDS.toMillis(10));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "NamedThreads[" + name + "]";
  }
}
