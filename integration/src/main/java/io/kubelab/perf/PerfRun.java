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
 * fresh cluster, one after another, as upstream's {@code BenchmarkPerfScheduling} runs its
 * sub-benchmarks.
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
      PrintWriter progress) {}

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
        try (PerfCluster cluster =
            s.throughApiServer()
                ? new ApiServerCluster(Profiles.default118(), s.seed())
                : new InProcessCluster(Profiles.default118(), s.seed(), s.parallelism())) {
          results.add(runner.run(cluster));
        }
      }
    }
    return results;
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
