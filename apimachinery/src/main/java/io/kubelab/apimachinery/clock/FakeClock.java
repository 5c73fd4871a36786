package io.kubelab.apimachinery.clock;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;
import java.util.concurrent.Executor;

/**
 * A clock that moves only when told to, for deterministic tests and virtual-time simulation.
 *
 * <p>Upstream: {@code k8s.io/utils/clock/testing.FakeClock}. {@link #step(Duration)} advances time
 * and fires every timer that falls due on the way, in time order (ties in the order they were
 * armed), on the caller's thread. While a timer fires, {@link #now()} reads its due time, so a task
 * that looks at the clock sees the instant it was meant to run at. Periodic loops ({@link #until},
 * {@link #ticker}) are timed by the same code as on {@link SystemClock}; with an executor that runs
 * tasks in place, a run takes no virtual time, so both kinds fire once per elapsed period.
 *
 * <p>A task may step the clock itself, to model a run that takes time: timers that fall due during
 * that nested step fire inside it, and time never goes back when the outer step finishes.
 *
 * <p>Thread-safe: other threads may read the time and schedule timers while one thread steps.
 */
public final class FakeClock implements Clock {

  /** The epoch every fresh {@code FakeClock} starts at: a fixed, readable instant. */
  public static final Instant DEFAULT_START = Instant.parse("2020-01-01T00:00:00Z");

  private final Object lock = new Object();
  private final PriorityQueue<Entry> timers =
      new PriorityQueue<>(
          (a, b) -> {
            int byTime = a.due.compareTo(b.due);
            return byTime != 0 ? byTime : Long.compare(a.seq, b.seq);
          });
  private final Instant start;
  private final TimerScheduler scheduler = new VirtualScheduler();
  private Instant now;
  private long nextSeq;

  public FakeClock() {
    this(DEFAULT_START);
  }

  public FakeClock(Instant start) {
    this.start = start;
    this.now = start;
  }

  @Override
  public Instant now() {
    synchronized (lock) {
      return now;
    }
  }

  @Override
  public Timer schedule(Duration delay, Runnable task) {
    Clock.checkDelay(delay, "delay");
    if (task == null) {
      throw new IllegalArgumentException("task must not be null");
    }
    synchronized (lock) {
      return add(now.plus(delay), task);
    }
  }

  @Override
  public Timer until(Duration initialDelay, Duration period, Executor executor, Runnable task) {
    return SlidingTimer.start(scheduler, initialDelay, period, executor, task);
  }

  @Override
  public Timer ticker(Duration initialDelay, Duration period, Executor executor, Runnable task) {
    return TickerTimer.start(scheduler, initialDelay, period, executor, task);
  }

  /** Must hold {@link #lock}. */
  private Entry add(Instant due, Runnable task) {
    Entry e = new Entry(due, nextSeq++, task);
    timers.add(e);
    return e;
  }

  /**
   * Advances time by {@code d}, firing due timers in order. A timer armed by a firing task is
   * itself fired in this step if it falls due within it.
   *
   * @throws IllegalArgumentException if {@code d} is negative
   */
  public void step(Duration d) {
    Clock.checkDelay(d, "step");
    Instant target;
    synchronized (lock) {
      target = now.plus(d);
    }
    advanceTo(target);
  }

  /** Moves time to {@code t}, firing due timers; setting time backwards is an error. */
  public void setTime(Instant t) {
    synchronized (lock) {
      if (t.isBefore(now)) {
        throw new IllegalArgumentException("FakeClock cannot go back in time: " + t + " < " + now);
      }
    }
    advanceTo(t);
  }

  private void advanceTo(Instant target) {
    while (true) {
      Entry next;
      synchronized (lock) {
        next = timers.peek();
        if (next == null || next.due.isAfter(target)) {
          // A task may have stepped further than this step asked for; time never goes back.
          if (target.isAfter(now)) {
            now = target;
          }
          return;
        }
        timers.poll();
        next.fired = true;
        if (next.due.isAfter(now)) {
          now = next.due;
        }
      }
      next.task.run();
    }
  }

  /** How many timers are waiting to fire (cancelled and fired ones excluded). */
  public int pendingTimers() {
    synchronized (lock) {
      return timers.size();
    }
  }

  /** The due time of the earliest waiting timer, or null if none waits. */
  public Instant nextDue() {
    synchronized (lock) {
      Entry e = timers.peek();
      return e == null ? null : e.due;
    }
  }

  @Override
  public String toString() {
    return "FakeClock[" + now() + ", " + pendingTimers() + " timers]";
  }

  /** Virtual nanoseconds since {@link #start}, for the periodic timers. */
  private final class VirtualScheduler implements TimerScheduler {
    @Override
    public long nanoTime() {
      synchronized (lock) {
        return Duration.between(start, now).toNanos();
      }
    }

    @Override
    public Timer scheduleAtNanos(long deadline, Runnable fire) {
      synchronized (lock) {
        Instant due = start.plusNanos(deadline);
        return add(due.isBefore(now) ? now : due, fire);
      }
    }
  }

  private final class Entry implements Timer {
    private final Instant due;
    private final long seq;
    private final Runnable task;
    private boolean fired; // guarded by lock
    private boolean cancelled; // guarded by lock

    Entry(Instant due, long seq, Runnable task) {
      this.due = due;
      this.seq = seq;
      this.task = task;
    }

    @Override
    public void close() {
      synchronized (lock) {
        if (!fired && !cancelled) {
          cancelled = true;
          timers.remove(this);
        }
      }
    }

    @Override
    public boolean isCancelled() {
      synchronized (lock) {
        return cancelled;
      }
    }
  }
}
