package io.kubelab.perf;

import static io.kubelab.perf.PerfConfigTest.MEASURED;
import static io.kubelab.perf.PerfConfigTest.testCase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelab.perf.PerfConfig.Count;
import io.kubelab.perf.PerfConfig.CreateNodes;
import io.kubelab.perf.PerfConfig.CreatePods;
import io.kubelab.perf.PerfConfig.TestCase;
import io.kubelab.perf.PerfConfig.UniqueLabel;
import io.kubelab.perf.PerfConfig.Workload;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every field PerfConfig reads, and the one error each wrong shape of it gives. */
class PerfConfigErrorsTest {

  private static String errorOf(String yaml) {
    try {
      PerfConfig.parse(yaml, "f.yaml");
    } catch (PerfConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("parsed without an error: " + yaml);
  }

  @Test
  void aFullTestCaseKeepsItsLabelsDefaultTemplateTemplatesAndWorkloads() {
    TestCase tc =
        PerfConfig.parse(
                """
                - name: Case
                  labels: [performance, fast]
                  defaultPodTemplatePath: config/pod.yaml
                  workloadTemplate:
                  - opcode: createNodes
                    countParam: $nodes
                    nodeTemplatePath: config/node.yaml
                    uniqueNodeLabelStrategy: {labelKey: host}
                  - opcode: createPods
                    count: 4
                    podTemplatePath: config/p.yaml
                    collectMetrics: true
                  workloads:
                  - name: w1
                    labels: [fast]
                    params: {nodes: 5}
                  - name: w2
                    params: {nodes: 2147483647}
                """,
                "f.yaml")
            .get(0);
    assertThat(tc.name()).isEqualTo("Case");
    assertThat(tc.labels()).containsExactly("performance", "fast");
    assertThat(tc.defaultPodTemplatePath()).isEqualTo("config/pod.yaml");
    assertThat(tc.workloadTemplate())
        .containsExactly(
            new CreateNodes(new Count(0, "$nodes"), "config/node.yaml", new UniqueLabel("host")),
            new CreatePods(new Count(4, null), "config/p.yaml", null, true, false));
    assertThat(tc.workloads())
        .containsExactly(
            new Workload("w1", Map.of("nodes", 5), List.of("fast")),
            new Workload("w2", Map.of("nodes", Integer.MAX_VALUE), List.of()));
  }

  @Test
  void aCountResolvesToItsValueOrItsParam() {
    assertThat(new Count(4, null).resolve(Map.of("n", 9))).isEqualTo(4);
    assertThat(new Count(0, "$n").resolve(Map.of("n", 9))).isEqualTo(9);
    assertThatThrownBy(() -> new Count(0, "$m").resolve(Map.of("n", 9)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("parameter $m is undefined");
  }

  @Test
  void theFileMustBeANonEmptyListOfUniquelyNamedMaps() {
    assertThat(errorOf("")).isEqualTo("f.yaml: no test cases defined");
    assertThat(errorOf("null")).isEqualTo("f.yaml: no test cases defined");
    assertThat(errorOf("name: Case")).isEqualTo("f.yaml: must be a list of test cases");
    assertThat(errorOf("- just a string")).isEqualTo("f.yaml: [0]: must be a map");
    assertThat(errorOf("- {labels: [a]}")).isEqualTo("f.yaml: [0]: name: Required value");
    assertThat(errorOf("- {name: \"\"}")).isEqualTo("f.yaml: [0]: name: Required value");
    String one = testCase(MEASURED);
    assertThat(errorOf(one + one)).isEqualTo("f.yaml: test case Case is not unique");
    assertThat(PerfConfig.parse(one + one.replace("name: Case", "name: Other"), "f.yaml"))
        .extracting(TestCase::name)
        .containsExactly("Case", "Other");
  }

  @Test
  void malformedYamlGivesTheLineAndOnlyTheFirstLineOfTheParsersMessage() {
    String msg = errorOf("- name: Case\n- name: [x\n");
    assertThat(msg).startsWith("f.yaml: malformed YAML at line ").doesNotContain("\n");
    assertThat(msg.substring("f.yaml: malformed YAML at line ".length()))
        .matches("[1-9][0-9]*: .+");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          - {name: C, workloadTemplate: 3, workloads: [{name: w}]} | f.yaml: C: workloadTemplate must be a list of ops
          - {name: C, workloadTemplate: [], workloads: 3}          | f.yaml: C: workloads must be a list
          - {name: C, workloadTemplate: [], workloads: []}         | f.yaml: C: no workloads defined
          - {name: C, workloads: [{name: w}]}                      | f.yaml: C: no ops defined
          - {name: C, workloadTemplate: null, workloads: [{name: w}]} | f.yaml: C: no ops defined
          - {name: C, workloadTemplate: [], workloads: null}       | f.yaml: C: no workloads defined
          - {name: C, workloads: [{name: w, params: {n: 1.0}}]}    | f.yaml: C: workloads[0] (w): params.n: must be an integer
          - {name: C, workloadTemplate: [], workloads: [{name: w}]} | f.yaml: C: no ops defined
          - {name: C, workloads: [{name: w}, {name: w}]}           | f.yaml: C: workload name w is not unique
          - {name: C, workloads: [{name: w, params: 3}]}           | f.yaml: C: workloads[0] (w): params must be a map of integers
          - {name: C, workloads: [{name: w, params: {n: x}}]}      | f.yaml: C: workloads[0] (w): params.n: must be an integer
          - {name: C, workloads: [{name: w, params: {n: 1.5}}]}    | f.yaml: C: workloads[0] (w): params.n: must be an integer
          - {name: C, workloads: [{name: w, params: {n: 2147483648}}]} | f.yaml: C: workloads[0] (w): params.n: must be an integer
          - {name: C, workloads: [{name: w, threshold: 3}]}        | f.yaml: C: workloads[0] (w): field "threshold" is an upstream scheduler_perf field that kubelab perf does not support
          - {name: C, workloads: [{name: w, extra: 3}]}            | f.yaml: C: workloads[0] (w): unknown field "extra"
          - {name: C, workloads: [3]}                              | f.yaml: C: workloads[0]: must be a map
          - {name: C, labels: x, workloads: [{name: w}]}           | f.yaml: C: labels: must be a list of strings
          - {name: C, labels: [[x]], workloads: [{name: w}]}       | f.yaml: C: labels: must be a list of strings
          - {name: C, defaultPodTemplatePath: [x]}                 | f.yaml: C: defaultPodTemplatePath: must be a string
          - {name: C, SchedulerConfigPath: x}                      | f.yaml: C: field "SchedulerConfigPath" is an upstream scheduler_perf field that kubelab perf does not support
          - {name: C, defaultThresholdMetricSelector: x}           | f.yaml: C: field "defaultThresholdMetricSelector" is an upstream scheduler_perf field that kubelab perf does not support
          - {name: C, bogus: 1}                                    | f.yaml: C: unknown field "bogus"
          """)
  void aTestCaseOrWorkloadOfTheWrongShapeIsOneErrorNamingIt(String yaml, String message) {
    assertThat(errorOf(yaml)).isEqualTo(message);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {opcode: createNodes, count: -1}                | workloadTemplate[0] (createNodes): invalid Count=-1 / CountParam=""
          {opcode: createNodes, count: x}                 | workloadTemplate[0] (createNodes): count: must be an integer
          {opcode: createNodes, count: 1.5}               | workloadTemplate[0] (createNodes): count: must be an integer
          {opcode: createNodes, count: 3000000000}        | workloadTemplate[0] (createNodes): count: must be an integer
          {opcode: createNodes, count: 2.0}               | workloadTemplate[0] (createNodes): count: must be an integer
          {opcode: createNodes, countParam: nodes}        | workloadTemplate[0] (createNodes): invalid Count=0 / CountParam="nodes"
          {opcode: createNodes, countParam: n}            | workloadTemplate[0] (createNodes): invalid Count=0 / CountParam="n"
          {opcode: createNodes, count: 2, countParam: $}  | workloadTemplate[0] (createNodes): invalid Count=2 / CountParam="$"
          {opcode: createNodes, count: 1, nodeAllocatableStrategy: {}} | workloadTemplate[0] (createNodes): field "nodeAllocatableStrategy" is an upstream scheduler_perf field that kubelab perf does not support
          {opcode: createNodes, count: 1, labelNodePrepareStrategy: {labelKey: k}} | workloadTemplate[0] (createNodes): labelNodePrepareStrategy: labelValues: Required value
          {opcode: createNodes, count: 1, labelNodePrepareStrategy: {labelValues: [a]}} | workloadTemplate[0] (createNodes): labelNodePrepareStrategy: labelKey: Required value
          {opcode: createNodes, count: 1, labelNodePrepareStrategy: {labelKey: k, labelValues: [a], x: 1}} | workloadTemplate[0] (createNodes): labelNodePrepareStrategy: unknown field "x"
          {opcode: createNodes, count: 1, uniqueNodeLabelStrategy: {labelKey: k, x: 1}} | workloadTemplate[0] (createNodes): uniqueNodeLabelStrategy: unknown field "x"
          {opcode: createNodes, count: 1, uniqueNodeLabelStrategy: 3} | workloadTemplate[0] (createNodes): uniqueNodeLabelStrategy: must be a map
          {opcode: createNodes, count: 1, uniqueNodeLabelStrategy: {labelKey: k}, labelNodePrepareStrategy: {labelKey: k, labelValues: [a]}} | workloadTemplate[0] (createNodes): at most one of labelNodePrepareStrategy and uniqueNodeLabelStrategy
          {opcode: createNamespaces, count: 1}            | workloadTemplate[0] (createNamespaces): prefix: Required value
          {opcode: createNamespaces, prefix: p, count: 1, namespaceTemplatePath: x} | workloadTemplate[0] (createNamespaces): field "namespaceTemplatePath" is an upstream scheduler_perf field that kubelab perf does not support
          {opcode: createPods, count: 1, collectMetrics: yes please} | workloadTemplate[0] (createPods): collectMetrics: must be true or false
          {opcode: createPods, count: 1, namespace: 3}    | workloadTemplate[0] (createPods): namespace: must be a string
          {opcode: createPods, count: 1, steadyState: true} | workloadTemplate[0] (createPods): field "steadyState" is an upstream scheduler_perf field that kubelab perf does not support
          {opcode: barrier, namespaces: a}                | workloadTemplate[0] (barrier): namespaces: must be a list of strings
          {opcode: barrier, stageRequirement: x}          | workloadTemplate[0] (barrier): unknown field "stageRequirement"
          {opcode: sleep}                                 | workloadTemplate[0] (sleep): duration: Required value
          {opcode: sleep, duration: 5x}                   | workloadTemplate[0] (sleep): duration "5x": invalid duration (want e.g. 500ms, 2s, 1m30s)
          {count: 1}                                      | workloadTemplate[0]: opcode: Required value
          3                                               | workloadTemplate[0]: must be a map
          """)
  void anOpOfTheWrongShapeIsOneErrorNamingIt(String op, String message) {
    assertThat(errorOf(testCase("- " + op + "\n" + MEASURED)))
        .isEqualTo("f.yaml: Case: " + message);
  }

  @Test
  void nullFieldsCountAsAbsent() {
    TestCase tc =
        PerfConfig.parse(
                testCase(
                    """
                    - opcode: createNodes
                      count: 1
                      nodeTemplatePath: null
                      labelNodePrepareStrategy: null
                      uniqueNodeLabelStrategy: null
                    - opcode: barrier
                      namespaces: null
                    - opcode: createPods
                      countParam: $n
                      count: null
                      namespace: null
                      skipWaitToCompletion: null
                      collectMetrics: true"""),
                "f.yaml")
            .get(0);
    assertThat(tc.workloadTemplate())
        .containsExactly(
            new CreateNodes(new Count(1, null), null, new PerfConfig.Trivial()),
            new PerfConfig.Barrier(List.of()),
            new CreatePods(new Count(0, "$n"), null, null, true, false));
    TestCase nulls =
        PerfConfig.parse(
                testCase(MEASURED)
                    .replace(
                        "- name: Case",
                        "- name: Case\n  labels: null\n  defaultPodTemplatePath: null"),
                "f.yaml")
            .get(0);
    assertThat(nulls.labels()).isEmpty();
    assertThat(nulls.defaultPodTemplatePath()).isNull();
  }

  @Test
  void aCountParamOnlyCountsAsUsedForTheOpsThatHaveACount() {
    String yaml =
        """
        - name: Case
          workloadTemplate:
          - opcode: createNamespaces
            prefix: p
            countParam: $ns
          - opcode: createNodes
            countParam: $nodes
          - opcode: sleep
            duration: 1s
          - opcode: createPods
            countParam: $pods
            collectMetrics: true
          workloads:
          - name: w
            params: {ns: 1, nodes: 2, pods: 3}
        """;
    assertThat(PerfConfig.parse(yaml, "f.yaml").get(0).workloads().get(0).params())
        .containsExactly(Map.entry("ns", 1), Map.entry("nodes", 2), Map.entry("pods", 3));
    assertThat(errorOf(yaml.replace("countParam: $ns", "count: 1")))
        .isEqualTo("f.yaml: Case/w: the parameters [ns] are defined on the workload but unused");
    assertThat(errorOf(yaml.replace("{ns: 1, nodes: 2, pods: 3}", "{ns: 1, pods: 3}")))
        .isEqualTo("f.yaml: Case/w: workloadTemplate[1]: parameter $nodes is undefined");
  }

  @Test
  void explicitFalseNullParamsAndAnEmptyCountParamMeanWhatTheySay() {
    TestCase tc =
        PerfConfig.parse(
                testCase(
                    """
                    - opcode: createNodes
                      count: 3
                      countParam: ""
                    - opcode: createPods
                      countParam: $n
                      collectMetrics: true
                      skipWaitToCompletion: false"""),
                "f.yaml")
            .get(0);
    assertThat(tc.workloadTemplate())
        .containsExactly(
            new CreateNodes(new Count(3, null), null, new PerfConfig.Trivial()),
            new CreatePods(new Count(0, "$n"), null, null, true, false));
    // params: null is no params, so $n is undefined (not "params must be a map")
    assertThat(errorOf(testCase(MEASURED).replace("params: {n: 3}", "params: null")))
        .isEqualTo("f.yaml: Case/small: workloadTemplate[0]: parameter $n is undefined");
  }

  @Test
  void aSecondYamlDocumentIsMalformedWithItsOneLineMessage() {
    String msg = errorOf(testCase(MEASURED) + "---\n" + testCase(MEASURED));
    assertThat(msg)
        .startsWith("f.yaml: malformed YAML at line ")
        .contains("Trailing token")
        .doesNotContain("\n");
  }

  @Test
  void eachParsedOpReportsTheOpcodeItWasWrittenWith() {
    List<PerfConfig.Op> ops =
        PerfConfig.parse(
                testCase(
                    """
                    - opcode: createNodes
                      count: 1
                    - opcode: createNamespaces
                      prefix: p
                      count: 1
                    - opcode: barrier
                    - opcode: sleep
                      duration: 1s
                    """
                        + MEASURED),
                "f.yaml")
            .get(0)
            .workloadTemplate();
    assertThat(ops)
        .extracting(PerfConfig.Op::opcode)
        .containsExactly("createNodes", "createNamespaces", "barrier", "sleep", "createPods");
  }
}
