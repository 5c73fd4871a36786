package io.kubelab.perf;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.apimachinery.objects.ShallowCopy;
import io.kubelab.perf.DataItems.DataItem;
import io.kubelab.perf.PerfConfig.Barrier;
import io.kubelab.perf.PerfConfig.CreateNamespaces;
import io.kubelab.perf.PerfConfig.CreateNodes;
import io.kubelab.perf.PerfConfig.CreatePods;
import io.kubelab.perf.PerfConfig.LabelValues;
import io.kubelab.perf.PerfConfig.Op;
import io.kubelab.perf.PerfConfig.Sleep;
import io.kubelab.perf.PerfConfig.TestCase;
import io.kubelab.perf.PerfConfig.UniqueLabel;
import io.kubelab.perf.PerfConfig.Workload;
import io.kubelab.scheduler.metrics.Histogram;
import io.kubelab.scheduler.metrics.SchedulerMetrics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs one workload of one test case: its ops in order against a fresh cluster, measuring every
 * {@code createPods} op that collects metrics.
 *
 * <p>Upstream: {@code runWorkload} in {@code
 * test/integration/scheduler_perf/scheduler_perf_test.go} (v1.20.2): nodes are named from the
 * template's {@code generateName} (else {@code node-<opIndex>-}) with a running index; pods go to
 * the op's {@code namespace} (else {@code namespace-<opIndex>}); an op that does not skip waiting
 * returns when all its pods are bound; {@code skipWaitToCompletion} pods are waited for only by a
 * later {@code barrier}. As in later releases there is no implicit barrier at the end: a workload
 * may leave unschedulable pods, which are reported. Names and label values that upstream's API
 * server or a UUID makes random are counters here, so a run is repeatable.
 */
final class WorkloadRunner {

  /** How a run is done. */
  record Options(Duration timeout, Duration sampleInterval, PrintWriter progress, Clock clock) {}

  /** What one workload produced. */
  record Result(
      String testCase,
      String workload,
      Map<String, Integer> params,
      int nodes,
      int podsCreated,
      int podsBound,
      int podsDeleted,
      List<PerfCluster.Pending> pending,
      List<DataItem> dataItems,
      Duration elapsed) {
    Result {
      params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
      pending = List.copyOf(pending);
      dataItems = List.copyOf(dataItems);
    }

    String id() {
      return testCase + "/" + workload;
    }
  }

  static final String BENCHMARK = "BenchmarkPerfScheduling";
  static final String THROUGHPUT = "SchedulingThroughput";
  static final String POD_SCHEDULING_DURATION = "scheduler_pod_scheduling_duration_seconds";
  static final String EXTENSION_POINT_LABEL = "extension_point";

  /** scheduler_perf's {@code defaultMetricsCollectorConfig}, in its order, bar the pod duration. */
  static final List<String> DEFAULT_HISTOGRAMS =
      List.of(
          SchedulerMetrics.PREDICATE_EVALUATION,
          SchedulerMetrics.PRIORITY_EVALUATION,
          SchedulerMetrics.BINDING,
          SchedulerMetrics.E2E_SCHEDULING,
          SchedulerMetrics.PREEMPTION_EVALUATION);

  private final TestCase tc;
  private final Workload w;
  private final Map<String, Integer> params;
  private final Templates templates;
  private final Options options;

  WorkloadRunner(
      TestCase tc, Workload w, Map<String, Integer> params, Templates templates, Options options) {
    this.tc = tc;
    this.w = w;
    this.params = params;
    this.templates = templates;
    this.options = options;
  }

