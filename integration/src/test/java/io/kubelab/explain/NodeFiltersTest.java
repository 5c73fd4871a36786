package io.kubelab.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One node's filter verdicts: a plugin-ordered map, replaced in place, snapshots independent. */
class NodeFiltersTest {

  private static final Decision.Outcome OK = new Decision.Outcome("Success", "");
  private static final Decision.Outcome NO =
      new Decision.Outcome("Unschedulable", "node(s) didn't match node selector");

  @Test
  void verdictsKeepTheReportingOrderAndALaterVerdictReplacesInPlace() {
    NodeFilters f = new NodeFilters();
    assertThat(f.first()).isNull();
    f.put("NodeUnschedulable", OK);
    f.put("NodeAffinity", NO);
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
    assertThat(f.first()).isEqualTo("NodeUnschedulable");
    assertThatThrownBy(() -> snap.put("x", OK)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aSnapshotDoesNotChangeWhenTheNodeIsFilteredAgainAndManyPluginsFit() {
    NodeFilters f = new NodeFilters();
    for (int i = 0; i < 30; i++) {
      f.put("plugin-" + i, OK);
    }
    Map<String, Decision.Outcome> before = f.snapshot();
    f.clear();
    assertThat(f.first()).isNull();
    f.put("plugin-0", NO);
    assertThat(before).hasSize(30).containsEntry("plugin-29", OK).containsEntry("plugin-0", OK);
    assertThat(f.snapshot()).containsExactly(Map.entry("plugin-0", NO));
  }
}
