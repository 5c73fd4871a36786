package io.kubelab.perf;

import io.kubelab.perf.DataItems.DataItem;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --compare BASELINE.json}: for every data item of a run whose labels (Metric, Name) match
 * one in the baseline, the ratio current / baseline of each value both have. For throughput above 1
 * is better; for latency below 1 is. Upstream has no such step (its dashboard plots the files); the
 * matching by labels is how the dashboard tells one series from another.
 */
public final class Compare {

  /** One compared value. */
  public record Row(String name, String metric, String stat, double baseline, double current) {
    /** current / baseline; NaN when the baseline is 0. */
    public double ratio() {
      return baseline == 0 ? Double.NaN : current / baseline;
    }
  }

  private Compare() {}

  /** The rows, in the order of the current run's items and their values. */
  public static List<Row> rows(DataItems baseline, DataItems current) {
    Map<Map<String, String>, DataItem> base = new HashMap<>();
    for (DataItem d : baseline.dataItems()) {
      base.put(d.labels(), d);
    }
    List<Row> out = new ArrayList<>();
    for (DataItem d : current.dataItems()) {
      DataItem b = base.get(d.labels());
      if (b == null) {
        continue;
      }
      for (Map.Entry<String, Double> e : d.data().entrySet()) {
        Double bv = b.data().get(e.getKey());
        if (bv != null) {
          out.add(new Row(d.name(), metric(d), e.getKey(), bv, e.getValue()));
        }
      }
    }
    return out;
  }

  /** The metric, with its extension point when it has one: {@code ...{extension_point=Filter}}. */
  private static String metric(DataItem d) {
    String point = d.labels().get(WorkloadRunner.EXTENSION_POINT_LABEL);
    return point == null
        ? d.metric()
        : d.metric() + "{" + WorkloadRunner.EXTENSION_POINT_LABEL + "=" + point + "}";
  }

  /** Throughput as the table prints it; latencies in ms with three decimals below 10 ms. */
  private static String value(Row r, double v) {
    return WorkloadRunner.THROUGHPUT.equals(r.metric()) ? Report.number(v) : Report.ms(v);
  }

  /** Prints the rows as a table; says so when nothing matched. */
  public static void print(PrintWriter out, List<Row> rows, String baselineFile) {
    out.println();
    if (rows.isEmpty()) {
      out.println(
          "compare: no data item of this run has a match (same Metric and Name) in "
              + baselineFile);
      return;
    }
    out.println("Compared with " + baselineFile + " (ratio = this run / baseline):");
    int w = "NAME".length();
    int m = "METRIC".length();
    for (Row r : rows) {
      w = Math.max(w, r.name().length());
      m = Math.max(m, r.metric().length());
    }
    String fmt = "%-" + w + "s  %-" + m + "s  %-7s  %10s  %10s  %6s%n";
    out.printf(fmt, "NAME", "METRIC", "STAT", "BASELINE", "CURRENT", "RATIO");
    for (Row r : rows) {
      out.printf(
          fmt,
          r.name(),
          r.metric(),
          r.stat(),
          value(r, r.baseline()),
          value(r, r.current()),
          Double.isNaN(r.ratio()) ? "-" : String.format(java.util.Locale.ROOT, "%.2f", r.ratio()));
    }
  }
}
