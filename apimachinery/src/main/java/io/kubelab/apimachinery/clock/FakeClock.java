package io.kubelab.apimachinery.clock;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A clock that moves only when told to, for deterministic tests and virtual-time simulation.
 *
 * <p>Upstream: {@code k8s.io/utils/clock/testing.FakeClock}. {@link #step(Duration)} advances time
 * and fires every timer that falls due on the way, in time order (ties in the order they were
 * scheduled), on the caller's thread. A periodic timer fires exactly as many times as its period
 * fits into the stepped interval. While a timer runs, {@link #now()} reads its due time, so a task
 * that looks at the clock sees the instant it was meant to run at.
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
  private Instant now;
  private long nextSeq;

  public FakeClock() {
    this(DEFAULT_START);
  }

  public FakeClock(Instant start) {
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
    return add(delay, null, task);
  }

  @Override
  public Timer every(Duration initialDelay, Duration period, Runnable task) {
    Clock.checkDelay(initialDelay, "initial delay");
    Clock.checkPeriod(period);
    return add(initialDelay, period, task);
  }

  private Timer add(Duration delay, Duration period, Runnable task) {
    if (task == null) {
      throw new IllegalArgumentException("task must not be null");
    }
    synchronized (lock) {
      Entry e = new Entry(now.plus(delay), nextSeq++, period, task);
      timers.add(e);
      return e;
    }
  }

  /**
   * Advances time by {@code d}, firing due timers in order. A timer scheduled by a firing task is
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
          now = target;
          return;
        }
        timers.poll();
        if (next.cancelled.get()) {
          continue;
        }
        now = next.due;
      }
      next.task.run();
      synchronized (lock) {
        if (next.period != null && !next.cancelled.get()) {
          next.due = next.due.plus(next.period);
          next.seq = nextSeq++;
          timers.add(next);
        } else if (next.period == null) {
          next.done = true;
        }
      }
    }
  }

  /** How many timers are waiting to fire (cancelled and finished ones excluded). */
  public int pendingTimers() {
    synchronized (lock) {
      return (int) timers.stream().filter(e -> !e.cancelled.get()).count();
    }
  }

  /** The due time of the earliest live timer, or null if none waits. */
  public Instant nextDue() {
    synchronized (lock) {
      return timers.stream()
          .filter(e -> !e.cancelled.get())
          .map(e -> e.due)
          .min(Instant::compareTo)
          .orElse(null);
    }
  }

  @Override
  public String toString() {
    return "FakeClock[" + now() + ", " + pendingTimers() + " timers]";
  }

  private final class Entry implements Timer {
    private Instant due;
    private long seq;
    private final Duration period;
    private final Runnable task;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private boolean done;

    Entry(Instant due, long seq, Duration period, Runnable task) {
      this.due = due;
      this.seq = seq;
      this.period = period;
      this.task = task;
    }

    @Override
    public void close() {
      if (cancelled.compareAndSet(false, true)) {
        synchronized (lock) {
          timers.remove(this);
        }
      }
    }

    @Override
    public boolean isCancelled() {
      synchronized (lock) {
        return cancelled.get() && !done;
      }
    }
  }
}
