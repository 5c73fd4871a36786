package io.kubelab.scheduler.framework.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.PluginArgs;
import io.kubelab.scheduler.framework.Status;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The NodeLabel plugin: upstream's {@code TestNodeLabelFilter} and {@code TestNodeLabelScore}
 * (v1.18 {@code framework/plugins/nodelabel/node_label_test.go}), each argument list given alone.
 */
class NodeLabelPluginTest {

  private static final Status VIOLATED =
      Status.unschedulableAndUnresolvable("node(s) didn't have the requested labels");

  private final Parallelizer parallelizer = new Parallelizer("node-label-test", 1);

  @AfterEach
  void close() {
    parallelizer.close();
  }

  private static PluginArgs args(String json) {
    return PluginArgs.of(JsonMapper.builder().build().readTree(json), "test");
  }

  private static NodeInfo nodeInfo(Node node) {
    NodeInfo ni = new NodeInfo();
    ni.setNode(node);
    return ni;
  }

  /** A node with labels foo and bar (and the hostname label every fixture node has). */
  private static Node fooBar() {
    return Fixtures.node("machine1").label("foo", "any value").label("bar", "any value").build();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {"presentLabels": ["baz"]}                                  | false
          {"absentLabels": ["baz"]}                                   | true
          {"presentLabels": ["foo", "bar"]}                           | true
          {"absentLabels": ["foo", "bar"]}                            | false
          {"presentLabels": ["foo"], "absentLabels": ["bar"]}         | false
          {"presentLabels": ["foo"], "absentLabels": ["baz"]}         | true
          {"presentLabels": ["foo", "baz"]}                           | false
          {"absentLabels": ["baz", "bar"]}                            | false
          {}                                                          | true
          {"presentLabelsPreference": ["baz"]}                        | true
          """)
  void filterWantsEveryPresentLabelAndNoAbsentOne(String json, boolean fits) {
    NodeLabel p = new NodeLabel(args(json), null);

    assertThat(p.filter(new CycleState(), Fixtures.pod("p").build(), nodeInfo(fooBar())))
        .isEqualTo(fits ? Status.SUCCESS : VIOLATED);
  }

  @Test
  void aNodeWithoutLabelsHasNoneOfThem() {
    Node bare = Fixtures.node("machine1").withoutLabel(Fixtures.LABEL_HOSTNAME).build();
    bare.getMetadata().setLabels(null);
    Pod pod = Fixtures.pod("p").build();

    assertThat(
            new NodeLabel(args("{\"absentLabels\": [\"foo\"]}"), null)
                .filter(new CycleState(), pod, nodeInfo(bare)))
        .isEqualTo(Status.SUCCESS);
    assertThat(
            new NodeLabel(args("{\"presentLabels\": [\"foo\"]}"), null)
                .filter(new CycleState(), pod, nodeInfo(bare)))
        .isEqualTo(VIOLATED);
  }

  @Test
  void filterWithoutANodeIsAnError() {
    NodeLabel p = new NodeLabel(args("{\"presentLabels\": [\"foo\"]}"), null);

    assertThat(p.filter(new CycleState(), Fixtures.pod("p").build(), new NodeInfo()))
        .isEqualTo(Status.error("node not found"));
    assertThat(p.filter(new CycleState(), Fixtures.pod("p").build(), null))
        .isEqualTo(Status.error("node not found"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {"presentLabelsPreference": ["foo"]}                               | 100
          {"presentLabelsPreference": ["somelabel"]}                         | 0
          {"presentLabelsPreference": ["foo", "bar"]}                        | 100
          {"presentLabelsPreference": ["foo", "somelabel"]}                  | 50
          {"absentLabelsPreference": ["foo"]}                                | 0
          {"absentLabelsPreference": ["somelabel"]}                          | 100
          {"absentLabelsPreference": ["foo", "somelabel"]}                   | 50
          {"presentLabelsPreference": ["foo"], "absentLabelsPreference": ["somelabel"]} | 100
          {"presentLabelsPreference": ["somelabel"], "absentLabelsPreference": ["foo"]} | 0
          {"presentLabels": ["foo"]}                                         | 0
          """)
  void scoreIsTheShareOfSatisfiedPreferences(String json, long want) {
    Node node = fooBar();
    FrameworkImpl h = handle(node);
    NodeLabel p = new NodeLabel(args(json), h);

    assertThat(p.score(new CycleState(), Fixtures.pod("p").build(), "machine1")).isEqualTo(want);
  }

  @Test
  void aLabelBothWantedAndUnwantedIsAnArgumentError() {
    assertThatThrownBy(
            () ->
                new NodeLabel(
                    args("{\"presentLabels\": [\"foo\", \"bar\"], \"absentLabels\": [\"bar\"]}"),
                    null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "detecting at least one label (e.g., \"bar\") that exist in both the present([foo"
                + " bar]) and absent([bar]) label list");
    assertThatThrownBy(
            () ->
                new NodeLabel(
                    args(
                        "{\"presentLabelsPreference\": [\"foo\"],"
                            + " \"absentLabelsPreference\": [\"foo\"]}"),
                    null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "detecting at least one label (e.g., \"foo\") that exist in both the present([foo])"
                + " and absent([foo]) label list");
  }

  @Test
  void withoutArgumentsEveryNodeFitsAndScoresZero() {
    FrameworkImpl h = handle(fooBar());
    NodeLabel p = new NodeLabel(PluginArgs.NONE, h);

    assertThat(p.name()).isEqualTo("NodeLabel");
    assertThat(p.filter(new CycleState(), Fixtures.pod("p").build(), nodeInfo(fooBar())))
        .isEqualTo(Status.SUCCESS);
    assertThat(p.score(new CycleState(), Fixtures.pod("p").build(), "machine1")).isZero();
  }

  private FrameworkImpl handle(Node... nodes) {
    return PluginHandles.builder(Snapshot.of(List.of(), List.of(nodes)), parallelizer).build();
  }
}
