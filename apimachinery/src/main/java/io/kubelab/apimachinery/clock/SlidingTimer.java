package io.kubelab.apimachinery.clock;

import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * A loop whose period counts from the end of each run: Go's {@code wait.Until(f, period, stop)}
 * (that is, {@code JitterUntil} with {@code sliding = true} and no jitter). A run that takes 0.6 s
 * of a 1 s period is followed 1 s after it ended, never sooner; a run that takes 5 s is followed by
 * one run 1 s later, not by a burst of catch-up runs.
 *
 * <p>The timer thread only hands the run to {@code executor}; the next run is armed when the run
 * returns (or throws). Closing stops future runs; a run in progress finishes.
 */
final class SlidingTimer implements Clock.Timer {

  private final TimerScheduler scheduler;
  private final long periodNanos;
  private final Executor executor;
  private final Runnable task;
  private final Object lock = new Object();
  private Clock.Timer armed; // the one-shot that starts the next run, null while a run is due
  private boolean cancelled;

  private SlidingTimer(
      TimerScheduler scheduler, Duration period, Executor executor, Runnable task) {
    this.scheduler = scheduler;
    this.periodNanos = period.toNanos();
    this.executor = executor;
    this.task = task;
  }

  static SlidingTimer start(
      TimerScheduler scheduler,
      Duration initialDelay,
      Duration period,
      Executor executor,
      Runnable task) {
    Clock.checkDelay(initialDelay, "initial delay");
    Clock.checkPeriod(period);
    Clock.checkTask(executor, task);
    SlidingTimer t = new SlidingTimer(scheduler, period, executor, task);
    t.arm(scheduler.nanoTime() + initialDelay.toNanos());
    return t;
  }

  private void arm(long deadline) {
    synchronized (lock) {
      if (!cancelled) {
        armed = scheduler.scheduleAtNanos(deadline, this::fire);
      }
    }
  }

  /** On the timer thread: hand the run over, nothing more. */
  private void fire() {
    synchronized (lock) {
      if (cancelled) {
        return;
      }
      armed = null;
    }
    executor.execute(this::runOnce);
  }

  private void runOnce() {
    synchronized (lock) {
      if (cancelled) {
        return;
      }
    }
    try {
      task.run();
    } finally {
      // The period starts now, at the end of the run.
      arm(scheduler.nanoTime() + periodNanos);
    }
  }

  @Override
  public void close() {
    Clock.Timer toCancel;
    synchronized (lock) {
      cancelled = true;
      toCancel = armed;
      armed = null;
    }
    if (toCancel != null) {
      toCancel.close();
    }
  }

  @Override
  public boolean isCancelled() {
    synchronized (lock) {
      return cancelled;
    }
  }
}
