package io.kubelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelab.perf.DataItems;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code kubelab perf}: runs, writes DataItems, compares, and refuses what it cannot run. */
@Timeout(120)
class PerfCommandTest {

  private record Run(int code, String out, String err) {}

  private static Run perf(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] all = new String[args.length + 1];
    all[0] = "perf";
    System.arraycopy(args, 0, all, 1, args.length);
    int code =
        new Kubelab(new PrintStream(out, true, StandardCharsets.UTF_8))
            .run(all, new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void listsTheShippedCases() {
    Run r = perf("--list");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .startsWith("performance-config.yaml:")
        .contains("  SchedulingBasic: createNodes, createPods, createPods")
        .contains("    5000Nodes {initNodes=5000, initPods=1000, measurePods=1000} [performance]")
        .contains("  Unschedulable: createNodes, createPods, createPods");
  }

  @Test
  void aSmokeRunPrintsTheTableAndAccountsForEveryPod() {
    Run r = perf("--smoke", "--case", "Unschedulable");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("kubelab perf: 1 workload(s) of performance-config.yaml, in process")
        .contains(
            "  Unschedulable/500Nodes/200InitPods at {initNodes=10, initPods=4, measurePods=20}")
        .containsPattern("Unschedulable/500Nodes/200InitPods +\\d")
        .contains(
            "Unschedulable/500Nodes/200InitPods: 10 nodes, 24 pods created, 20 bound, 4 pending")
        .contains(
            "  4 pod(s) pending: Unschedulable: 0/10 nodes are available: 10 Insufficient cpu.");
    assertThat(r.err()).as("no progress line unless asked or on a terminal").isEmpty();
  }

  @Test
  void throughTheApiServerEveryPodIsAccountedForOverHttp() {
    Run r = perf("--smoke", "--through-apiserver", "--case", "Unschedulable");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("through kubelab's API server")
        .containsPattern("Unschedulable/500Nodes/200InitPods +\\d")
        .contains(
            "Unschedulable/500Nodes/200InitPods: 10 nodes, 24 pods created, 20 bound, 4 pending")
        .contains(
            "  4 pod(s) pending: Unschedulable: 0/10 nodes are available: 10 Insufficient cpu.");
  }

  @Test
  void jsonOutputIsUpstreamsDataItemsAndCompareGivesRatios(@TempDir Path dir) throws Exception {
    Path baseline = dir.resolve("baseline.json");
    Run first =
        perf(
            "--smoke",
            "--case",
            "SchedulingBasic",
            "-o",
            "json",
            "--output-json",
            baseline.toString());
    assertThat(first.code()).isZero();
    DataItems items = DataItems.parse(first.out(), "stdout");
    assertThat(items.version()).isEqualTo("v1");
    assertThat(items.dataItems().subList(0, 2))
        .extracting(DataItems.DataItem::metric, DataItems.DataItem::unit, DataItems.DataItem::name)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "SchedulingThroughput",
                "pods/s",
                "BenchmarkPerfScheduling/SchedulingBasic/500Nodes/namespace-2"),
            org.assertj.core.groups.Tuple.tuple(
                "scheduler_pod_scheduling_duration_seconds",
                "ms",
                "BenchmarkPerfScheduling/SchedulingBasic/500Nodes/namespace-2"));
    // Then the scheduler's own histograms: its phases, and each extension point it ran.
    assertThat(items.dataItems().subList(2, items.dataItems().size()))
        .extracting(DataItems.DataItem::metric)
        .startsWith(
            "scheduler_scheduling_algorithm_predicate_evaluation_seconds",
            "scheduler_scheduling_algorithm_priority_evaluation_seconds",
            "scheduler_binding_duration_seconds",
            "scheduler_e2e_scheduling_duration_seconds")
        .contains("scheduler_framework_extension_point_duration_seconds");
    assertThat(items.dataItems())
        .filteredOn(d -> d.labels().containsKey("extension_point"))
        .extracting(d -> d.labels().get("extension_point"))
        .containsExactly(
            "PreFilter",
            "Filter",
            "PreScore",
            "Score",
            "Reserve",
            "Permit",
            "PreBind",
            "Bind",
            "PostBind");
    assertThat(items.dataItems())
        .allSatisfy(
            d -> {
              assertThat(d.name())
                  .isEqualTo("BenchmarkPerfScheduling/SchedulingBasic/500Nodes/namespace-2");
              assertThat(d.data().get("Perc99")).isGreaterThanOrEqualTo(d.data().get("Perc50"));
            });
    assertThat(Files.readString(baseline).strip()).isEqualTo(first.out().strip());

