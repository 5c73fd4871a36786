package io.kubelab.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelab.perf.PerfConfig.CreateNodes;
import io.kubelab.perf.PerfConfig.CreatePods;
import io.kubelab.perf.PerfConfig.LabelValues;
import io.kubelab.perf.PerfConfig.TestCase;
import io.kubelab.perf.PerfConfig.UniqueLabel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** scheduler_perf's YAML vocabulary: what parses, and the one error for what kubelab cannot run. */
class PerfConfigTest {

  /** A test case around {@code ops}, with one workload {@code {n: 3}}. */
  static String testCase(String ops) {
    return """
        - name: Case
          workloadTemplate:
        %s
          workloads:
          - name: small
            params: {n: 3}
        """
        .formatted(ops.indent(2).stripTrailing());
  }

  /** A measured createPods op of {@code $n} pods. */
  static final String MEASURED =
      """
      - opcode: createPods
        countParam: $n
        collectMetrics: true""";

  @Test
  void everyShippedCaseParsesWithItsTemplates() {
    PerfRun run = PerfRun.embedded();
    assertThat(run.testCases())
        .extracting(TestCase::name)
        .containsExactly(
            "SchedulingBasic",
            "SchedulingPodAntiAffinity",
            "SchedulingPodAffinity",
            "SchedulingNodeAffinity",
            "TopologySpreading",
            "PreferredTopologySpreading",
            "PreemptionBasic",
            "Unschedulable");
    // plan reads every template the selected workloads use
    List<PerfRun.Planned> all =
        run.plan(new PerfRun.Selection(null, null, null), PerfRun.Sizing.full());
    assertThat(all).hasSize(18);
    assertThat(all.get(1).id()).isEqualTo("SchedulingBasic/5000Nodes");
    assertThat(all.get(1).params())
        .containsExactly(
            Map.entry("initNodes", 5000),
            Map.entry("initPods", 1000),
            Map.entry("measurePods", 1000));
  }

  @Test
  void shippedCasesCarryUpstreamsNodeLabelling() {
    List<TestCase> cases = PerfRun.embedded().testCases();
    CreateNodes anti = (CreateNodes) cases.get(1).workloadTemplate().get(0);
    assertThat(anti.strategy()).isEqualTo(new UniqueLabel("kubernetes.io/hostname"));
    CreateNodes spread = (CreateNodes) cases.get(4).workloadTemplate().get(0);
    assertThat(spread.strategy())
        .isEqualTo(
            new LabelValues("topology.kubernetes.io/zone", List.of("moon-1", "moon-2", "moon-3")));
    CreatePods large = (CreatePods) cases.get(7).workloadTemplate().get(1);
    assertThat(large.skipWaitToCompletion()).isTrue();
    assertThat(large.collectMetrics()).isFalse();
  }

  @Test
  void parsesEveryOpKubelabRuns() {
    List<TestCase> cases =
        PerfConfig.parse(
            testCase(
                """
                - opcode: createNodes
                  count: 2
                  labelNodePrepareStrategy: {labelKey: zone, labelValues: [a, b]}
                - opcode: createNamespaces
                  prefix: sched
                  count: 2
                - opcode: createPods
                  count: 1
                  namespace: sched-0
                  skipWaitToCompletion: true
                - opcode: barrier
                  namespaces: [sched-0]
                - opcode: sleep
                  duration: 1m30s
                """
                    + MEASURED),
            "f.yaml");
    assertThat(cases.get(0).workloadTemplate())
        .containsExactly(
            new CreateNodes(
                new PerfConfig.Count(2, null), null, new LabelValues("zone", List.of("a", "b"))),
            new PerfConfig.CreateNamespaces("sched", new PerfConfig.Count(2, null)),
            new CreatePods(new PerfConfig.Count(1, null), null, "sched-0", false, true),
            new PerfConfig.Barrier(List.of("sched-0")),
            new PerfConfig.Sleep(Duration.ofSeconds(90)),
            new CreatePods(new PerfConfig.Count(0, "$n"), null, null, true, false));
  }

  @Test
  void fieldNamesMatchCaseInsensitivelyAsGoDecodesThem() {
    List<TestCase> cases =
        PerfConfig.parse(
            testCase(
                """
                - Opcode: createPods
                  CountParam: $n
                  CollectMetrics: true"""),
            "f.yaml");
    assertThat(((CreatePods) cases.get(0).workloadTemplate().get(0)).count().param())
        .isEqualTo("$n");
  }

  @Test
  void anUnsupportedOpIsOneErrorNamingIt() {
    String yaml =
        testCase(
            """
            - opcode: churn
              mode: recreate
              number: 1
              templatePaths: [x.yaml]
            """
                + MEASURED);
    assertThatThrownBy(() -> PerfConfig.parse(yaml, "f.yaml"))
        .isInstanceOf(PerfConfigException.class)
        .hasMessage(
            "f.yaml: Case: workloadTemplate[0]: op \"churn\" is an upstream scheduler_perf op that"
                + " kubelab perf does not run (kubelab perf runs createNodes, createNamespaces,"
                + " createPods, barrier, sleep)");
  }

  @Test
  void anOpcodeUpstreamDoesNotHaveIsNamedToo() {
    String yaml = testCase("- opcode: createPod\n  count: 1\n" + MEASURED);
    assertThatThrownBy(() -> PerfConfig.parse(yaml, "f.yaml"))
        .hasMessageContaining("op \"createPod\" is not a scheduler_perf op");
  }

