package io.kubelab.scheduler.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The scheduler's latency histograms, the ones {@code scheduler_perf} reads, with upstream's names
 * and buckets, and the time source that measures them.
 *
 * <p>Upstream: {@code pkg/scheduler/metrics/metrics.go} (v1.17 and v1.18: the same names and
 * buckets): {@code scheduler_e2e_scheduling_duration_seconds}, {@code
 * scheduler_scheduling_algorithm_duration_seconds}, {@code
 * scheduler_scheduling_algorithm_predicate_evaluation_seconds}, {@code
 * scheduler_scheduling_algorithm_priority_evaluation_seconds}, {@code
 * scheduler_scheduling_algorithm_preemption_evaluation_seconds}, {@code
 * scheduler_binding_duration_seconds} and {@code scheduler_pod_scheduling_duration_seconds} (1 ms
 * doubling, 15 buckets), and {@code scheduler_framework_extension_point_duration_seconds} by {@code
 * extension_point} and {@code status} (0.1 ms doubling, 12 buckets). Latencies within a cycle are
 * real elapsed time, as upstream's {@code time.Since}: the ticker is {@link System#nanoTime} in a
 * real scheduler and a fake in tests, not the scheduler's {@code Clock}, whose fake time does not
 * move while code runs. The one exception is {@code pod_scheduling}, which runs from the pod's
 * first attempt, a {@code Clock} instant the queue recorded, and is measured on the {@code Clock}.
 */
public final class SchedulerMetrics {

  public static final String E2E_SCHEDULING = "scheduler_e2e_scheduling_duration_seconds";
  public static final String SCHEDULING_ALGORITHM =
      "scheduler_scheduling_algorithm_duration_seconds";
  public static final String PREDICATE_EVALUATION =
      "scheduler_scheduling_algorithm_predicate_evaluation_seconds";
  public static final String PRIORITY_EVALUATION =
      "scheduler_scheduling_algorithm_priority_evaluation_seconds";
  public static final String PREEMPTION_EVALUATION =
      "scheduler_scheduling_algorithm_preemption_evaluation_seconds";
  public static final String BINDING = "scheduler_binding_duration_seconds";
  public static final String POD_SCHEDULING = "scheduler_pod_scheduling_duration_seconds";
  public static final String EXTENSION_POINT =
      "scheduler_framework_extension_point_duration_seconds";

  /** {@code ExponentialBuckets(0.001, 2, 15)}: 1 ms to about 16 s. */
  static final double[] SCHEDULING_BUCKETS = Histogram.exponentialBuckets(0.001, 2, 15);

  /** {@code ExponentialBuckets(0.0001, 2, 12)}: 0.1 ms to about 200 ms. */
  static final double[] EXTENSION_POINT_BUCKETS = Histogram.exponentialBuckets(0.0001, 2, 12);

  /** Upstream's extension points in the order a pod meets them. */
  static final List<String> POINT_ORDER =
      List.of(
          "PreFilter",
          "Filter",
          "PreScore",
          "Score",
          "Reserve",
          "Permit",
          "PreBind",
          "Bind",
          "PostBind",
          "Unreserve");

  private final LongSupplier nanoTicker;
  private final Map<String, Histogram> scheduling = new LinkedHashMap<>();
  // extension point -> status code -> histogram
  private final Map<String, Map<String, Histogram>> extensionPoints = new ConcurrentHashMap<>();

  /** Metrics measured with {@link System#nanoTime}. */
  public SchedulerMetrics() {
    this(System::nanoTime);
  }

  /**
   * @param nanoTicker a monotonic time in nanoseconds
   */
  public SchedulerMetrics(LongSupplier nanoTicker) {
    this.nanoTicker = nanoTicker;
    for (String name :
        new String[] {
          E2E_SCHEDULING,
          SCHEDULING_ALGORITHM,
          PREDICATE_EVALUATION,
          PRIORITY_EVALUATION,
          PREEMPTION_EVALUATION,
          BINDING,
          POD_SCHEDULING
        }) {
      scheduling.put(name, new Histogram(SCHEDULING_BUCKETS));
    }
  }

  /** The ticker's time now, to pass back to an {@code observe} call. */
  public long start() {
    return nanoTicker.getAsLong();
  }

  /** Seconds since {@code startNanos} ({@code metrics.SinceInSeconds}). */
  public double since(long startNanos) {
    return (nanoTicker.getAsLong() - startNanos) / 1e9;
  }

  /**
   * Observes the seconds since {@code startNanos} in the histogram {@code name}, one of this
   * class's constants other than {@link #EXTENSION_POINT}.
   *
   * @throws IllegalArgumentException for any other name
   */
  public void observeSince(String name, long startNanos) {
    histogram(name).observe(since(startNanos));
  }

  /** Observes {@code seconds} in the histogram {@code name}. */
  public void observe(String name, double seconds) {
    histogram(name).observe(seconds);
  }

  /**
   * {@code FrameworkExtensionPointDuration.WithLabelValues(point, status).Observe(since(start))}.
   *
   * @param point upstream's name of the point: {@code PreFilter}, {@code Filter}, {@code Score}…
   * @param status the status code's name: {@code Success}, {@code Unschedulable}…
   */
  public void observeExtensionPoint(String point, String status, long startNanos) {
    double s = since(startNanos);
    extensionPoints
        .computeIfAbsent(point, p -> new ConcurrentHashMap<>())
        .computeIfAbsent(status, c -> new Histogram(EXTENSION_POINT_BUCKETS))
        .observe(s);
  }

  /**
   * The histogram {@code name}.
   *
   * @throws IllegalArgumentException for a name this class does not keep
   */
  public Histogram histogram(String name) {
    Histogram h = scheduling.get(name);
    if (h == null) {
      throw new IllegalArgumentException(
          "no scheduler metric \"" + name + "\"; known: " + scheduling.keySet());
    }
    return h;
  }

  /** The names of the scheduling histograms, in upstream's order. */
  public Iterable<String> schedulingMetricNames() {
    return scheduling.keySet();
  }

  /**
   * Each extension point observed so far with every status merged into one histogram (what a query
   * without a status label sums), in the order the framework runs the points.
   */
  public Map<String, Histogram> extensionPoints() {
    Map<String, Histogram> out = new LinkedHashMap<>();
    List<String> points = new ArrayList<>(extensionPoints.keySet());
    points.sort(
        Comparator.comparingInt(
                (String p) ->
                    POINT_ORDER.indexOf(p) < 0 ? POINT_ORDER.size() : POINT_ORDER.indexOf(p))
            .thenComparing(Comparator.naturalOrder()));
    for (String point : points) {
      Histogram merged = new Histogram(EXTENSION_POINT_BUCKETS);
      extensionPoints.get(point).values().forEach(merged::addAll);
      out.put(point, merged);
    }
    return out;
  }

  /** The histogram of one extension point and status, or null when never observed. */
  public Histogram extensionPoint(String point, String status) {
    Map<String, Histogram> byStatus = extensionPoints.get(point);
    return byStatus == null ? null : byStatus.get(status);
  }

  /** Forgets every observation. */
  public void clear() {
    scheduling.values().forEach(Histogram::clear);
    extensionPoints.clear();
  }
}
