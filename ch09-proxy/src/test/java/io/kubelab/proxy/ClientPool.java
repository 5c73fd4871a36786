package io.kubelab.proxy;

import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Test client threads that are really gone after {@link #close()}: the pool joins them. */
final class ClientPool implements AutoCloseable {
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private final ExecutorService pool;

  ClientPool(int size) {
    pool =
        Executors.newFixedThreadPool(
            size,
            r -> {
              Thread t = new Thread(r, "echo-test-client");
              t.setDaemon(true);
              threads.add(t);
              return t;
            });
  }

  <T> Future<T> submit(Callable<T> task) {
    return pool.submit(task);
  }

  @Override
  public void close() {
    pool.shutdownNow();
    try {
      pool.awaitTermination(10, TimeUnit.SECONDS);
      for (Thread t : threads) {
        t.join(10_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
