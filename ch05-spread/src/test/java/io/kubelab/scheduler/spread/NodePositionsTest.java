package io.kubelab.scheduler.spread;

import static io.kubelab.scheduler.spread.Objects.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubelab.scheduler.cache.NodeInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The identity table from a NodeInfo to its position in one list. */
class NodePositionsTest {

  private static NodeInfo info(String name) {
    NodeInfo ni = new NodeInfo();
    ni.setNode(node(name, Map.of()));
    return ni;
  }

  @Test
  void everyNodeInfoOfAListIsFoundAtItsPositionAcrossManyCollisions() {
    List<NodeInfo> nodes = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      nodes.add(info("n" + i));
    }
    NodePositions p = new NodePositions(nodes);
    assertThat(p.size()).isEqualTo(5000);
    for (int i = 0; i < nodes.size(); i++) {
      assertThat(p.get(nodes.get(i))).as("n%d", i).isEqualTo(i);
    }
  }

  @Test
  void anotherObjectForTheSameNodeIsNotFound() {
    NodeInfo a = info("a");
    NodePositions p = new NodePositions(List.of(a, info("b")));
    // A clone describes the same node, but the table is by identity: the caller goes by name.
    assertThat(p.get(a.clone())).isEqualTo(-1);
    assertThat(p.get(info("a"))).isEqualTo(-1);
    assertThat(p.get(null)).isEqualTo(-1);
  }

  @Test
  void aNodeInfoListedTwiceIsAtItsFirstPositionAndNullsAreSkipped() {
    NodeInfo a = info("a");
    NodeInfo b = info("b");
    NodePositions p = new NodePositions(Arrays.asList(b, null, a, b));
    assertThat(p.get(a)).isEqualTo(2);
    assertThat(p.get(b)).isZero();
    assertThat(p.size()).isEqualTo(4);
    NodePositions empty = new NodePositions(List.of());
    assertThat(empty.get(a)).isEqualTo(-1);
    assertThat(empty.size()).isZero();
  }
}
