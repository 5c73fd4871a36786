package io.kubelab.perf;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelab.perf.DataItems.DataItem;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The readable report, column by column, and the compare table. */
class ReportTest {

  private static final String N1 = "BenchmarkPerfScheduling/SchedulingBasic/500Nodes/namespace-2";
  private static final String N2 = "BenchmarkPerfScheduling/SchedulingBasic/500Nodes/namespace-3";

  private static DataItem item(String metric, String name, Map<String, Double> data) {
    return new DataItem(data, "ms", Map.of("Metric", metric, "Name", name));
  }

  private static DataItem point(String point, String name, Map<String, Double> data) {
    return new DataItem(
        data,
        "ms",
        Map.of(
            "Metric",
            "scheduler_framework_extension_point_duration_seconds",
            "Name",
            name,
            WorkloadRunner.EXTENSION_POINT_LABEL,
            point));
  }

  /** A map that keeps the order given, for values where order does not matter to the code. */
  private static Map<String, Double> data(Object... kv) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], (Double) kv[i + 1]);
    }
    return m;
  }

  private static WorkloadRunner.Result result(
      String testCase,
      String workload,
      int nodes,
      int created,
      int bound,
      int deleted,
      List<PerfCluster.Pending> pending,
      List<DataItem> items) {
    return new WorkloadRunner.Result(
        testCase,
        workload,
        Map.of(),
        nodes,
        created,
        bound,
        deleted,
        pending,
        items,
        Duration.ofSeconds(1));
  }

  private static String sp(int n) {
    return " ".repeat(n);
  }

  @Test
  void theTableHasOneRowPerThroughputItemWithItsLatencyThenExtensionPointsThenAccounting() {
    WorkloadRunner.Result big =
        result(
            "SchedulingBasic",
            "500Nodes",
            500,
            1500,
            1490,
            4,
            List.of(
                new PerfCluster.Pending("ns/a", "Unschedulable", "0/500 nodes are available"),
                new PerfCluster.Pending("ns/b", "", "waiting"),
                new PerfCluster.Pending("ns/c", "Unschedulable", "0/500 nodes are available"),
                new PerfCluster.Pending("ns/d", "Unschedulable", "0/500 nodes are available"),
                new PerfCluster.Pending("ns/e", "", "waiting"),
                new PerfCluster.Pending("ns/f", "Unschedulable", "0/500 nodes are available")),
            List.of(
                new DataItem(
                    data("Average", 250.4, "Perc50", 240.0, "Perc90", 99.94, "Perc99", 12.24),
                    "pods/s",
                    Map.of("Metric", WorkloadRunner.THROUGHPUT, "Name", N1)),
                // another op's latency comes first: the row must take its own op's
                item(
                    WorkloadRunner.POD_SCHEDULING_DURATION,
                    N2,
                    data("Perc50", 77.0, "Perc99", 88.0)),
                item(
                    WorkloadRunner.POD_SCHEDULING_DURATION,
                    N1,
                    data("Perc50", 3.21, "Perc99", 150.0)),
                point(
                    "Filter",
                    N1,
                    data("Perc50", 0.0123, "Perc90", 0.5, "Perc99", 12.5, "Average", 1.0)),
                item(
                    "scheduler_scheduling_algorithm_duration_seconds",
                    N1,
                    data("Perc50", 250.0, "Perc99", 9.9996, "Average", -12.0)),
                item("scheduler_nothing_seconds", N1, Map.of()),
                point(
                    "Filter",
                    N2,
                    data("Perc50", 1.0, "Perc90", 2.0, "Perc99", 3.0, "Average", 1.5))));
    WorkloadRunner.Result small =
        result(
            "A",
            "b",
            1,
            2,
            2,
            0,
            List.of(),
            List.of(
                new DataItem(
                    data("Average", 5.0, "Perc50", 5.0, "Perc90", 5.0, "Perc99", 5.0),
                    "pods/s",
                    Map.of("Metric", WorkloadRunner.THROUGHPUT, "Name", "A/b/ns")),
                item(WorkloadRunner.POD_SCHEDULING_DURATION, "A/b/ns", Map.of())));

    StringWriter text = new StringWriter();
    try (PrintWriter out = new PrintWriter(text)) {
      Report.table(out, List.of(big, small));
    }

    assertThat(text.toString().lines())
        .containsExactly(
            "TEST CASE/WORKLOAD"
                + sp(6)
                + "     PODS/S        P50        P90        P99   LATENCY P50   LATENCY P99",
            "SchedulingBasic/500Nodes        250        240       99.9       12.2"
                + "        3.2 ms        150 ms",
            "A/b"
                + sp(21)
                + "        5.0        5.0        5.0        5.0             -             -",
            "",
            "SchedulingBasic/500Nodes, namespace-2: latencies (ms)",
            "  WHAT" + sp(25) + "        P50        P90        P99    AVERAGE",
            "  Filter" + sp(23) + "      0.012      0.500       12.5      1.000",
            "  scheduling_algorithm_duration        250          -     10.000      -12.0",
            "",
            "SchedulingBasic/500Nodes, namespace-3: latencies (ms)",
            "  WHAT          P50        P90        P99    AVERAGE",
            "  Filter      1.000      2.000      3.000      1.500",
            "",
            "SchedulingBasic/500Nodes: 500 nodes, 1500 pods created, 1490 bound,"
                + " 4 deleted by preemption, 6 pending",
            "  4 pod(s) pending: Unschedulable: 0/500 nodes are available",
            "  2 pod(s) pending: waiting",
            "A/b: 1 nodes, 2 pods created, 2 bound");
  }

  @Test
  void accountingNamesDeletionsAndPendingOnlyWhenThereAreAny() {
    assertThat(Report.accounting(result("C", "w", 3, 10, 10, 0, List.of(), List.of())))
        .isEqualTo("C/w: 3 nodes, 10 pods created, 10 bound");
    assertThat(Report.accounting(result("C", "w", 3, 10, 9, 1, List.of(), List.of())))
        .isEqualTo("C/w: 3 nodes, 10 pods created, 9 bound, 1 deleted by preemption");
    assertThat(
            Report.accounting(
                result(
                    "C",
                    "w",
                    3,
                    10,
                    9,
                    0,
                    List.of(new PerfCluster.Pending("ns/p", "Unschedulable", "no")),
                    List.of())))
        .isEqualTo("C/w: 3 nodes, 10 pods created, 9 bound, 1 pending");
  }

  @Test
  void numbersHaveNoDecimalFrom100UpAndOneBelow() {
    assertThat(Report.number(null)).isEqualTo("-");
    assertThat(Report.number(100.0)).isEqualTo("100");
    assertThat(Report.number(99.96)).isEqualTo("100.0");
    assertThat(Report.number(99.94)).isEqualTo("99.9");
    assertThat(Report.number(-100.4)).isEqualTo("-100");
    assertThat(Report.number(-99.94)).isEqualTo("-99.9");
    assertThat(Report.number(1234.4)).isEqualTo("1234");
  }

  @Test
  void millisecondsHaveThreeDecimalsBelow10AndNumbersFormFrom10Up() {
    assertThat(Report.ms(null)).isEqualTo("-");
    assertThat(Report.ms(10.0)).isEqualTo("10.0");
    assertThat(Report.ms(9.9994)).isEqualTo("9.999");
    assertThat(Report.ms(-10.0)).isEqualTo("-10.0");
    assertThat(Report.ms(-9.9994)).isEqualTo("-9.999");
    assertThat(Report.ms(0.0004)).isEqualTo("0.000");
    assertThat(Report.ms(123.4)).isEqualTo("123");
  }

  @Test
  void compareMatchesByLabelsNamesTheExtensionPointAndAlignsItsColumns() {
    String name = "Bench/a/ns-1";
    DataItems baseline =
        new DataItems(
            "v1",
            List.of(
                new DataItem(
                    data("Average", 200.0, "Perc50", 180.0, "Perc99", 0.0),
                    "pods/s",
                    Map.of("Metric", WorkloadRunner.THROUGHPUT, "Name", name)),
                new DataItem(
                    data("Perc99", 0.5, "Average", 0.2),
                    "ms",
                    Map.of(
                        "Metric",
                        "ep_seconds",
                        "Name",
                        name,
                        WorkloadRunner.EXTENSION_POINT_LABEL,
                        "Filter")),
                new DataItem(
                    data("Perc99", 4.0),
                    "ms",
                    Map.of(
                        "Metric",
                        "ep_seconds",
                        "Name",
                        name,
                        WorkloadRunner.EXTENSION_POINT_LABEL,
                        "Score"))));
    DataItems current =
        new DataItems(
            "v1",
            List.of(
                new DataItem(
                    data("Average", 250.0, "Perc50", 90.0, "Perc90", 7.0, "Perc99", 5.0),
                    "pods/s",
                    Map.of("Metric", WorkloadRunner.THROUGHPUT, "Name", name)),
                new DataItem(
                    data("Perc99", 0.25, "Average", 0.25),
                    "ms",
                    Map.of(
                        "Metric",
                        "ep_seconds",
                        "Name",
                        name,
                        WorkloadRunner.EXTENSION_POINT_LABEL,
                        "Filter")),
                new DataItem(
                    data("Perc99", 1.0),
                    "ms",
                    Map.of(
                        "Metric",
                        "ep_seconds",
                        "Name",
                        name,
                        WorkloadRunner.EXTENSION_POINT_LABEL,
                        "Bind"))));

    List<Compare.Row> rows = Compare.rows(baseline, current);

    String filter = "ep_seconds{extension_point=Filter}";
    assertThat(rows)
        .containsExactly(
            new Compare.Row(name, WorkloadRunner.THROUGHPUT, "Average", 200.0, 250.0),
            new Compare.Row(name, WorkloadRunner.THROUGHPUT, "Perc50", 180.0, 90.0),
            new Compare.Row(name, WorkloadRunner.THROUGHPUT, "Perc99", 0.0, 5.0),
            new Compare.Row(name, filter, "Average", 0.2, 0.25),
            new Compare.Row(name, filter, "Perc99", 0.5, 0.25));
    assertThat(rows.get(0).ratio()).isEqualTo(1.25);
    assertThat(rows.get(1).ratio()).isEqualTo(0.5);
    assertThat(rows.get(2).ratio()).isNaN();

    StringWriter text = new StringWriter();
    try (PrintWriter out = new PrintWriter(text)) {
      Compare.print(out, rows, "base.json");
    }
    assertThat(text.toString().lines())
        .containsExactly(
            "",
            "Compared with base.json (ratio = this run / baseline):",
            "NAME" + sp(8) + "  METRIC" + sp(28) + "  STAT       BASELINE     CURRENT   RATIO",
            "Bench/a/ns-1  SchedulingThroughput"
                + sp(14)
                + "  Average         200         250    1.25",
            "Bench/a/ns-1  SchedulingThroughput"
                + sp(14)
                + "  Perc50          180        90.0    0.50",
            "Bench/a/ns-1  SchedulingThroughput"
                + sp(14)
                + "  Perc99          0.0         5.0       -",
            "Bench/a/ns-1  " + filter + "  Average       0.200       0.250    1.25",
            "Bench/a/ns-1  " + filter + "  Perc99        0.500       0.250    0.50");
  }

  @Test
  void compareWithShortNamesKeepsTheHeadersWidths() {
    List<Compare.Row> rows = List.of(new Compare.Row("a", "m", "Average", 2.0, 3.0));
    StringWriter text = new StringWriter();
    try (PrintWriter out = new PrintWriter(text)) {
      Compare.print(out, rows, "b.json");
    }
    assertThat(text.toString().lines())
        .containsExactly(
            "",
            "Compared with b.json (ratio = this run / baseline):",
            "NAME  METRIC  STAT       BASELINE     CURRENT   RATIO",
            "a     m       Average       2.000       3.000    1.50");
  }
}
