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
  void theDemoSchedulesThroughTheExtender() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SampleExtender.demo(new PrintStream(out, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text)
        .contains("train-2   gpu-2   2 of 4 nodes passed the extender's filter")
        .contains("train-4   gpu-2   1 of 4 nodes passed the extender's filter")
        .contains("train-8   <none>  0/4 nodes are available: ")
        .contains("web       ")
        .contains("the extender is not interested (no nvidia.com/gpu requested): a tie of 4");
  }
}
