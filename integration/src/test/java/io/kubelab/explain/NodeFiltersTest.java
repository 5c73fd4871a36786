package io.kubelab.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One node's filter verdicts: a plugin-ordered map, replaced in place, snapshots independent of
 * what is recorded after them.
 */
class NodeFiltersTest {

  private static final Decision.Outcome OK = new Decision.Outcome("Success", "");
  private static final Decision.Outcome NO =
      new Decision.Outcome("Unschedulable", "node(s) didn't match node selector");

  @Test
  void verdictsKeepTheReportingOrderAndALaterVerdictReplacesInPlace() {
    NodeFilters f = new NodeFilters();
    assertThat(f.snapshot()).isEmpty();
    f.add("NodeUnschedulable", OK);
    f.add("NodeAffinity", NO);
    f.put("NodeUnschedulable", NO);
    Map<String, Decision.Outcome> expected = new LinkedHashMap<>();
    expected.put("NodeUnschedulable", NO);
    expected.put("NodeAffinity", NO);

    Map<String, Decision.Outcome> snap = f.snapshot();
    assertThat(snap).isEqualTo(expected);
    assertThat(snap.keySet()).containsExactly("NodeUnschedulable", "NodeAffinity");
    assertThat(snap.get("NodeAffinity")).isEqualTo(NO);
    assertThat(snap.get("TaintToleration")).isNull();
    assertThat(snap.containsKey("NodeUnschedulable")).isTrue();
    assertThat(snap.containsKey("TaintToleration")).isFalse();
    assertThatThrownBy(() -> snap.put("x", OK)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aSnapshotDoesNotSeeVerdictsAddedOrReplacedAfterIt() {
    NodeFilters f = new NodeFilters();
    f.add("NodeUnschedulable", OK);
    f.add("NodeAffinity", OK);
    Map<String, Decision.Outcome> before = f.snapshot();

    f.put("NodeAffinity", NO); // in place: the snapshot's arrays are copied first
    f.add("TaintToleration", NO); // beyond the snapshot's size
    f.put("VolumeZone", OK);

    assertThat(before)
        .containsExactly(Map.entry("NodeUnschedulable", OK), Map.entry("NodeAffinity", OK));
    assertThat(f.snapshot())
        .containsExactly(
            Map.entry("NodeUnschedulable", OK),
            Map.entry("NodeAffinity", NO),
            Map.entry("TaintToleration", NO),
            Map.entry("VolumeZone", OK));
  }

  @Test
  void manyPluginsGrowTheArraysWithoutChangingAnEarlierSnapshot() {
    NodeFilters f = new NodeFilters();
    for (int i = 0; i < 10; i++) {
      f.add("plugin-" + i, OK);
    }
    Map<String, Decision.Outcome> ten = f.snapshot();
    for (int i = 10; i < 30; i++) {
      f.add("plugin-" + i, NO);
    }
    f.put("plugin-0", NO);
    assertThat(ten).hasSize(10).containsEntry("plugin-0", OK).doesNotContainKey("plugin-10");
    assertThat(f.snapshot())
        .hasSize(30)
        .containsEntry("plugin-0", NO)
        .containsEntry("plugin-29", NO);
  }
}
