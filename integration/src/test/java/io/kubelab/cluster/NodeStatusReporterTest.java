package io.kubelab.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.kubelet.events.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The conditions a kubelet reports on its node, as upstream's setters compute them. */
class NodeStatusReporterTest {

  private final FakeClock clock = new FakeClock(Instant.parse("2020-04-01T10:00:00Z"));
  private final List<Event> events = new ArrayList<>();
  private boolean memoryPressure;

  private NodeStatusReporter reporter() {
    return new NodeStatusReporter(
        null, "node-a", clock, events::add, () -> memoryPressure, () -> false, () -> false);
  }

  private static Node node(String... capacities) {
    NodeBuilder b = new NodeBuilder().withNewMetadata().withName("node-a").endMetadata();
    b.withNewStatus().endStatus();
    Node n = b.build();
    for (String c : capacities) {
      n.getStatus().getCapacity().put(c, new Quantity("1"));
    }
    return n;
  }

  private static String show(List<NodeCondition> cs) {
    return cs.stream()
        .map(c -> c.getType() + "=" + c.getStatus() + " " + c.getReason() + ": " + c.getMessage())
        .toList()
        .toString();
  }

  @Test
  void aNodeWithEveryCapacityIsReadyAndWithoutPressure() {
    List<NodeCondition> cs =
        reporter()
            .conditions(node("cpu", "memory", "pods", "ephemeral-storage"), List.of(), clock.now());
    assertThat(show(cs))
        .isEqualTo(
            "[MemoryPressure=False KubeletHasSufficientMemory: kubelet has sufficient memory available,"
                + " DiskPressure=False KubeletHasNoDiskPressure: kubelet has no disk pressure,"
                + " PIDPressure=False KubeletHasSufficientPID: kubelet has sufficient PID available,"
                + " Ready=True KubeletReady: kubelet is posting ready status]");
    assertThat(cs).allMatch(c -> c.getLastHeartbeatTime().equals("2020-04-01T10:00:00Z"));
    // a new pressure condition starts Unknown, so its first status is an event; a new Ready is not
    assertThat(events)
        .extracting(Event::reason)
        .containsExactly(
            "NodeHasSufficientMemory", "NodeHasNoDiskPressure", "NodeHasSufficientPID");
    assertThat(events.get(0).message())
        .isEqualTo("Node node-a status is now: NodeHasSufficientMemory");
  }

  @Test
  void aMissingCapacityMakesTheNodeNotReadyNamingIt() {
    NodeCondition ready = reporter().conditions(node("cpu", "pods"), List.of(), clock.now()).get(3);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("KubeletNotReady");
    assertThat(ready.getMessage())
        .isEqualTo("missing node capacity for resources: memory, ephemeral-storage");
  }

  @Test
  void onlyATransitionMovesTheTransitionTimeAndRecordsAnEvent() {
    NodeStatusReporter r = reporter();
    Node full = node("cpu", "memory", "pods", "ephemeral-storage");
    List<NodeCondition> first = r.conditions(full, List.of(), clock.now());
    events.clear();

    clock.step(Duration.ofSeconds(10));
    List<NodeCondition> same = r.conditions(full, first, clock.now());
    assertThat(events).isEmpty();
    assertThat(same.get(3).getLastTransitionTime()).isEqualTo("2020-04-01T10:00:00Z");
    assertThat(same.get(3).getLastHeartbeatTime()).isEqualTo("2020-04-01T10:00:10Z");
    assertThat(NodeStatusReporter.changed(first, same)).as("heartbeats alone").isFalse();

    clock.step(Duration.ofSeconds(10));
    memoryPressure = true;
    List<NodeCondition> pressed = r.conditions(node("cpu", "pods"), same, clock.now());
    assertThat(pressed.get(0).getReason()).isEqualTo("KubeletHasInsufficientMemory");
    assertThat(pressed.get(0).getLastTransitionTime()).isEqualTo("2020-04-01T10:00:20Z");
    assertThat(pressed.get(3).getStatus()).isEqualTo("False");
    assertThat(events)
        .extracting(Event::reason)
        .containsExactly("NodeHasInsufficientMemory", "NodeNotReady");
    assertThat(NodeStatusReporter.changed(same, pressed)).isTrue();
    assertThat(NodeStatusReporter.changed(same.subList(0, 3), same)).as("Ready new").isTrue();

    // a condition the kubelet does not set is left alone and does not count
    List<NodeCondition> withOther = new ArrayList<>(same);
    withOther.add(
        0,
        new io.fabric8.kubernetes.api.model.NodeConditionBuilder()
            .withType("NetworkUnavailable")
            .withStatus("False")
            .withReason("RouteCreated")
            .build());
    assertThat(NodeStatusReporter.changed(withOther, same)).isFalse();
  }
}
