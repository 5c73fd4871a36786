package io.kubelab.scheduler.extender;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A thread factory for an executor that names its daemon threads {@code prefix + n} and remembers
 * them, so that {@code close()} can join them: an executor's {@code awaitTermination} returns when
 * its workers have left their loop, a moment before their threads end.
 */
final class NamedThreads implements ThreadFactory {
  private final String prefix;
  private final AtomicInteger count = new AtomicInteger();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();

  NamedThreads(String prefix) {
    this.prefix = prefix;
  }

  @Override
  public Thread newThread(Runnable r) {
    Thread t = new Thread(r, prefix + count.incrementAndGet());
    t.setDaemon(true);
    threads.add(t);
    return t;
  }

  /** Joins every thread made so far, each for at most {@code millis}. */
  void join(long millis) throws InterruptedException {
    for (Thread t : threads) {
      t.join(millis);
    }
  }
}
