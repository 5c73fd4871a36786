package io.kubelab.kubelet.util;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * An executor that runs nothing until told: a goroutine that has not been scheduled yet. Tests use
 * it to decide exactly when a component's background work happens.
 */
public final class ManualExecutor implements Executor {
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();

  @Override
  public synchronized void execute(Runnable task) {
    queue.add(task);
  }

  /** Runs queued tasks, and those they queue, until none is left; returns how many ran. */
  public int runAll() {
    int n = 0;
    Runnable r;
    while ((r = poll()) != null) {
      r.run();
      n++;
    }
    return n;
  }

  /** Runs the oldest queued task, if any; returns whether one ran. */
  public boolean runOne() {
    Runnable r = poll();
    if (r != null) {
      r.run();
    }
    return r != null;
  }

  public synchronized int size() {
    return queue.size();
  }

  private synchronized Runnable poll() {
    return queue.poll();
  }
}
