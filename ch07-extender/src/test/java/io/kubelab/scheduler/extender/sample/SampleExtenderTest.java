package io.kubelab.scheduler.extender.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NodeList;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.extender.v1.ExtenderArgs;
import io.kubelab.scheduler.extender.v1.ExtenderFilterResult;
import io.kubelab.scheduler.extender.v1.HostPriority;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The sample extender: its two rules, and the demo the chapter runs. */
@Timeout(60)
class SampleExtenderTest {

  final GpuLabelExtender rules =
      new GpuLabelExtender("nvidia.com/gpu", "kubelab.io/preferred", "true");

  static ExtenderArgs args(int gpus) {
    NodeList nodes = new NodeList();
    nodes.setItems(
        List.of(
            Fixtures.node("small").scalar("nvidia.com/gpu", "1").build(),
            Fixtures.node("big")
                .scalar("nvidia.com/gpu", "4")
                .label("kubelab.io/preferred", "true")
                .build(),
            Fixtures.node("none").build()));
    return new ExtenderArgs(
        Fixtures.pod("p").request("nvidia.com/gpu", Integer.toString(gpus)).build(), nodes, null);
  }

  @Test
  void nodesWithFewerGpusThanRequestedAreFilteredOutWithTheirCount() {
    ExtenderFilterResult r = rules.filter(args(2));
    assertThat(r.nodes().getItems())
        .extracting(n -> n.getMetadata().getName())
        .containsExactly("big");
    assertThat(r.failedNodes())
        .containsEntry("small", "node(s) had 1 nvidia.com/gpu allocatable, the pod requests 2")
        .containsEntry("none", "node(s) had 0 nvidia.com/gpu allocatable, the pod requests 2")
        .hasSize(2);
    assertThat(rules.filter(args(1)).nodes().getItems()).hasSize(2);
  }

  @Test
  void labelledNodesScoreTenTheOthersZero() {
    assertThat(rules.prioritize(args(1)).hosts())
        .containsExactly(
            new HostPriority("small", 0), new HostPriority("big", 10), new HostPriority("none", 0));
  }

  @Test
  void withNodeNamesOnlyTheFilterAnswersWithAnError() {
    ExtenderFilterResult r = rules.filter(new ExtenderArgs(null, null, List.of("a")));
    assertThat(r.error())
        .isEqualTo("this extender needs full nodes: configure it without nodeCacheCapable");
  }

  @Test
  void aNodeWithoutStatusOrLabelsHasNoGpusAndIsNotPreferred() {
    io.fabric8.kubernetes.api.model.Node bare = Fixtures.node("bare").build();
    bare.setStatus(null);
    bare.getMetadata().setLabels(null);
    io.fabric8.kubernetes.api.model.Node noAllocatable = Fixtures.node("empty").build();
    noAllocatable.getStatus().setAllocatable(null);
    NodeList nodes = new NodeList();
    nodes.setItems(List.of(bare, noAllocatable));
    ExtenderArgs a =
        new ExtenderArgs(Fixtures.pod("p").request("nvidia.com/gpu", "1").build(), nodes, null);
    assertThat(rules.filter(a).failedNodes())
        .containsEntry("bare", "node(s) had 0 nvidia.com/gpu allocatable, the pod requests 1")
        .containsEntry("empty", "node(s) had 0 nvidia.com/gpu allocatable, the pod requests 1");
    assertThat(rules.prioritize(a).hosts())
        .containsExactly(new HostPriority("bare", 0), new HostPriority("empty", 0));
  }

  @Test
  void withNodeNamesOnlyPrioritizeFailsSoTheSchedulerIgnoresIt() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> rules.prioritize(new ExtenderArgs(null, null, List.of("a"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("this extender needs full nodes: configure it without nodeCacheCapable");
  }

  @Test
  void theCommandLineServesOnAPortOrRunsTheDemo() {
    assertThat(SampleExtender.Options.parse()).isEqualTo(new SampleExtender.Options(8888, false));
    assertThat(SampleExtender.Options.parse("--demo"))
        .isEqualTo(new SampleExtender.Options(8888, true));
    assertThat(SampleExtender.Options.parse("--port", "9000", "--demo"))
        .isEqualTo(new SampleExtender.Options(9000, true));
    assertThat(SampleExtender.Options.parse("--port", "0"))
        .isEqualTo(new SampleExtender.Options(0, false));
    assertThat(SampleExtender.Options.parse("--port", "65535").port()).isEqualTo(65535);
  }

  @Test
  void badArgumentsSayWhatIsWrong() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SampleExtender.Options.parse("--port"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--port needs a number");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> SampleExtender.Options.parse("--port", "http"))
        .hasMessage("--port: not a number: http");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> SampleExtender.Options.parse("--port", "65536"))
        .hasMessage("--port: not a TCP port: 65536");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> SampleExtender.Options.parse("--port", "-1"))
        .hasMessage("--port: not a TCP port: -1");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> SampleExtender.Options.parse("--demo", "--verbose"))
        .hasMessage("unknown argument --verbose");
  }

  static java.util.Set<String> clientThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("extender-client-"))
        .collect(java.util.stream.Collectors.toSet());
  }

  @Test
  void theDemoSchedulesThroughTheExtender() {
    java.util.Set<String> before = clientThreads();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SampleExtender.demo(new PrintStream(out, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(clientThreads()).as("the demo closes its extender clients").isSubsetOf(before);
    assertThat(text.lines().toList())
        .startsWith(
            text.lines().findFirst().orElseThrow(),
            "It filters out nodes with fewer nvidia.com/gpu than a pod requests and prefers nodes"
                + " labelled kubelab.io/preferred=true.",
            "The scheduler runs no predicates or priorities of its own: the extender decides.",
            "",
            "POD       NODE    WHY");
    assertThat(text)
        .matches("(?s)The sample extender listens on http://127\\.0\\.0\\.1:\\d+/sample\\.\n.*");
    assertThat(text)
        .contains("train-2   gpu-2   2 of 4 nodes passed the extender's filter")
        .contains("train-4   gpu-2   1 of 4 nodes passed the extender's filter")
        .contains("train-8   <none>  0/4 nodes are available: ")
        .contains("web       ")
        .contains("the extender is not interested (no nvidia.com/gpu requested): a tie of 4");
  }
}
