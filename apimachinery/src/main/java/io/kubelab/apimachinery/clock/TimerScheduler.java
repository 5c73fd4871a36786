package io.kubelab.apimachinery.clock;

/**
 * What the periodic timers need from a clock: a monotonic reading and one-shot timers at a point of
 * that reading. {@link FakeClock} answers in virtual time, {@link SystemClock} with {@link
 * System#nanoTime()}; {@link SlidingTimer} and {@link TickerTimer} are written once against this,
 * so both clocks time their loops identically.
 */
interface TimerScheduler {

  /** A monotonic time in nanoseconds; only differences mean anything. */
  long nanoTime();

  /**
   * Runs {@code fire} on the clock's timer thread once {@link #nanoTime()} reaches {@code deadline}
   * (at once if it already has). {@code fire} must be short: it only hands work on.
   */
  Clock.Timer scheduleAtNanos(long deadline, Runnable fire);
}
