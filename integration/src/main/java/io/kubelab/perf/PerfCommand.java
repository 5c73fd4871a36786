package io.kubelab.perf;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kubelab perf [FILE]}: upstream's scheduler_perf test cases, run against chapter 08's
 * scheduler and measured as upstream measures them.
 *
 * <p>Upstream: {@code test/integration/scheduler_perf} ({@code BenchmarkPerfScheduling}, v1.20.2,
 * run with {@code go test -bench}). Exit status 0, or 2 with one line for bad input (a field or op
 * kubelab does not support, a missing template, a filter that matches nothing) and for a workload
 * whose pods are not all scheduled in time.
 */
@Command(
    name = "perf",
    mixinStandardHelpOptions = true,
    description = {
      "Run scheduler_perf test cases (upstream's performance-config.yaml vocabulary) against the"
          + " chapter 08 scheduler, in process or through kubelab's API server, and report"
          + " upstream's DataItems: SchedulingThroughput (pods/s per 1 s interval of the measured"
          + " createPods op) and each pod's creation-to-binding time.",
      "Without FILE, the shipped cases: SchedulingBasic, SchedulingPodAntiAffinity,"
          + " SchedulingPodAffinity, SchedulingNodeAffinity, TopologySpreading,"
          + " PreferredTopologySpreading, PreemptionBasic, Unschedulable."
    })
public final class PerfCommand implements Callable<Integer> {

  /** The scale {@code --smoke} runs at: 5000 nodes become 100. */
  static final double SMOKE_SCALE = 0.02;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "FILE",
      description = "a performance-config.yaml (default: the shipped cases)")
  Path file;

  @Option(names = "--case", paramLabel = "NAME", description = "run only this test case")
  String testCase;

  @Option(
      names = "--workload",
      paramLabel = "NAME",
      description = "run only workloads of this name (e.g. 5000Nodes)")
  String workload;

  @Option(
      names = "--label",
      paramLabel = "LABEL",
      description = "run only workloads with this label (theirs or their test case's)")
  String label;

  @Option(
      names = "--scale",
      paramLabel = "F",
      description = "multiply every workload param by F (rounded, at least 1), e.g. 0.1")
  Double scale;

  @Option(
      names = "--param",
      paramLabel = "NAME=N",
      description = "set a workload param, e.g. --param measurePods=200 (after --scale)")
  Map<String, Integer> params = new LinkedHashMap<>();

  @Option(
      names = "--smoke",
      description =
          "the selected workloads (default: those labelled fast) at a fiftieth of their size"
              + " (--scale "
              + SMOKE_SCALE
              + ")")
  boolean smoke;

  @Option(names = "--list", description = "list the test cases and workloads, run nothing")
  boolean list;

  @Option(
      names = "--through-apiserver",
      description =
          "run kubelab's API server in process and schedule through it (fabric8 informers and"
              + " HTTP), as upstream's scheduler_perf does; default: the scheduler alone, with an"
              + " in-memory API")
  boolean throughApiServer;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "table (default) or json: upstream's DataItems on stdout")
  String output = "table";

  @Option(
      names = "--output-json",
      paramLabel = "FILE",
      description = "also write upstream's DataItems JSON to FILE")
  Path outputJson;

  @Option(
      names = "--compare",
      paramLabel = "BASELINE",
      description = "print the ratio of each figure to the same one in BASELINE (a DataItems file)")
  Path compare;

  @Option(
      names = "--progress",
      description =
          "a progress line with pods/s on stderr (default: when the console is a terminal)")
  boolean progress;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description = "how long an op may wait for its pods to be scheduled (default 10m)")
  String timeout = "10m";

  @Option(
      names = "--parallelism",
      paramLabel = "N",
      description =
          "filter/score parallelism of the in-process scheduler (default 16, as upstream), run on"
              + " at most one thread per processor, as Go runs upstream's goroutines")
  int parallelism = 16;

  @Option(
      names = "--warmup",
      paramLabel = "N",
      description =
          "run each workload N times more before the measured run, on a fresh cluster each time,"
              + " and report only the measured run (default 0): the JVM compiles the scheduler's"
              + " hot code while it runs, Go compiles it ahead")
  int warmup = 0;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "seed for breaking ties between equally good nodes (default 1)")
  long seed = 1;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!List.of("table", "json").contains(output)) {
      throw new PerfConfigException("--output \"" + output + "\": must be table or json");
    }
    if (smoke && scale != null) {
      throw new PerfConfigException("--smoke sets the scale: give --smoke or --scale, not both");
    }
    if (parallelism < 1) {
      throw new PerfConfigException("--parallelism " + parallelism + ": must be at least 1");
    }
    Duration wait;
    try {
      wait = GoDuration.parse(timeout);
    } catch (IllegalArgumentException e) {
      throw new PerfConfigException("--timeout \"" + timeout + "\": " + e.getMessage());
    }
    DataItems baseline = compare == null ? null : DataItems.read(compare);
    PerfRun run = file == null ? PerfRun.embedded() : PerfRun.file(file);
    if (list) {
      list(out, run);
      return 0;
    }
    PerfRun.Sizing sizing =
        new PerfRun.Sizing(smoke ? SMOKE_SCALE : scale == null ? 1 : scale, params);
    List<PerfRun.Planned> planned =
        run.plan(
            new PerfRun.Selection(
                testCase,
                workload,
                // --smoke alone: one small workload per test case, those labelled fast.
                smoke && label == null && workload == null ? "fast" : label),
            sizing);
    boolean json = output.equals("json");
    if (!json) {
      out.printf(
          "kubelab perf: %d workload(s) of %s, %s.%n",
          planned.size(),
          run.source(),
          throughApiServer
              ? "through kubelab's API server (chapter 08 scheduler, default-1.18 profile)"
              : "in process (chapter 08 scheduler, default-1.18 profile, in-memory API)");
      if (sizing.scale() != 1 || !sizing.overrides().isEmpty()) {
        for (PerfRun.Planned p : planned) {
          out.printf("  %s at %s%n", p.id(), p.params());
        }
      }
      out.println();
      out.flush();
    }
    boolean showProgress = progress || System.console() != null;
    List<WorkloadRunner.Result> results =
        run.run(
            planned,
            new PerfRun.Settings(
                throughApiServer,
                seed,
                parallelism,
                wait,
                Duration.ofSeconds(1),
                showProgress ? err : null,
                warmup,
                json ? err : out));
    DataItems items = PerfRun.dataItems(results);
    if (outputJson != null) {
      write(outputJson, items.toJson() + "\n");
    }
    if (json) {
      out.println(items.toJson());
    } else {
      Report.table(out, results);
    }
    if (baseline != null) {
      Compare.print(out, Compare.rows(baseline, items), compare.toString());
    }
    out.flush();
    return 0;
  }

  private static void list(PrintWriter out, PerfRun run) {
    out.println(run.source() + ":");
    for (PerfConfig.TestCase tc : run.testCases()) {
      out.println(
          "  "
              + tc.name()
              + (tc.labels().isEmpty() ? "" : " " + tc.labels())
              + ": "
              + String.join(
                  ", ", tc.workloadTemplate().stream().map(PerfConfig.Op::opcode).toList()));
      for (PerfConfig.Workload w : tc.workloads()) {
        out.println(
            "    " + w.name() + " " + w.params() + (w.labels().isEmpty() ? "" : " " + w.labels()));
      }
    }
  }

  private static void write(Path path, String text) {
    try {
      Files.writeString(path, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(path + ": " + e.getMessage(), e);
    }
  }
}