    Run second =
        perf(
            "--smoke", "--case", "SchedulingBasic", "--progress", "--compare", baseline.toString());
    assertThat(second.code()).isZero();
    assertThat(second.out())
        .contains("Compared with " + baseline + " (ratio = this run / baseline):")
        .containsPattern(
            "BenchmarkPerfScheduling/SchedulingBasic/500Nodes/namespace-2 +SchedulingThroughput"
                + " +Average +[0-9.]+ +[0-9.]+ +[0-9]+\\.[0-9]{2}");
    assertThat(second.err()).contains("SchedulingBasic/500Nodes: 20 pods scheduled");
  }

  @Test
  void anUnsupportedOpIsExitTwoWithOneLineNamingIt(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("performance-config.yaml");
    Files.writeString(
        f,
        """
        - name: Churn
          workloadTemplate:
          - opcode: createNodes
            count: 10
          - opcode: churn
            mode: recreate
            number: 1
            templatePaths: [config/churn/node-default.yaml]
          - opcode: createPods
            count: 10
            collectMetrics: true
          workloads:
          - name: 10Nodes
        """);
    Run r = perf(f.toString());
    assertThat(r.code()).isEqualTo(Kubelab.BAD_INPUT);
    assertThat(r.err())
        .isEqualTo(
            "kubelab: "
                + f
                + ": Churn: workloadTemplate[1]: op \"churn\" is an upstream scheduler_perf op that"
                + " kubelab perf does not run (kubelab perf runs createNodes, createNamespaces,"
                + " createPods, barrier, sleep)"
                + System.lineSeparator());
    assertThat(r.out()).isEmpty();
  }

  @Test
  void anUnknownFieldOrMissingTemplateIsExitTwo(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("performance-config.yaml");
    Files.writeString(
        f,
        """
        - name: Basic
          workloadTemplate:
          - opcode: createNodes
            count: 10
            nodeTemplate: node.yaml
          - opcode: createPods
            count: 10
            collectMetrics: true
          workloads:
          - name: 10Nodes
        """);
    Run r = perf(f.toString());
    assertThat(r.code()).isEqualTo(Kubelab.BAD_INPUT);
    assertThat(r.err())
        .isEqualTo(
            "kubelab: "
                + f
                + ": Basic: workloadTemplate[0] (createNodes): unknown field \"nodeTemplate\""
                + System.lineSeparator());

    Files.writeString(
        f,
        """
        - name: Basic
          workloadTemplate:
          - opcode: createPods
            count: 10
            podTemplatePath: config/pod-missing.yaml
            collectMetrics: true
          workloads:
          - name: small
        """);
    Run missing = perf(f.toString());
    assertThat(missing.code()).isEqualTo(Kubelab.BAD_INPUT);
    assertThat(missing.err())
        .isEqualTo("kubelab: config/pod-missing.yaml: no such file" + System.lineSeparator());
  }

  @Test
  void readsTemplatesNextToTheFileAsUpstreamsTreeLaysThemOut(@TempDir Path dir) throws Exception {
    Path config = Files.createDirectories(dir.resolve("config"));
    Files.writeString(
        config.resolve("pod-small.yaml"),
        """
        apiVersion: v1
        kind: Pod
        metadata: {generateName: small-}
        spec:
          containers:
          - name: c
            image: pause
            resources: {requests: {cpu: 10m}}
        """);
    Path f = config.resolve("performance-config.yaml");
    Files.writeString(
        f,
        """
        - name: Small
          workloadTemplate:
          - opcode: createNodes
            countParam: $nodes
          - opcode: createPods
            countParam: $pods
            podTemplatePath: config/pod-small.yaml
            collectMetrics: true
          workloads:
          - name: 3Nodes
            params: {nodes: 3, pods: 5}
        """);
    Run r = perf(f.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("Small/3Nodes: 3 nodes, 5 pods created, 5 bound");
  }

  @Test
  void badOptionsAreExitTwo() {
    assertThat(perf("-o", "yaml").err())
        .isEqualTo("kubelab: --output \"yaml\": must be table or json" + System.lineSeparator());
    assertThat(perf("--smoke", "--scale", "0.5").code()).isEqualTo(Kubelab.BAD_INPUT);
    assertThat(perf("--scale", "-1").err()).contains("--scale -1.0: must be a positive number");
    assertThat(perf("--case", "Nope").err())
        .startsWith("kubelab: --case Nope: performance-config.yaml has no such test case");
    assertThat(perf("--compare", "no-such.json").err())
        .isEqualTo("kubelab: no-such.json: no such file" + System.lineSeparator());
    assertThat(perf("--smoke", "--warmup", "-1").err())
        .isEqualTo("kubelab: --warmup -1: must be 0 or more" + System.lineSeparator());
  }

  @Test
  void warmUpRunsAreLoggedAndOnlyTheMeasuredRunIsReported() {
    Run r = perf("--smoke", "--case", "Unschedulable", "--warmup", "2");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .containsPattern(
            "Unschedulable/500Nodes/200InitPods: warm-up run 1 of 2: [0-9.]+ pods/s \\(not"
                + " reported\\)")
        .contains("Unschedulable/500Nodes/200InitPods: warm-up run 2 of 2: ")
        .doesNotContain("warm-up run 3");
    // One result line and one accounting line: the warm-up runs are not in the report.
    assertThat(r.out().split("Unschedulable/500Nodes/200InitPods: 10 nodes, ", -1)).hasSize(2);

    Run json = perf("--smoke", "--case", "Unschedulable", "--warmup", "1", "-o", "json");
    assertThat(json.code()).isZero();
    assertThat(json.err()).contains("warm-up run 1 of 1: ");
    assertThat(json.out()).doesNotContain("warm-up");
  }
}