  @Test
  void anUnknownFieldIsOneErrorNamingIt() {
    String yaml = testCase(MEASURED + "\n  podTemplate: pod.yaml");
    assertThatThrownBy(() -> PerfConfig.parse(yaml, "f.yaml"))
        .isInstanceOf(PerfConfigException.class)
        .hasMessage(
            "f.yaml: Case: workloadTemplate[0] (createPods): unknown field \"podTemplate\"");
  }

  @Test
  void anUpstreamFieldKubelabDoesNotSupportIsNamed() {
    String yaml = testCase(MEASURED + "\n  persistentVolumeClaimTemplatePath: config/pvc.yaml");
    assertThatThrownBy(() -> PerfConfig.parse(yaml, "f.yaml"))
        .hasMessage(
            "f.yaml: Case: workloadTemplate[0] (createPods): field"
                + " \"persistentVolumeClaimTemplatePath\" is an upstream scheduler_perf field that"
                + " kubelab perf does not support");
    String gates = "- name: Case\n  featureGates: {CSIMigration: true}\n";
    assertThatThrownBy(() -> PerfConfig.parse(gates, "f.yaml"))
        .hasMessage(
            "f.yaml: Case: field \"featureGates\" is an upstream scheduler_perf field that kubelab"
                + " perf does not support");
  }

  @Test
  void upstreamsValidationRulesHold() {
    assertThatThrownBy(
            () ->
                PerfConfig.parse(
                    testCase(
                        "- opcode: createPods\n  count: 1\n  collectMetrics: true\n"
                            + "  skipWaitToCompletion: true"),
                    "f.yaml"))
        .hasMessageEndingWith(
            "collectMetrics and skipWaitToCompletion cannot be true at the same time");
    assertThatThrownBy(
            () -> PerfConfig.parse(testCase("- opcode: createPods\n  count: 1"), "f.yaml"))
        .hasMessage("f.yaml: Case: no op in the workload template collects metrics");
    assertThatThrownBy(
            () -> PerfConfig.parse(testCase("- opcode: createNodes\n" + MEASURED), "f.yaml"))
        .hasMessage(
            "f.yaml: Case: workloadTemplate[0] (createNodes): invalid Count=0 / CountParam=\"\"");
    assertThatThrownBy(
            () ->
                PerfConfig.parse(
                    testCase("- opcode: createNodes\n  countParam: $nodes\n" + MEASURED), "f.yaml"))
        .hasMessage("f.yaml: Case/small: workloadTemplate[0]: parameter $nodes is undefined");
    assertThatThrownBy(
            () ->
                PerfConfig.parse(
                    testCase(
                        "- opcode: createNodes\n  count: 1\n- opcode: createPods\n  count: 1\n"
                            + "  collectMetrics: true"),
                    "f.yaml"))
        .hasMessage(
            "f.yaml: Case/small: the parameters [n] are defined on the workload but unused");
    assertThatThrownBy(() -> PerfConfig.parse("- name: Case\n  workloadTemplate: []\n", "f.yaml"))
        .hasMessage("f.yaml: Case: no workloads defined");
    assertThatThrownBy(() -> PerfConfig.parse("[]", "f.yaml"))
        .hasMessage("f.yaml: no test cases defined");
  }

  @Test
  void malformedYamlNamesTheLine() {
    assertThatThrownBy(() -> PerfConfig.parse("- name: [x\n", "f.yaml"))
        .isInstanceOf(PerfConfigException.class)
        .hasMessageStartingWith("f.yaml: malformed YAML at line");
  }

  @Test
  void goDurationsParseAsTimeParseDuration() {
    assertThat(GoDuration.parse("300ms")).isEqualTo(Duration.ofMillis(300));
    assertThat(GoDuration.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GoDuration.parse("2m3s")).isEqualTo(Duration.ofSeconds(123));
    assertThat(GoDuration.parse("0")).isEqualTo(Duration.ZERO);
    assertThatThrownBy(() -> GoDuration.parse("5")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GoDuration.parse("5sx")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void filtersThatMatchNothingAreErrors() {
    PerfRun run = PerfRun.embedded();
    assertThatThrownBy(
            () -> run.plan(new PerfRun.Selection("Nope", null, null), PerfRun.Sizing.full()))
        .hasMessageStartingWith("--case Nope: performance-config.yaml has no such test case");
    assertThatThrownBy(
            () ->
                run.plan(
                    new PerfRun.Selection("SchedulingBasic", "1Node", null), PerfRun.Sizing.full()))
        .hasMessage(
            "no workload of performance-config.yaml matches --case SchedulingBasic --workload 1Node");
    assertThatThrownBy(
            () ->
                run.plan(
                    new PerfRun.Selection("SchedulingBasic", null, null),
                    new PerfRun.Sizing(1, Map.of("nodes", 3))))
        .hasMessage("--param nodes: no selected workload has a parameter nodes");
  }

  @Test
  void scalingRoundsAndKeepsEveryCountPositiveThenOverridesApply() {
    List<PerfRun.Planned> p =
        PerfRun.embedded()
            .plan(
                new PerfRun.Selection("Unschedulable", "500Nodes/200InitPods", null),
                new PerfRun.Sizing(0.001, Map.of("measurePods", 7)));
    assertThat(p.get(0).params())
        .containsExactly(
            Map.entry("initNodes", 1), Map.entry("initPods", 1), Map.entry("measurePods", 7));
  }
}