  Result run(PerfCluster cluster) throws InterruptedException {
    long start = System.nanoTime();
    List<DataItem> items = new ArrayList<>();
    Map<String, Integer> waitFor = new LinkedHashMap<>();
    Map<String, Integer> createdIn = new HashMap<>();
    int nextNodeIndex = 0;
    int podsCreated = 0;
    List<Op> ops = tc.workloadTemplate();
    for (int i = 0; i < ops.size(); i++) {
      String at = id() + ": op " + i + " (" + ops.get(i).opcode() + ")";
      Op op = ops.get(i);
      if (op instanceof CreateNodes o) {
        int n = count(o.count(), at);
        cluster.createNodes(nodes(o, i, nextNodeIndex, n));
        nextNodeIndex += n;
      } else if (op instanceof CreateNamespaces o) {
        int n = count(o.count(), at);
        for (int k = 0; k < n; k++) {
          cluster.createNamespace(o.prefix() + "-" + k);
        }
      } else if (op instanceof CreatePods o) {
        int n = count(o.count(), at);
        String ns = o.namespace() != null ? o.namespace() : "namespace-" + i;
        cluster.createNamespace(ns);
        List<Pod> pods = pods(o, i, ns, n);
        podsCreated += n;
        // Bound pods of the namespace before this op: the op is done when n more are bound.
        int before = cluster.tracker().scheduled(List.of(ns));
        createdIn.merge(ns, n, Integer::sum);
        ThroughputCollector collector = null;
        if (o.collectMetrics()) {
          cluster.metrics().clear();
          collector = collector(cluster.tracker(), ns, before, before + n);
          collector.start();
        }
        cluster.createPods(pods);
        if (o.skipWaitToCompletion()) {
          waitFor.merge(ns, n, Integer::sum);
        } else {
          await(cluster.tracker(), ns, before + n, at);
        }
        if (collector != null) {
          ThroughputCollector.Result throughput = collector.stop();
          if (options.progress() != null) {
            options.progress().printf("\r%s: %d pods scheduled%30s%n", id(), n, "");
            options.progress().flush();
          }
          items.add(throughput(ns, throughput));
          items.add(latency(ns, cluster.tracker().latenciesMs(ns)));
          items.addAll(histograms(nameLabel(ns), cluster.metrics()));
        }
      } else if (op instanceof Barrier o) {
        List<String> namespaces =
            o.namespaces().isEmpty() ? List.copyOf(waitFor.keySet()) : o.namespaces();
        for (String ns : namespaces) {
          if (!waitFor.containsKey(ns)) {
            throw new PerfConfigException(at + ": unknown namespace " + ns);
          }
        }
        for (String ns : namespaces) {
          await(cluster.tracker(), ns, createdIn.get(ns), at);
          waitFor.remove(ns);
        }
      } else if (op instanceof Sleep o) {
        sleep(o.duration());
      }
    }
    int bound = 0;
    for (String ns : createdIn.keySet()) {
      bound += cluster.tracker().scheduled(List.of(ns));
    }
    return new Result(
        tc.name(),
        w.name(),
        params,
        nextNodeIndex,
        podsCreated,
        bound,
        cluster.tracker().deleted(),
        cluster.pending(),
        items,
        Duration.ofNanos(System.nanoTime() - start));
  }

  private String id() {
    return tc.name() + "/" + w.name();
  }

  private int count(PerfConfig.Count c, String at) {
    int n;
    try {
      n = c.resolve(params);
    } catch (IllegalArgumentException e) {
      throw new PerfConfigException(at + ": " + e.getMessage());
    }
    if (n <= 0) {
      throw new PerfConfigException(at + ": invalid Count=" + n);
    }
    return n;
  }

