package io.kubelab.perf;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Test cases in scheduler_perf's own YAML vocabulary: a list of {@code testCase}s, each a {@code
 * workloadTemplate} of ops with {@code $param} counts and the {@code workloads} that fill the
 * params in.
 *
 * <p>Upstream: {@code test/integration/scheduler_perf/scheduler_perf_test.go} (v1.20.2: {@code
 * testCase}, {@code workload}, {@code createNodesOp}, {@code createPodsOp}, {@code barrierOp},
 * their {@code isValid} and {@code patchParams}), plus what later releases added and kubelab runs:
 * the {@code createNamespaces} and {@code sleep} ops, {@code labels} on test cases and workloads,
 * {@code defaultPodTemplatePath}, and the check that every param of a workload is used. Upstream
 * reads the file with {@code yaml.UnmarshalStrict}: an unknown field is an error, and field names
 * match case-insensitively (Go's {@code encoding/json}). Here the same, and a field or op that
 * upstream has but kubelab does not run is an error that names it: nothing is silently ignored.
 */
public final class PerfConfig {

  /** What kubelab runs. */
  static final List<String> SUPPORTED_OPS =
      List.of("createNodes", "createNamespaces", "createPods", "barrier", "sleep");

  /** Ops of later upstream releases that kubelab does not run. */
  static final Set<String> UPSTREAM_ONLY_OPS =
      Set.of(
          "createPodSets",
          "churn",
          "deletePods",
          "createAny",
          "updateAny",
          "createResourceClaims",
          "createResourceDriver",
          "allocResourceClaims",
          "startCollectingMetrics",
          "stopCollectingMetrics");

  private static final ObjectMapper YAML = YAMLMapper.builder().build();

  /** One test case: a name, its ops, the workloads that size them. */
  public record TestCase(
      String name,
      List<String> labels,
      List<Op> workloadTemplate,
      List<Workload> workloads,
      String defaultPodTemplatePath) {
    public TestCase {
      labels = List.copyOf(labels);
      workloadTemplate = List.copyOf(workloadTemplate);
      workloads = List.copyOf(workloads);
    }
  }

  /** One workload: a name, the params' values, labels (for {@code --label} style selection). */
  public record Workload(String name, Map<String, Integer> params, List<String> labels) {
    public Workload {
      params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
      labels = List.copyOf(labels);
    }
  }

  /** A count given directly ({@code count}) or by a workload param ({@code countParam: $x}). */
  public record Count(int value, String param) {
    /** The count for a workload's params. */
    int resolve(Map<String, Integer> params) {
      if (param == null) {
        return value;
      }
      Integer v = params.get(param.substring(1));
      if (v == null) {
        throw new IllegalArgumentException("parameter " + param + " is undefined");
      }
      return v;
    }
  }

  /** How createNodes labels the nodes it makes ({@code test/utils/runners.go}). */
  public sealed interface NodeStrategy {}

  /** {@code TrivialNodePrepareStrategy}: the template as it is. */
  public record Trivial() implements NodeStrategy {}

  /** {@code LabelNodePrepareStrategy}: {@code labelKey} set to the values in turn (round robin). */
  public record LabelValues(String labelKey, List<String> labelValues) implements NodeStrategy {
    public LabelValues {
      labelValues = List.copyOf(labelValues);
    }
  }

  /** {@code UniqueNodeLabelStrategy}: {@code labelKey} set to a value no other node has. */
  public record UniqueLabel(String labelKey) implements NodeStrategy {}

  /** One op of a workload template. */
  public sealed interface Op {
    /** Its {@code opcode}. */
    String opcode();
  }

  /** {@code createNodes}. */
  public record CreateNodes(Count count, String nodeTemplatePath, NodeStrategy strategy)
      implements Op {
    @Override
    public String opcode() {
      return "createNodes";
    }
  }

  /** {@code createNamespaces}: {@code prefix-0} to {@code prefix-(count-1)}. */
  public record CreateNamespaces(String prefix, Count count) implements Op {
    @Override
    public String opcode() {
      return "createNamespaces";
    }
  }

  /** {@code createPods}. */
  public record CreatePods(
      Count count,
      String podTemplatePath,
      String namespace,
      boolean collectMetrics,
      boolean skipWaitToCompletion)
      implements Op {
    @Override
    public String opcode() {
      return "createPods";
    }
  }

  /** {@code barrier}: wait until the pods of these namespaces (all when empty) are scheduled. */
  public record Barrier(List<String> namespaces) implements Op {
    public Barrier {
      namespaces = List.copyOf(namespaces);
    }

    @Override
    public String opcode() {
      return "barrier";
    }
  }

  /** {@code sleep}. */
  public record Sleep(Duration duration) implements Op {
    @Override
    public String opcode() {
      return "sleep";
    }
  }

  private PerfConfig() {}

  /**
   * Parses a performance-config.yaml.
   *
   * @param source names the file in error messages
   * @throws PerfConfigException naming the test case, op or field of the first problem
   */
  public static List<TestCase> parse(String yaml, String source) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JacksonException e) {
      String where =
          e.getLocation() != null && e.getLocation().getLineNr() > 0
              ? " at line " + e.getLocation().getLineNr()
              : "";
      throw new PerfConfigException(
          source + ": malformed YAML" + where + ": " + firstLine(e.getOriginalMessage()));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new PerfConfigException(source + ": no test cases defined");
    }
    if (!root.isArray()) {
      throw new PerfConfigException(source + ": must be a list of test cases");
    }
    List<TestCase> cases = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < root.size(); i++) {
      TestCase tc = testCase(root.get(i), source + ": [" + i + "]", source);
      if (!names.add(tc.name())) {
        throw new PerfConfigException(source + ": test case " + tc.name() + " is not unique");
      }
      cases.add(tc);
    }
    if (cases.isEmpty()) {
      throw new PerfConfigException(source + ": no test cases defined");
    }
    return List.copyOf(cases);
  }

  private static TestCase testCase(JsonNode n, String where, String source) {
    Fields f = new Fields(n, where);
    String name = f.requiredString("name");
    String at = source + ": " + name;
    f.where = at;
    f.unsupported(
        "featureGates", "metricsCollectorConfig", "schedulerConfigFile", "schedulerConfigPath");
    f.unsupported("defaultThresholdMetricSelector");
    List<String> labels = f.strings("labels");
    String defaultPod = f.optionalString("defaultPodTemplatePath");
    JsonNode template = f.take("workloadTemplate");
    JsonNode workloads = f.take("workloads");
    f.noneLeft();
    List<Op> ops = new ArrayList<>();
    if (template != null && !template.isNull()) {
      if (!template.isArray()) {
        throw new PerfConfigException(at + ": workloadTemplate must be a list of ops");
      }
      for (int i = 0; i < template.size(); i++) {
        ops.add(op(template.get(i), at + ": workloadTemplate[" + i + "]"));
      }
    }
    List<Workload> ws = new ArrayList<>();
    if (workloads != null && !workloads.isNull()) {
      if (!workloads.isArray()) {
        throw new PerfConfigException(at + ": workloads must be a list");
      }
      Set<String> seen = new LinkedHashSet<>();
      for (int i = 0; i < workloads.size(); i++) {
        Workload w = workload(workloads.get(i), at + ": workloads[" + i + "]");
        if (!seen.add(w.name())) {
          throw new PerfConfigException(at + ": workload name " + w.name() + " is not unique");
        }
        ws.add(w);
      }
    }
    // validateTestCases
    if (ws.isEmpty()) {
      throw new PerfConfigException(at + ": no workloads defined");
    }
    if (ops.isEmpty()) {
      throw new PerfConfigException(at + ": no ops defined");
    }
    if (ops.stream().noneMatch(o -> o instanceof CreatePods p && p.collectMetrics())) {
      throw new PerfConfigException(at + ": no op in the workload template collects metrics");
    }
    for (Workload w : ws) {
      checkParams(at, ops, w);
    }
    return new TestCase(name, labels, ops, ws, defaultPod);
  }

  /** Every {@code $param} must be defined by the workload, and every param used (upstream). */
  private static void checkParams(String at, List<Op> ops, Workload w) {
    Set<String> used = new LinkedHashSet<>();
    for (int i = 0; i < ops.size(); i++) {
      Count c = countOf(ops.get(i));
      if (c != null && c.param() != null) {
        String p = c.param().substring(1);
        if (!w.params().containsKey(p)) {
          throw new PerfConfigException(
              at
                  + "/"
                  + w.name()
                  + ": workloadTemplate["
                  + i
                  + "]: parameter "
                  + c.param()
                  + " is undefined");
        }
        used.add(p);
      }
    }
    List<String> unused = w.params().keySet().stream().filter(p -> !used.contains(p)).toList();
    if (!unused.isEmpty()) {
      throw new PerfConfigException(
          at
              + "/"
              + w.name()
              + ": the parameters "
              + unused
              + " are defined on the workload but unused");
    }
  }

  private static Count countOf(Op op) {
    if (op instanceof CreateNodes o) {
      return o.count();
    }
    if (op instanceof CreateNamespaces o) {
      return o.count();
    }
    if (op instanceof CreatePods o) {
      return o.count();
    }
    return null;
  }

  private static Workload workload(JsonNode n, String where) {
    Fields f = new Fields(n, where);
    String name = f.requiredString("name");
    f.where = where + " (" + name + ")";
    f.unsupported("featureGates", "threshold", "thresholdMetricSelector");
    List<String> labels = f.strings("labels");
    JsonNode params = f.take("params");
    f.noneLeft();
    Map<String, Integer> ps = new LinkedHashMap<>();
    if (params != null && !params.isNull()) {
      if (!params.isObject()) {
        throw new PerfConfigException(f.where + ": params must be a map of integers");
      }
      for (Map.Entry<String, JsonNode> e : params.properties()) {
        if (!e.getValue().isIntegralNumber() || !e.getValue().canConvertToInt()) {
          throw new PerfConfigException(
              f.where + ": params." + e.getKey() + ": must be an integer");
        }
        ps.put(e.getKey(), e.getValue().intValue());
      }
    }
    return new Workload(name, ps, labels);
  }

  private static Op op(JsonNode n, String where) {
    Fields f = new Fields(n, where);
    String opcode = f.requiredString("opcode");
    f.where = where + " (" + opcode + ")";
    Op op =
        switch (opcode) {
          case "createNodes" -> createNodes(f);
          case "createNamespaces" -> createNamespaces(f);
          case "createPods" -> createPods(f);
          case "barrier" -> new Barrier(f.strings("namespaces"));
          case "sleep" -> sleep(f);
          default ->
              throw new PerfConfigException(
                  where
                      + ": op \""
                      + opcode
                      + "\" is "
                      + (UPSTREAM_ONLY_OPS.contains(opcode)
                          ? "an upstream scheduler_perf op that kubelab perf does not run"
                          : "not a scheduler_perf op")
                      + " (kubelab perf runs "
                      + String.join(", ", SUPPORTED_OPS)
                      + ")");
        };
    f.noneLeft();
    return op;
  }

  private static CreateNodes createNodes(Fields f) {
    f.unsupported("nodeAllocatableStrategy");
    Count count = f.count();
    String template = f.optionalString("nodeTemplatePath");
    List<NodeStrategy> strategies = new ArrayList<>();
    Fields label = f.object("labelNodePrepareStrategy");
    if (label != null) {
      String key = label.requiredString("labelKey");
      List<String> values = label.strings("labelValues");
      if (values.isEmpty()) {
        throw new PerfConfigException(label.where + ": labelValues: Required value");
      }
      label.noneLeft();
      strategies.add(new LabelValues(key, values));
    }
    Fields unique = f.object("uniqueNodeLabelStrategy");
    if (unique != null) {
      String key = unique.requiredString("labelKey");
      unique.noneLeft();
      strategies.add(new UniqueLabel(key));
    }
    if (strategies.size() > 1) {
      throw new PerfConfigException(
          f.where + ": at most one of labelNodePrepareStrategy and uniqueNodeLabelStrategy");
    }
    return new CreateNodes(
        count, template, strategies.isEmpty() ? new Trivial() : strategies.get(0));
  }

  private static CreateNamespaces createNamespaces(Fields f) {
    f.unsupported("namespaceTemplatePath");
    String prefix = f.requiredString("prefix");
    return new CreateNamespaces(prefix, f.count());
  }

  private static CreatePods createPods(Fields f) {
    f.unsupported(
        "persistentVolumeTemplatePath",
        "persistentVolumeClaimTemplatePath",
        "steadyState",
        "duration");
    Count count = f.count();
    String template = f.optionalString("podTemplatePath");
    String namespace = f.optionalString("namespace");
    boolean collect = f.bool("collectMetrics");
    boolean skip = f.bool("skipWaitToCompletion");
    if (collect && skip) {
      throw new PerfConfigException(
          f.where + ": collectMetrics and skipWaitToCompletion cannot be true at the same time");
    }
    return new CreatePods(count, template, namespace, collect, skip);
  }

  private static Sleep sleep(Fields f) {
    String d = f.requiredString("duration");
    try {
      return new Sleep(GoDuration.parse(d));
    } catch (DateTimeParseException | IllegalArgumentException e) {
      throw new PerfConfigException(f.where + ": duration \"" + d + "\": " + e.getMessage());
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /**
   * The fields of one YAML object, taken one by one; what is left at the end is an unknown field.
   * Names match case-insensitively, as Go's {@code encoding/json} matches struct fields.
   */
  private static final class Fields {
    private final Map<String, Map.Entry<String, JsonNode>> byLowerName = new LinkedHashMap<>();
    String where;

    Fields(JsonNode n, String where) {
      this.where = where;
      if (n == null || !n.isObject()) {
        throw new PerfConfigException(where + ": must be a map");
      }
      for (Map.Entry<String, JsonNode> e : n.properties()) {
        byLowerName.put(e.getKey().toLowerCase(Locale.ROOT), e);
      }
    }

    JsonNode take(String name) {
      Map.Entry<String, JsonNode> e = byLowerName.remove(name.toLowerCase(Locale.ROOT));
      return e == null ? null : e.getValue();
    }

    void unsupported(String... names) {
      for (String name : names) {
        Map.Entry<String, JsonNode> e = byLowerName.get(name.toLowerCase(Locale.ROOT));
        if (e != null) {
          throw new PerfConfigException(
              where
                  + ": field \""
                  + e.getKey()
                  + "\" is an upstream scheduler_perf field that kubelab perf does not support");
        }
      }
    }

    void noneLeft() {
      if (!byLowerName.isEmpty()) {
        String name = byLowerName.values().iterator().next().getKey();
        throw new PerfConfigException(where + ": unknown field \"" + name + "\"");
      }
    }

    String requiredString(String name) {
      String s = optionalString(name);
      if (s == null || s.isEmpty()) {
        throw new PerfConfigException(where + ": " + name + ": Required value");
      }
      return s;
    }

    String optionalString(String name) {
      JsonNode v = take(name);
      if (v == null || v.isNull()) {
        return null;
      }
      if (!v.isString()) {
        throw new PerfConfigException(where + ": " + name + ": must be a string");
      }
      return v.asString();
    }

    boolean bool(String name) {
      JsonNode v = take(name);
      if (v == null || v.isNull()) {
        return false;
      }
      if (!v.isBoolean()) {
        throw new PerfConfigException(where + ": " + name + ": must be true or false");
      }
      return v.booleanValue();
    }

    List<String> strings(String name) {
      JsonNode v = take(name);
      if (v == null || v.isNull()) {
        return List.of();
      }
      if (!v.isArray()) {
        throw new PerfConfigException(where + ": " + name + ": must be a list of strings");
      }
      List<String> out = new ArrayList<>();
      for (JsonNode s : v) {
        if (!s.isString()) {
          throw new PerfConfigException(where + ": " + name + ": must be a list of strings");
        }
        out.add(s.asString());
      }
      return out;
    }

    Fields object(String name) {
      JsonNode v = take(name);
      if (v == null || v.isNull()) {
        return null;
      }
      return new Fields(v, where + ": " + name);
    }

    /** {@code count} and {@code countParam}, checked as upstream's {@code isValid(true)}. */
    Count count() {
      JsonNode c = take("count");
      String param = optionalString("countParam");
      int value = 0;
      if (c != null && !c.isNull()) {
        if (!c.isIntegralNumber() || !c.canConvertToInt()) {
          throw new PerfConfigException(where + ": count: must be an integer");
        }
        value = c.intValue();
      }
      if (param != null && !param.isEmpty()) {
        if (!param.startsWith("$") || param.length() < 2) {
          throw new PerfConfigException(
              where + ": invalid Count=" + value + " / CountParam=\"" + param + "\"");
        }
        return new Count(value, param);
      }
      if (value <= 0) {
        throw new PerfConfigException(where + ": invalid Count=" + value + " / CountParam=\"\"");
      }
      return new Count(value, null);
    }
  }
}
