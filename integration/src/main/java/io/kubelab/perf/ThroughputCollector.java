package io.kubelab.perf;

import io.kubelab.apimachinery.clock.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.ObjIntConsumer;

/**
 * Pods scheduled per interval while the measured {@code createPods} op runs, and over the whole op.
 *
 * <p>Upstream: {@code throughputCollector} in {@code test/integration/scheduler_perf/util.go}: a
 * ticker every {@code throughputSampleFrequency} (1 s) counts the bound pods of the op's namespace
 * and records {@code (now − last) / 1 s}; {@code Average} is the mean of those samples. It is
 * cancelled when the op's pods are all bound, so the last, partial interval is lost; an op faster
 * than one interval gives upstream no sample at all.
 *
 * <p>Here the samples are upstream's, one per full interval, and one more for the last, partial
 * interval: its pods over its length, so that an op shorter than one interval has a figure and a
 * burst of bindings at the end shows in the percentiles. The {@link Result#average() average}
 * counts every pod bound in the op over the op's whole length (close to the samples' mean weighted
 * by their lengths; pods bound at the very instant of the last tick are in no sample but counted).
 * A plain mean would weigh the last, partial interval as a whole second and let a burst of bindings
 * in its last tenth of a second count ten times over. Lengths come from the clock, the wall clock
 * in {@code kubelab perf}, as the ticks do.
 */
final class ThroughputCollector {

  private final Clock clock;
  private final Duration interval;
  private final IntSupplier scheduled;
  private final ObjIntConsumer<Double> onSample;
  private final List<Double> samples = new ArrayList<>();
  private Clock.Timer ticker;
  private int first;
  private Instant startedAt;
  private int last;
  private Instant lastAt;

  /**
   * What one op gave.
   *
   * @param samples pods/s in each full interval, then in the last, partial one if pods were bound
   *     in it
   * @param pods pods bound from start to stop
   * @param elapsed from start to stop
   */
  record Result(List<Double> samples, int pods, Duration elapsed) {
    Result {
      samples = List.copyOf(samples);
    }

    /** Pods bound over the op's length; NaN for an op of no length (a clock that went back). */
    double average() {
      return elapsed.isNegative() || elapsed.isZero() ? Double.NaN : pods / seconds(elapsed);
    }
  }

  /**
   * @param scheduled how many of the measured pods are bound now
   * @param onSample hears each sample (pods/s) with the count it was taken at: the progress line
   */
  ThroughputCollector(
      Clock clock, Duration interval, IntSupplier scheduled, ObjIntConsumer<Double> onSample) {
    this.clock = clock;
    this.interval = interval;
    this.scheduled = scheduled;
    this.onSample = onSample;
  }

  synchronized void start() {
    first = scheduled.getAsInt();
    last = first;
    startedAt = clock.now();
    lastAt = startedAt;
    ticker = clock.ticker(interval, interval, Clock.ON_TIMER_THREAD, this::tick);
  }

  private synchronized void tick() {
    if (ticker == null || ticker.isCancelled()) {
      return;
    }
    int now = scheduled.getAsInt();
    double rate = (now - last) / seconds(interval);
    samples.add(rate);
    last = now;
    lastAt = clock.now();
    onSample.accept(rate, now);
  }

  /** Stops sampling; records the partial interval since the last tick if pods were bound in it. */
  synchronized Result stop() {
    ticker.close();
    int now = scheduled.getAsInt();
    Instant at = clock.now();
    List<Double> out = new ArrayList<>(samples);
    Duration partial = Duration.between(lastAt, at);
    if (now > last && !partial.isZero() && !partial.isNegative()) {
      out.add((now - last) / seconds(partial));
    }
    return new Result(out, now - first, Duration.between(startedAt, at));
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }
}
