package io.kubelab.apimachinery.clock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real clock: wall-clock time, and timers on a small pool of daemon threads named {@code
 * <name>-timer-N}. This is the only class in mechanism code that reads the system time.
 *
 * <p>Upstream: {@code k8s.io/utils/clock.RealClock}. The timer threads only fire timers: a periodic
 * loop's run goes to the executor its owner passed, so a slow probe or API call never holds up the
 * other timers. Loops are timed with {@link System#nanoTime()} by the same code as {@link
 * FakeClock}'s. A task run on a timer thread that throws is reported to the thread's
 * uncaught-exception handler and its loop keeps going (a panicking {@code wait.Until} loop is
 * restarted by {@code HandleCrash} upstream).
 */
public final class SystemClock implements Clock, AutoCloseable {

  /** How long {@link #close()} waits, in all, for the timer threads to end. */
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(20);

  private final ScheduledThreadPoolExecutor executor;
  private final List<Thread> threads = new ArrayList<>();
  private final TimerScheduler scheduler = new RealScheduler();

  /** A clock with {@code threads} timer threads whose names start with {@code name}. */
  public SystemClock(String name, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("SystemClock " + name + ": threads must be >= 1");
    }
    AtomicInteger n = new AtomicInteger();
    executor =
        new ScheduledThreadPoolExecutor(
            threads,
            r -> {
              Thread t = new Thread(r, name + "-timer-" + n.incrementAndGet());
              t.setDaemon(true);
              synchronized (this.threads) {
                this.threads.add(t);
              }
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
  }

  /** A clock with two timer threads named {@code clock-timer-N}. */
  public SystemClock() {
    this("clock", 2);
  }

  @Override
  public Instant now() {
    return Instant.now();
  }

  @Override
  public Timer schedule(Duration delay, Runnable task) {
    Clock.checkDelay(delay, "delay");
    if (task == null) {
      throw new IllegalArgumentException("task must not be null");
    }
    return new FutureTimer(executor.schedule(guard(task), delay.toNanos(), TimeUnit.NANOSECONDS));
  }

  @Override
  public Timer until(Duration initialDelay, Duration period, Executor runOn, Runnable task) {
    return SlidingTimer.start(scheduler, initialDelay, period, runOn, task);
  }

  @Override
  public Timer ticker(Duration initialDelay, Duration period, Executor runOn, Runnable task) {
    return TickerTimer.start(scheduler, initialDelay, period, runOn, task);
  }

  private static Runnable guard(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        Thread t = Thread.currentThread();
        t.getUncaughtExceptionHandler().uncaughtException(t, e);
      }
    };
  }

  /**
   * Stops every timer thread and waits for all of them to end, at most {@link #CLOSE_TIMEOUT} in
   * all; pending timers never run. A timer thread still alive after that (a task that ignores
   * interruption) is an error naming the thread, never a silent leak.
   */
  @Override
  public void close() {
    executor.shutdownNow();
    long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
    boolean interrupted = false;
    try {
      executor.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      // Every worker the pool ever made is in the list by now. A terminated pool's threads may
      // still be on their way out of their run method: join them against the same deadline.
      for (Thread t : threadsSoFar()) {
        TimeUnit.NANOSECONDS.timedJoin(t, Math.max(1, deadline - System.nanoTime()));
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    List<String> alive =
        threadsSoFar().stream().filter(Thread::isAlive).map(Thread::getName).toList();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (!alive.isEmpty()) {
      throw new IllegalStateException(
          "SystemClock: timer threads " + alive + " did not stop within " + CLOSE_TIMEOUT);
    }
  }

  private List<Thread> threadsSoFar() {
    synchronized (threads) {
      return new ArrayList<>(threads);
    }
  }

  private final class RealScheduler implements TimerScheduler {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public Timer scheduleAtNanos(long deadline, Runnable fire) {
      long delay = Math.max(0, deadline - System.nanoTime());
      try {
        return new FutureTimer(executor.schedule(guard(fire), delay, TimeUnit.NANOSECONDS));
      } catch (RejectedExecutionException e) {
        // The clock is closed: a loop that re-arms after its last run simply ends.
        return CLOSED;
      }
    }
  }

  private static final Timer CLOSED =
      new Timer() {
        @Override
        public void close() {}

        @Override
        public boolean isCancelled() {
          return true;
        }
      };

  private record FutureTimer(ScheduledFuture<?> future) implements Timer {
    @Override
    public void close() {
      future.cancel(false);
    }

    @Override
    public boolean isCancelled() {
      return future.isCancelled();
    }
  }
}
