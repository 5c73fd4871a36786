package io.kubelab.perf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Average and percentiles of a list of samples, the way scheduler_perf's {@code
 * throughputCollector.collect} computes them: sort, then the value at index {@code ceil(n × p /
 * 100) − 1} for p = 50, 90, 95, 99 (Perc95 in later releases; v1.20.2 reports the other three).
 */
final class Stats {

  static final List<Integer> PERCENTILES = List.of(50, 90, 95, 99);

  private Stats() {}

  /**
   * A measured op's throughput: the percentiles of its samples, and as {@code Average} its pods
   * over its length ({@link ThroughputCollector.Result#average()}), or the samples' plain mean for
   * an op of no length (a clock that went back); empty for no samples.
   */
  static Map<String, Double> throughput(ThroughputCollector.Result r) {
    Map<String, Double> out = summary(r.samples());
    double average = r.average();
    if (!out.isEmpty() && !Double.isNaN(average)) {
      out.put("Average", average);
    }
    return out;
  }

  /** {@code Average}, {@code Perc50} ... {@code Perc99}; empty for no samples. */
  static Map<String, Double> summary(List<Double> samples) {
    Map<String, Double> out = new LinkedHashMap<>();
    int n = samples.size();
    if (n == 0) {
      return out;
    }
    List<Double> sorted = new ArrayList<>(samples);
    sorted.sort(null);
    double sum = 0;
    for (double s : sorted) {
      sum += s;
    }
    out.put("Average", sum / n);
    for (int p : PERCENTILES) {
      int index = (int) Math.ceil(n * p / 100.0) - 1;
      out.put("Perc" + p, sorted.get(index));
    }
    return out;
  }
}