  /** {@code IntegrationTestNodePreparer.PrepareNodes} with the op's strategy applied. */
  private List<Node> nodes(CreateNodes o, int opIndex, int firstIndex, int n) {
    Node template = templates.node(o.nodeTemplatePath());
    String prefix =
        template.getMetadata() != null && template.getMetadata().getGenerateName() != null
            ? template.getMetadata().getGenerateName()
            : "node-" + opIndex + "-";
    List<Node> out = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      String name = prefix + (firstIndex + k);
      // The template's parts are shared; the metadata and status this changes are the node's own.
      Node node = ShallowCopy.of(template);
      ObjectMeta meta = ownMetadata(template, name);
      meta.setUid("perf-node-" + name);
      node.setMetadata(meta);
      node.setStatus(ShallowCopy.of(template.getStatus()));
      if (o.strategy() instanceof LabelValues l) {
        // LabelNodePrepareStrategy: the values in turn.
        label(node, l.labelKey(), l.labelValues().get(k % l.labelValues().size()));
      } else if (o.strategy() instanceof UniqueLabel u) {
        // UniqueNodeLabelStrategy: upstream a UUID; the node's name is as unique and repeatable.
        label(node, u.labelKey(), name);
      }
      // SetDefaults_NodeStatus: allocatable defaults to capacity.
      if (node.getStatus() != null
          && (node.getStatus().getAllocatable() == null
              || node.getStatus().getAllocatable().isEmpty())
          && node.getStatus().getCapacity() != null) {
        node.getStatus()
            .setAllocatable(new LinkedHashMap<String, Quantity>(node.getStatus().getCapacity()));
      }
      out.add(node);
    }
    return out;
  }

  /** The template's metadata as a new object's own, named {@code name}; its parts are shared. */
  private static ObjectMeta ownMetadata(HasMetadata template, String name) {
    ObjectMeta meta =
        template.getMetadata() == null ? new ObjectMeta() : ShallowCopy.of(template.getMetadata());
    meta.setName(name);
    meta.setGenerateName(null);
    return meta;
  }

  private static void label(Node node, String key, String value) {
    Map<String, String> labels =
        node.getMetadata().getLabels() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(node.getMetadata().getLabels());
    labels.put(key, value);
    node.getMetadata().setLabels(labels);
  }

  private List<Pod> pods(CreatePods o, int opIndex, String ns, int n) {
    String path = o.podTemplatePath() != null ? o.podTemplatePath() : tc.defaultPodTemplatePath();
    Pod template = templates.pod(path);
    String prefix =
        template.getMetadata() != null && template.getMetadata().getGenerateName() != null
            ? template.getMetadata().getGenerateName()
            : "pod-";
    String created =
        options.clock().now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    List<Pod> out = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      String name = prefix + opIndex + "-" + k;
      // The template's parts are shared; the metadata and spec this changes are the pod's own.
      Pod p = ShallowCopy.of(template);
      ObjectMeta meta = ownMetadata(template, name);
      meta.setNamespace(ns);
      meta.setUid("perf-" + ns + "-" + name);
      meta.setCreationTimestamp(created);
      p.setMetadata(meta);
      p.setSpec(ShallowCopy.of(template.getSpec()));
      // What the API server's defaulting and the Priority admission plugin (with no default
      // PriorityClass) set.
      if (p.getSpec().getSchedulerName() == null || p.getSpec().getSchedulerName().isEmpty()) {
        p.getSpec().setSchedulerName("default-scheduler");
      }
      if (p.getSpec().getPriority() == null) {
        p.getSpec().setPriority(0);
      }
      out.add(p);
    }
    return out;
  }

  private ThroughputCollector collector(PodTracker tracker, String ns, int before, int want) {
    PrintWriter progress = options.progress();
    return new ThroughputCollector(
        options.clock(),
        options.sampleInterval(),
        () -> tracker.scheduled(List.of(ns)),
        (rate, now) -> {
          if (progress != null) {
            progress.printf(
                "\r%s: %d/%d pods scheduled, %.0f pods/s   ",
                id(), now - before, want - before, rate);
            progress.flush();
          }
        });
  }

  private void await(PodTracker tracker, String ns, int want, String at)
      throws InterruptedException {
    long deadline = System.nanoTime() + options.timeout().toNanos();
    int got = tracker.await(ns, want, deadline);
    if (got < want) {
      throw new IllegalStateException(
          at
              + ": "
              + got
              + " of "
              + want
              + " pods in namespace "
              + ns
              + " scheduled after "
              + options.timeout().toSeconds()
              + " s");
    }
  }

  private void sleep(Duration d) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    Clock.Timer t = options.clock().schedule(d, done::countDown);
    try {
      done.await(d.toNanos() + TimeUnit.SECONDS.toNanos(5), TimeUnit.NANOSECONDS);
    } finally {
      t.close();
    }
  }

  /** Upstream's label: the benchmark's name, then the op's namespace. */
  private String nameLabel(String ns) {
    return BENCHMARK + "/" + tc.name() + "/" + w.name() + "/" + ns;
  }

  private DataItem throughput(String ns, ThroughputCollector.Result r) {
    return throughputItem(nameLabel(ns), r);
  }

  /** The {@code SchedulingThroughput} item of a measured op ({@link Stats#throughput}). */
  static DataItem throughputItem(String name, ThroughputCollector.Result r) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("Name", name);
    Map<String, Double> figures = Stats.throughput(r);
    if (figures.isEmpty()) {
      return new DataItem(Map.of(), "", labels);
    }
    labels.put("Metric", THROUGHPUT);
    return new DataItem(figures, "pods/s", labels);
  }

  /**
   * {@code collectHistogram} for each of upstream's default metrics (but the pod scheduling
   * duration, which {@link #latency} gives from exact samples) and for each extension point, in
   * milliseconds; a histogram with no observation gives no item, as upstream's {@code Validate}
   * refuses it. {@code Perc99} is the 0.99 quantile (upstream's v1.20.2 computes 0.95 under that
   * label).
   */
  static List<DataItem> histograms(String name, SchedulerMetrics metrics) {
    List<DataItem> out = new ArrayList<>();
    for (String metric : DEFAULT_HISTOGRAMS) {
      histogram(name, metric, Map.of(), metrics.histogram(metric)).ifPresent(out::add);
    }
    metrics
        .extensionPoints()
        .forEach(
            (point, h) ->
                histogram(
                        name,
                        SchedulerMetrics.EXTENSION_POINT,
                        Map.of(EXTENSION_POINT_LABEL, point),
                        h)
                    .ifPresent(out::add));
    return out;
  }

  private static java.util.Optional<DataItem> histogram(
      String name, String metric, Map<String, String> extra, Histogram h) {
    if (h.count() == 0) {
      return java.util.Optional.empty();
    }
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("Name", name);
    labels.put("Metric", metric);
    labels.putAll(extra);
    Map<String, Double> data = new LinkedHashMap<>();
    data.put("Perc50", h.quantile(0.50) * 1000);
    data.put("Perc90", h.quantile(0.90) * 1000);
    data.put("Perc99", h.quantile(0.99) * 1000);
    data.put("Average", h.average() * 1000);
    return java.util.Optional.of(new DataItem(data, "ms", labels));
  }

  private DataItem latency(String ns, List<Double> ms) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("Name", nameLabel(ns));
    labels.put("Metric", POD_SCHEDULING_DURATION);
    return new DataItem(Stats.summary(ms), "ms", labels);
  }
}
