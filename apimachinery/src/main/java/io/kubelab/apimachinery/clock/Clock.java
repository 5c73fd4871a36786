package io.kubelab.apimachinery.clock;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;

/**
 * Time as mechanism code sees it: the current instant, one-shot timers and the two kinds of
 * periodic loop Kubernetes uses.
 *
 * <p>Upstream: {@code k8s.io/utils/clock} ({@code Clock}, {@code Timer}, {@code Ticker}), Go's
 * {@code time.NewTicker} and the {@code wait.Until} loops of {@code
 * k8s.io/apimachinery/pkg/util/wait}. Mechanism code never reads the wall clock or sleeps; it asks
 * its {@code Clock}. In production that is {@link SystemClock}; in tests and simulations it is
 * {@link FakeClock}, whose {@link FakeClock#step(Duration)} fires due timers in time order on the
 * caller's thread. Both time their loops with the same code, so a loop behaves the same on either.
 *
 * <p>The two periodic kinds differ when a run is slow:
 *
 * <ul>
 *   <li>{@link #until}: the period counts from the <em>end</em> of a run ({@code wait.Until}: the
 *       PLEG's relist). A slow run delays the next one; there is never a burst of catch-up runs.
 *   <li>{@link #ticker}: runs start on a fixed grid ({@code time.NewTicker}: the probe workers, the
 *       status manager's batch). A run that overruns leaves at most one tick waiting, which runs at
 *       once when it ends; the missed ones are dropped.
 * </ul>
 *
 * <p>In both, the clock's timer thread only hands a run to the given {@link Executor}. Anything
 * that can block (a probe, an API call, a runtime call) must run on an executor of its own, never
 * on the timer thread, or it would hold up every other timer of the clock. {@link #ON_TIMER_THREAD}
 * is for short, non-blocking tasks only.
 */
public interface Clock {

  /**
   * Runs tasks on the thread that fires the timer: a {@link SystemClock} timer thread, or the
   * thread stepping a {@link FakeClock}. Only for short tasks that never block.
   */
  Executor ON_TIMER_THREAD = Runnable::run;

  /** The current instant. */
  Instant now();

  /** Time elapsed since {@code earlier}, like Go's {@code clock.Since}. */
  default Duration since(Instant earlier) {
    return Duration.between(earlier, now());
  }

  /**
   * Runs {@code task} once, {@code delay} from now, on the timer thread (Go's {@code
   * time.AfterFunc}). Keep it short: hand anything slow to an executor.
   *
   * @throws IllegalArgumentException if {@code delay} is negative or {@code task} is null
   */
  Timer schedule(Duration delay, Runnable task);

  /**
   * A sliding loop, Go's {@code go wait.Until(task, period, stop)}: the first run {@code
   * initialDelay} from now ({@code wait.Until} runs at once: pass {@link Duration#ZERO}), then each
   * run {@code period} after the previous one <em>ended</em>. Runs happen on {@code executor} and
   * never overlap.
   *
   * @throws IllegalArgumentException if {@code period} is not positive, the delay is negative, or
   *     the executor or task is null
   */
  Timer until(Duration initialDelay, Duration period, Executor executor, Runnable task);

  /**
   * A ticker loop, Go's {@code t := time.NewTicker(period); for { <-t.C; task() }} with the first
   * tick {@code initialDelay} from now: ticks fall at {@code initialDelay + k * period}, a tick
   * that arrives during a run waits (one at most) and the rest are dropped. Runs happen on {@code
   * executor} and never overlap.
   *
   * @throws IllegalArgumentException if {@code period} is not positive, the delay is negative, or
   *     the executor or task is null
   */
  Timer ticker(Duration initialDelay, Duration period, Executor executor, Runnable task);

  /**
   * {@link #until} with the task run {@link #ON_TIMER_THREAD}: for short periodic chores such as
   * sweeping expired entries.
   */
  default Timer every(Duration initialDelay, Duration period, Runnable task) {
    return until(initialDelay, period, ON_TIMER_THREAD, task);
  }

  /** {@link #every(Duration, Duration, Runnable)} with the first run one period from now. */
  default Timer every(Duration period, Runnable task) {
    return every(period, period, task);
  }

  /** A scheduled task; closing it cancels every future run. Closing twice is harmless. */
  interface Timer extends AutoCloseable {
    @Override
    void close();

    /** True once closed. A one-shot timer that already ran is not cancelled, only done. */
    boolean isCancelled();
  }

  /** Validates timer arguments the same way for every implementation. */
  static void checkDelay(Duration delay, String what) {
    if (delay == null) {
      throw new IllegalArgumentException(what + " must not be null");
    }
    if (delay.isNegative()) {
      throw new IllegalArgumentException(what + " must not be negative, got " + delay);
    }
  }

  /** Validates a period: it must be strictly positive, or a periodic timer would spin. */
  static void checkPeriod(Duration period) {
    checkDelay(period, "period");
    if (period.isZero()) {
      throw new IllegalArgumentException("period must be positive, got " + period);
    }
  }

  /** Validates the executor and task of a periodic timer. */
  static void checkTask(Executor executor, Runnable task) {
    if (executor == null) {
      throw new IllegalArgumentException("executor must not be null");
    }
    if (task == null) {
      throw new IllegalArgumentException("task must not be null");
    }
  }
}
