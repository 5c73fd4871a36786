package io.kubelab.cluster.controller;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A controller's worker threads: each takes keys from the controller's queue until it is shut down
 * ({@code go wait.Until(worker, time.Second, stopCh)} for each of {@code workers}).
 */
public final class Workers {

  /** One step of a worker: take a key and sync it; false once the queue is shut down. */
  @FunctionalInterface
  public interface Step {
    boolean processNextWorkItem(Duration wait) throws InterruptedException;
  }

  private final List<Thread> threads = new ArrayList<>();

  /** Starts {@code n} daemon threads named {@code NAME-i}, each looping over {@code step}. */
  public synchronized void start(String name, int n, Step step) {
    for (int i = 0; i < n; i++) {
      Thread t =
          new Thread(
              () -> {
                try {
                  while (step.processNextWorkItem(Duration.ofSeconds(1))) {
                    // until the queue is shut down
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              name + "-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /** Shuts {@code queue} down and waits (5 s at most for each) for the workers to finish. */
  public void stop(RateLimitingQueue<?> queue) {
    queue.shutDown();
    List<Thread> ts;
    synchronized (this) {
      ts = List.copyOf(threads);
    }
    for (Thread t : ts) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
