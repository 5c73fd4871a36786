package io.kubelab.perf;

import io.kubelab.apimachinery.clock.SystemClock;
import io.kubelab.perf.DataItems.DataItem;
import io.kubelab.perf.PerfConfig.TestCase;
import io.kubelab.perf.PerfConfig.Workload;
import io.kubelab.scheduler.framework.profile.Profiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code kubelab perf}: selects workloads of a performance-config, sizes them, and runs each on a
 * fresh cluster, one after another, as upstream's {@code BenchmarkPerfScheduling} ({@code
 * test/integration/scheduler_perf/scheduler_perf_test.go}, v1.20.2) runs its sub-benchmarks. The
 * selection by label is upstream's {@code -perf-scheduling-label-filter} of later releases; the
 * sizing ({@code --scale}, {@code --param}) is kubelab's.
 */
public final class PerfRun {

  /** The shipped cases, on the class path. */
  public static final String EMBEDDED_DIR = "/io/kubelab/perf";

  public static final String EMBEDDED_CONFIG = "performance-config.yaml";

  /** Which workloads to run: each filter null for all. */
  public record Selection(String testCase, String workload, String label) {}

  /**
   * How big: every param multiplied by {@code scale} (rounded, at least 1), then {@code overrides}
   * set.
   */
  public record Sizing(double scale, Map<String, Integer> overrides) {
    public Sizing {
      if (!(scale > 0) || Double.isInfinite(scale)) {
        throw new PerfConfigException("--scale " + scale + ": must be a positive number");
      }
      overrides = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
    }

    public static Sizing full() {
      return new Sizing(1, Map.of());
    }
  }

  /** One workload to run, with its params as sized. */
  public record Planned(TestCase testCase, Workload workload, Map<String, Integer> params) {
    public String id() {
      return testCase.name() + "/" + workload.name();
    }
  }

  /** How to run. */
  public record Settings(
      boolean throughApiServer,
      long seed,
      int parallelism,
      Duration timeout,
      Duration sampleInterval,
      PrintWriter progress,
      int warmups,
      PrintWriter log) {
    public Settings {
      if (warmups < 0) {
        throw new PerfConfigException("--warmup " + warmups + ": must be 0 or more");
      }
    }

    /** No warm-up runs and no log: each workload runs once, measured. */
    public Settings(
        boolean throughApiServer,
        long seed,
        int parallelism,
        Duration timeout,
        Duration sampleInterval,
        PrintWriter progress) {
      this(throughApiServer, seed, parallelism, timeout, sampleInterval, progress, 0, null);
    }
  }

  private final List<TestCase> cases;
  private final Templates templates;
  private final String source;

  private PerfRun(List<TestCase> cases, Templates templates, String source) {
    this.cases = cases;
    this.templates = templates;
    this.source = source;
  }

  /** The shipped cases. */
  public static PerfRun embedded() {
    Templates t = new Templates(Templates.classpath(EMBEDDED_DIR));
    return new PerfRun(
        PerfConfig.parse(t.config(EMBEDDED_CONFIG), EMBEDDED_CONFIG), t, EMBEDDED_CONFIG);
  }

  /** A performance-config file; its templates are read next to it. */
  public static PerfRun file(Path file) {
    Templates t = new Templates(Templates.directory(file));
    String text = t.config(file.getFileName().toString());
    return new PerfRun(PerfConfig.parse(text, file.toString()), t, file.toString());
  }

  public List<TestCase> testCases() {
    return cases;
  }

  public String source() {
    return source;
  }

