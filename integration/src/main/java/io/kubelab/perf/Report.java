package io.kubelab.perf;

import io.kubelab.perf.DataItems.DataItem;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The readable form of a run: one line of figures per workload, then what each did with its pods.
 * Upstream prints only log lines ({@code klog}: "N pods scheduled") and writes the DataItems.
 */
public final class Report {

  private Report() {}

  public static void table(PrintWriter out, List<WorkloadRunner.Result> results) {
    int w = "TEST CASE/WORKLOAD".length();
    for (WorkloadRunner.Result r : results) {
      w = Math.max(w, r.id().length());
    }
    String fmt = "%-" + w + "s  %9s  %9s  %9s  %9s  %12s  %12s%n";
    out.printf(
        fmt, "TEST CASE/WORKLOAD", "PODS/S", "P50", "P90", "P99", "LATENCY P50", "LATENCY P99");
    for (WorkloadRunner.Result r : results) {
      for (DataItem d : r.dataItems()) {
        if (!WorkloadRunner.THROUGHPUT.equals(d.metric())) {
          continue;
        }
        DataItem lat = latencyFor(r, d.name());
        out.printf(
            fmt,
            r.id(),
            number(d.data().get("Average")),
            number(d.data().get("Perc50")),
            number(d.data().get("Perc90")),
            number(d.data().get("Perc99")),
            lat == null ? "-" : number(lat.data().get("Perc50")) + " ms",
            lat == null ? "-" : number(lat.data().get("Perc99")) + " ms");
      }
    }
    out.println();
    extensionPoints(out, results);
    for (WorkloadRunner.Result r : results) {
      out.println(accounting(r));
      Map<String, Integer> byMessage = new LinkedHashMap<>();
      for (PerfCluster.Pending p : r.pending()) {
        byMessage.merge(
            p.reason().isEmpty() ? p.message() : p.reason() + ": " + p.message(), 1, Integer::sum);
      }
      byMessage.forEach((msg, n) -> out.printf("  %d pod(s) pending: %s%n", n, msg));
    }
  }

  /**
   * Per workload, the latency of each extension point and of the scheduler's phases while the
   * measured pods were scheduled (milliseconds, from the histograms' buckets).
   */
  static void extensionPoints(PrintWriter out, List<WorkloadRunner.Result> results) {
    for (WorkloadRunner.Result r : results) {
      // One table per measured op (its Name ends in the op's namespace).
      Map<String, List<DataItem>> byName = new LinkedHashMap<>();
      for (DataItem d : r.dataItems()) {
        if (!WorkloadRunner.THROUGHPUT.equals(d.metric())
            && !WorkloadRunner.POD_SCHEDULING_DURATION.equals(d.metric())
            && !d.data().isEmpty()) {
          byName.computeIfAbsent(d.name(), n -> new java.util.ArrayList<>()).add(d);
        }
      }
      byName.forEach(
          (name, rows) -> {
            int w = "WHAT".length();
            for (DataItem d : rows) {
              w = Math.max(w, what(d).length());
            }
            String fmt = "  %-" + w + "s  %9s  %9s  %9s  %9s%n";
            out.printf(
                "%s, %s: latencies (ms)%n", r.id(), name.substring(name.lastIndexOf('/') + 1));
            out.printf(fmt, "WHAT", "P50", "P90", "P99", "AVERAGE");
            for (DataItem d : rows) {
              out.printf(
                  fmt,
                  what(d),
                  ms(d.data().get("Perc50")),
                  ms(d.data().get("Perc90")),
                  ms(d.data().get("Perc99")),
                  ms(d.data().get("Average")));
            }
            out.println();
          });
    }
  }

  /** An extension point's name, or the metric's without {@code scheduler_} and {@code _seconds}. */
  private static String what(DataItem d) {
    return d.labels().containsKey(WorkloadRunner.EXTENSION_POINT_LABEL)
        ? d.labels().get(WorkloadRunner.EXTENSION_POINT_LABEL)
        : d.metric().replaceFirst("^scheduler_", "").replaceFirst("_seconds$", "");
  }

  /** {@code SchedulingBasic/500Nodes: 500 nodes, 1500 pods created, 1500 bound}. */
  static String accounting(WorkloadRunner.Result r) {
    StringBuilder sb = new StringBuilder();
    sb.append(r.id()).append(": ").append(r.nodes()).append(" nodes, ");
    sb.append(r.podsCreated()).append(" pods created, ").append(r.podsBound()).append(" bound");
    if (r.podsDeleted() > 0) {
      sb.append(", ").append(r.podsDeleted()).append(" deleted by preemption");
    }
    if (!r.pending().isEmpty()) {
      sb.append(", ").append(r.pending().size()).append(" pending");
    }
    return sb.toString();
  }

  private static DataItem latencyFor(WorkloadRunner.Result r, String name) {
    for (DataItem d : r.dataItems()) {
      if (WorkloadRunner.POD_SCHEDULING_DURATION.equals(d.metric()) && d.name().equals(name)) {
        return d.data().isEmpty() ? null : d;
      }
    }
    return null;
  }

  /** Milliseconds: three decimals below 10 ms, where extension points live. */
  static String ms(Double v) {
    if (v == null || Math.abs(v) >= 10) {
      return number(v);
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }

  static String number(Double v) {
    if (v == null) {
      return "-";
    }
    if (Math.abs(v) >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
