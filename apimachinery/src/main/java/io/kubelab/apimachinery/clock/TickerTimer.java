package io.kubelab.apimachinery.clock;

import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * A loop that runs on a fixed grid and drops the ticks it cannot take: Go's {@code
 * time.NewTicker(period)} (or {@code time.Tick}) read by one goroutine, {@code for { <-t.C; f() }}.
 *
 * <p>Ticks fall at {@code start + initialDelay + k * period}. The ticker's channel holds one tick:
 * a tick that arrives while a run is in progress waits, and every further one is dropped. So after
 * a run that took five periods exactly one run follows at once (the waiting tick), and the next one
 * waits for the grid. A tick delivered late (the timer thread was busy) moves the grid on to the
 * first point after now, as Go's runtime timer does, instead of firing the missed ones.
 *
 * <p>The timer thread only marks the tick and hands a run to {@code executor}. Closing drops a
 * waiting tick; a run in progress finishes.
 */
final class TickerTimer implements Clock.Timer {

  private final TimerScheduler scheduler;
  private final long periodNanos;
  private final Executor executor;
  private final Runnable task;
  private final Object lock = new Object();
  private long next; // the grid point the armed one-shot fires at
  private Clock.Timer armed;
  private boolean waitingTick; // the channel's single slot
  private boolean consuming; // a drain() is submitted or running: Go's reading goroutine is busy
  private boolean cancelled;

  private TickerTimer(TimerScheduler scheduler, Duration period, Executor executor, Runnable task) {
    this.scheduler = scheduler;
    this.periodNanos = period.toNanos();
    this.executor = executor;
    this.task = task;
  }

  static TickerTimer start(
      TimerScheduler scheduler,
      Duration initialDelay,
      Duration period,
      Executor executor,
      Runnable task) {
    Clock.checkDelay(initialDelay, "initial delay");
    Clock.checkPeriod(period);
    Clock.checkTask(executor, task);
    TickerTimer t = new TickerTimer(scheduler, period, executor, task);
    synchronized (t.lock) {
      t.next = scheduler.nanoTime() + initialDelay.toNanos();
      t.armed = scheduler.scheduleAtNanos(t.next, t::tick);
    }
    return t;
  }

  /** On the timer thread: put the tick in the slot (or drop it) and arm the next grid point. */
  private void tick() {
    boolean startConsumer = false;
    synchronized (lock) {
      if (cancelled) {
        return;
      }
      waitingTick = true; // a second tick while one waits is the same slot: dropped
      if (!consuming) {
        consuming = true;
        startConsumer = true;
      }
      long late = scheduler.nanoTime() - next;
      next += (late < 0 ? 1 : late / periodNanos + 1) * periodNanos;
      armed = scheduler.scheduleAtNanos(next, this::tick);
    }
    if (startConsumer) {
      executor.execute(this::drain);
    }
  }

  /** The reading goroutine: take the waiting tick and run, until no tick waits. */
  private void drain() {
    while (true) {
      synchronized (lock) {
        if (cancelled || !waitingTick) {
          consuming = false;
          return;
        }
        waitingTick = false;
      }
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        synchronized (lock) {
          consuming = false; // the next tick starts a fresh consumer
        }
        throw e;
      }
    }
  }

  @Override
  public void close() {
    Clock.Timer toCancel;
    synchronized (lock) {
      cancelled = true;
      waitingTick = false;
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