  /**
   * The workloads a selection names, sized; every template they use is read (an error names it
   * before anything runs).
   *
   * @throws PerfConfigException when a filter or override matches nothing
   */
  public List<Planned> plan(Selection sel, Sizing sizing) {
    List<Planned> out = new ArrayList<>();
    Set<String> caseNames = new LinkedHashSet<>();
    boolean caseFound = sel.testCase() == null;
    for (TestCase tc : cases) {
      caseNames.add(tc.name());
      if (sel.testCase() != null && !sel.testCase().equals(tc.name())) {
        continue;
      }
      caseFound = true;
      for (Workload w : tc.workloads()) {
        if (sel.workload() != null && !sel.workload().equals(w.name())) {
          continue;
        }
        if (sel.label() != null
            && !tc.labels().contains(sel.label())
            && !w.labels().contains(sel.label())) {
          continue;
        }
        out.add(new Planned(tc, w, size(w, sizing)));
      }
    }
    if (!caseFound) {
      throw new PerfConfigException(
          "--case "
              + sel.testCase()
              + ": "
              + source
              + " has no such test case (it has "
              + String.join(", ", caseNames)
              + ")");
    }
    if (out.isEmpty()) {
      throw new PerfConfigException(
          "no workload of "
              + source
              + " matches"
              + (sel.testCase() == null ? "" : " --case " + sel.testCase())
              + (sel.workload() == null ? "" : " --workload " + sel.workload())
              + (sel.label() == null ? "" : " --label " + sel.label()));
    }
    for (String p : sizing.overrides().keySet()) {
      if (out.stream().noneMatch(pl -> pl.workload().params().containsKey(p))) {
        throw new PerfConfigException(
            "--param " + p + ": no selected workload has a parameter " + p);
      }
    }
    for (Planned p : out) {
      for (PerfConfig.Op op : p.testCase().workloadTemplate()) {
        if (op instanceof PerfConfig.CreateNodes n) {
          templates.check(n.nodeTemplatePath(), io.fabric8.kubernetes.api.model.Node.class);
        } else if (op instanceof PerfConfig.CreatePods c) {
          templates.check(
              c.podTemplatePath() != null
                  ? c.podTemplatePath()
                  : p.testCase().defaultPodTemplatePath(),
              io.fabric8.kubernetes.api.model.Pod.class);
        }
      }
    }
    return out;
  }

  private static Map<String, Integer> size(Workload w, Sizing sizing) {
    Map<String, Integer> out = new LinkedHashMap<>();
    w.params().forEach((k, v) -> out.put(k, (int) Math.max(1, Math.round(v * sizing.scale()))));
    sizing
        .overrides()
        .forEach(
            (k, v) -> {
              if (out.containsKey(k)) {
                out.put(k, v);
              }
            });
    return out;
  }

  /** Runs the planned workloads in order, each on a new cluster. */
  public List<WorkloadRunner.Result> run(List<Planned> planned, Settings s)
      throws InterruptedException {
    List<WorkloadRunner.Result> results = new ArrayList<>();
    try (SystemClock clock = new SystemClock("perf-measure", 1)) {
      WorkloadRunner.Options options =
          new WorkloadRunner.Options(s.timeout(), s.sampleInterval(), s.progress(), clock);
      for (Planned p : planned) {
        WorkloadRunner runner =
            new WorkloadRunner(p.testCase(), p.workload(), p.params(), templates, options);
        // Warm-up runs: the same workload on a fresh cluster, its figures only logged, so that
        // the measured run sees code the JIT has already compiled (Go's is compiled ahead).
        for (int i = 1; i <= s.warmups(); i++) {
          WorkloadRunner.Result warm = runOnce(runner, s);
          if (s.log() != null) {
            s.log()
                .printf(
                    "%s: warm-up run %d of %d: %s pods/s (not reported)%n",
                    warm.id(), i, s.warmups(), Report.number(averageThroughput(warm)));
            s.log().flush();
          }
        }
        results.add(runOnce(runner, s));
      }
    }
    return results;
  }

  private static WorkloadRunner.Result runOnce(WorkloadRunner runner, Settings s)
      throws InterruptedException {
    try (PerfCluster cluster =
        s.throughApiServer()
            ? new ApiServerCluster(Profiles.default118(), s.seed())
            : new InProcessCluster(Profiles.default118(), s.seed(), s.parallelism())) {
      return runner.run(cluster);
    }
  }

  /** The first measured op's average throughput, or null when the workload measured none. */
  static Double averageThroughput(WorkloadRunner.Result r) {
    for (DataItem d : r.dataItems()) {
      if (WorkloadRunner.THROUGHPUT.equals(d.metric())) {
        return d.data().get("Average");
      }
    }
    return null;
  }

  /** Every result's data items, in one file's worth. */
  public static DataItems dataItems(List<WorkloadRunner.Result> results) {
    List<DataItem> all = new ArrayList<>();
    for (WorkloadRunner.Result r : results) {
      all.addAll(r.dataItems());
    }
    return new DataItems(DataItems.VERSION, all);
  }
}
