package io.kubelab.scheduler.metrics;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * A Prometheus histogram: fixed upper bounds, a count per bucket, the sum and the count of every
 * observation. Safe for concurrent {@link #observe} calls.
 *
 * <p>Upstream: the histograms of {@code k8s.io/component-base/metrics} (Prometheus client_golang's
 * {@code Histogram}), {@code ExponentialBuckets}, and the way scheduler_perf reads them: {@code
 * Histogram.Quantile}, {@code bucketQuantile} and {@code Histogram.Average} in {@code
 * component-base/metrics/testutil/metrics.go} (v1.20.2): the quantile is interpolated linearly
 * inside the bucket that holds its rank, and a rank in the open {@code +Inf} bucket answers the
 * highest finite bound.
 */
public final class Histogram {

  private final double[] upperBounds;
  private final AtomicLongArray counts; // one per bound, then +Inf
  private final DoubleAdder sum = new DoubleAdder();

  /**
   * @param upperBounds the finite upper bounds, strictly increasing
   * @throws IllegalArgumentException when they are empty or not strictly increasing
   */
  public Histogram(double[] upperBounds) {
    if (upperBounds.length == 0) {
      throw new IllegalArgumentException("histogram: no buckets");
    }
    for (int i = 1; i < upperBounds.length; i++) {
      if (!(upperBounds[i] > upperBounds[i - 1])) {
        throw new IllegalArgumentException(
            "histogram buckets must be in increasing order: "
                + upperBounds[i]
                + " >= "
                + upperBounds[i - 1]);
      }
    }
    this.upperBounds = upperBounds.clone();
    this.counts = new AtomicLongArray(upperBounds.length + 1);
  }

  /**
   * {@code ExponentialBuckets(start, factor, count)}: {@code count} bounds, the first {@code
   * start}, each the previous times {@code factor}.
   */
  public static double[] exponentialBuckets(double start, double factor, int count) {
    if (count < 1 || start <= 0 || factor <= 1) {
      throw new IllegalArgumentException(
          "ExponentialBuckets needs count >= 1, start > 0 and factor > 1: "
              + start
              + ", "
              + factor
              + ", "
              + count);
    }
    double[] b = new double[count];
    b[0] = start;
    for (int i = 1; i < count; i++) {
      b[i] = b[i - 1] * factor;
    }
    return b;
  }

  /** Counts {@code value} in the first bucket whose upper bound is at least it. */
  public void observe(double value) {
    int i = Arrays.binarySearch(upperBounds, value);
    counts.incrementAndGet(i >= 0 ? i : -i - 1);
    sum.add(value);
  }

  /** How many values were observed. */
  public long count() {
    long n = 0;
    for (int i = 0; i < counts.length(); i++) {
      n += counts.get(i);
    }
    return n;
  }

  /** The sum of every observed value. */
  public double sum() {
    return sum.sum();
  }

  /** {@code Histogram.Average}: the sum over the count (NaN when empty). */
  public double average() {
    return sum() / count();
  }

  /** The finite upper bounds. */
  public double[] upperBounds() {
    return upperBounds.clone();
  }

  /** The cumulative count of each finite bucket, then of {@code +Inf} (the total). */
  public long[] cumulativeCounts() {
    long[] c = new long[counts.length()];
    long run = 0;
    for (int i = 0; i < c.length; i++) {
      run += counts.get(i);
      c[i] = run;
    }
    return c;
  }

  /**
   * {@code Histogram.Quantile(q)}: with the {@code +Inf} bucket appended, {@code bucketQuantile}.
   * Negative {@code q} gives −∞, above 1 +∞; the rank {@code q·count} falls in the first bucket
   * whose cumulative count reaches it, and the answer is interpolated linearly inside that bucket
   * (from 0 in the first bucket); a rank only the {@code +Inf} bucket reaches answers the highest
   * finite bound. NaN when nothing was observed.
   */
  public double quantile(double q) {
    if (q < 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (q > 1) {
      return Double.POSITIVE_INFINITY;
    }
    long[] cum = cumulativeCounts();
    int last = cum.length - 1;
    double rank = q * cum[last];
    int b = 0;
    // sort.Search over the buckets before +Inf.
    while (b < last && cum[b] < rank) {
      b++;
    }
    if (b == 0) {
      return upperBounds[0] * (rank / cum[0]);
    }
    if (b == last) {
      return upperBounds[last - 1];
    }
    double brank = rank - cum[b - 1];
    double bSize = upperBounds[b] - upperBounds[b - 1];
    double bCount = cum[b] - cum[b - 1];
    return upperBounds[b - 1] + bSize * (brank / bCount);
  }

  /** Adds every count and the sum of {@code other}, which must have the same bounds. */
  public void addAll(Histogram other) {
    if (!Arrays.equals(upperBounds, other.upperBounds)) {
      throw new IllegalArgumentException("histograms with different buckets cannot be merged");
    }
    for (int i = 0; i < counts.length(); i++) {
      counts.addAndGet(i, other.counts.get(i));
    }
    sum.add(other.sum());
  }

  /** Forgets every observation ({@code hist.Clear()} after scheduler_perf collects it). */
  public void clear() {
    for (int i = 0; i < counts.length(); i++) {
      counts.set(i, 0);
    }
    sum.reset();
  }
}
