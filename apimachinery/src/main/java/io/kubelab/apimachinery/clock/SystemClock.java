package io.kubelab.apimachinery.clock;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real clock: wall-clock time and timers on a small pool of daemon threads named {@code
 * <name>-timer-N}. This is the only class in mechanism code that reads the system time.
 *
 * <p>Upstream: {@code k8s.io/utils/clock.RealClock}. Timer tasks should be short, as goroutines
 * started from a ticker are: a task that blocks holds one of the pool's threads. A task that throws
 * is reported to the thread's uncaught-exception handler and, if periodic, keeps its schedule (a
 * panicking {@code wait.Until} loop is restarted by {@code HandleCrash} upstream).
 */
public final class SystemClock implements Clock, AutoCloseable {

  private final ScheduledThreadPoolExecutor executor;
  // Every thread the pool started, so that close() can join them: the pool reports termination
  // while its last worker is still on its way out.
  private final List<Thread> timerThreads = new CopyOnWriteArrayList<>();

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
              timerThreads.add(t);
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
    return new FutureTimer(executor.schedule(guard(task), delay.toNanos(), TimeUnit.NANOSECONDS));
  }

  @Override
  public Timer every(Duration initialDelay, Duration period, Runnable task) {
    Clock.checkDelay(initialDelay, "initial delay");
    Clock.checkPeriod(period);
    return new FutureTimer(
        executor.scheduleAtFixedRate(
            guard(task), initialDelay.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS));
  }

  private static Runnable guard(Runnable task) {
    if (task == null) {
      throw new IllegalArgumentException("task must not be null");
    }
    return () -> {
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        Thread t = Thread.currentThread();
        t.getUncaughtExceptionHandler().uncaughtException(t, e);
      }
    };
  }

  /** Stops and joins every timer thread (waiting at most 5 s each); pending timers never run. */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
      for (Thread t : timerThreads) {
        t.join(TimeUnit.SECONDS.toMillis(5));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

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
