package io.kubelab.apimachinery.clock;

import java.time.Duration;
import java.time.Instant;

/**
 * Time as mechanism code sees it: the current instant, one-shot timers and periodic timers.
 *
 * <p>Upstream: {@code k8s.io/utils/clock} ({@code Clock}, {@code Timer}, {@code Ticker}) and the
 * {@code wait.Until} loops of {@code k8s.io/apimachinery/pkg/util/wait}. Mechanism code never reads
 * the wall clock or sleeps; it asks its {@code Clock}. In production that is {@link SystemClock};
 * in tests and simulations it is {@link FakeClock}, whose {@link FakeClock#step(Duration)} fires
 * due timers in time order on the caller's thread.
 */
public interface Clock {

  /** The current instant. */
  Instant now();

  /** Time elapsed since {@code earlier}, like Go's {@code clock.Since}. */
  default Duration since(Instant earlier) {
    return Duration.between(earlier, now());
  }

  /**
   * Runs {@code task} once, {@code delay} from now (Go's {@code time.AfterFunc}).
   *
   * @throws IllegalArgumentException if {@code delay} is negative
   */
  Timer schedule(Duration delay, Runnable task);

  /**
   * Runs {@code task} every {@code period}, the first time {@code initialDelay} from now. This is
   * how a {@code go wait.Until(f, period, stop)} loop is written here: {@code wait.Until} runs
   * {@code f} at once, so pass {@link Duration#ZERO} as the initial delay to match it.
   *
   * <p>Runs of one timer never overlap. If a run takes longer than the period, the next one starts
   * when it ends (Go's sliding {@code wait.Until} has the same effect).
   *
   * @throws IllegalArgumentException if {@code period} is not positive or the delay is negative
   */
  Timer every(Duration initialDelay, Duration period, Runnable task);

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
}
