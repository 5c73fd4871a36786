package io.kubelab.kubelet.util;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Runs tasks one at a time, in the order they were submitted, on an underlying executor: the Java
 * counterpart of one goroutine reading a channel.
 *
 * <p>Over a thread pool it is a lightweight "goroutine": at most one of its tasks runs at a time,
 * on whichever pool thread is free. Over an executor that runs tasks in place ({@code
 * Runnable::run}) it is a trampoline: a task submitted while another runs (from inside it, say)
 * waits until that one returns and then runs on the same thread, so nothing nests. That is how a
 * whole kubelet runs deterministically on the thread that steps a {@code FakeClock}: every
 * component shares one trampoline, and each clock step runs to quiescence before it returns.
 *
 * <p>A task that throws is reported to the current thread's uncaught-exception handler and the
 * queue goes on, as a goroutine restarted by {@code wait.Forever} would.
 */
public final class SerialExecutor implements Executor {

  private final Executor underlying;
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  private boolean draining;

  public SerialExecutor(Executor underlying) {
    if (underlying == null) {
      throw new IllegalArgumentException("SerialExecutor: underlying executor must not be null");
    }
    this.underlying = underlying;
  }

  /** A trampoline on the calling thread: tasks run in place, one at a time, never nested. */
  public static SerialExecutor inline() {
    return new SerialExecutor(Runnable::run);
  }

  @Override
  public void execute(Runnable task) {
    if (task == null) {
      throw new IllegalArgumentException("SerialExecutor: task must not be null");
    }
    synchronized (queue) {
      queue.add(task);
      if (draining) {
        return;
      }
      draining = true;
    }
    underlying.execute(this::drain);
  }

  private void drain() {
    while (true) {
      Runnable next;
      synchronized (queue) {
        next = queue.poll();
        if (next == null) {
          draining = false;
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException | Error e) {
        Thread t = Thread.currentThread();
        t.getUncaughtExceptionHandler().uncaughtException(t, e);
      }
    }
  }

  /** Tasks waiting to run (the running one excluded). */
  public int queued() {
    synchronized (queue) {
      return queue.size();
    }
  }
}
