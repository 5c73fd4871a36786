package io.kubelab.perf;

import io.kubelab.apimachinery.clock.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.ObjIntConsumer;

/**
 * Pods scheduled per interval while the measured {@code createPods} op runs.
 *
 * <p>Upstream: {@code throughputCollector} in {@code test/integration/scheduler_perf/util.go}: a
 * ticker every {@code throughputSampleFrequency} (1 s) counts the bound pods of the op's namespace
 * and records {@code (now − last) / 1 s}. It is cancelled when the op's pods are all bound, so the
 * last, partial interval is lost; an op faster than one interval gives upstream no sample at all.
 * Here {@link #stop} records that last partial interval too, as pods over the time it lasted, so
 * that every measured op has a figure (a run shorter than one interval gets exactly one sample, its
 * average rate).
 */
final class ThroughputCollector {

  private final Clock clock;
  private final Duration interval;
  private final IntSupplier scheduled;
  private final ObjIntConsumer<Double> onSample;
  private final List<Double> samples = new ArrayList<>();
  private Clock.Timer ticker;
  private int last;
  private Instant lastAt;

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
    last = scheduled.getAsInt();
    lastAt = clock.now();
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
  synchronized List<Double> stop() {
    ticker.close();
    int now = scheduled.getAsInt();
    Duration partial = clock.since(lastAt);
    if (now > last && !partial.isZero() && !partial.isNegative()) {
      samples.add((now - last) / seconds(partial));
    }
    return List.copyOf(samples);
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }
}
