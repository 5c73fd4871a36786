package io.kubelab.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelab.scheduler.algorithm.NodeScoreList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A plugin's scores as a map: the same entries, order and answers as a plain ordered map. */
class ScoreMapTest {

  @Test
  void itIsTheOrderedMapOfTheListsScores() {
    NodeScoreList raw = new NodeScoreList(new String[] {"n2", "n1", "n3"}, new long[] {7, 0, 42});
    ScoreMap.Nodes nodes = ScoreMap.Nodes.of(raw);
    ScoreMap m = ScoreMap.copyOf(nodes, raw);
    Map<String, Long> expected = new LinkedHashMap<>();
    expected.put("n2", 7L);
    expected.put("n1", 0L);
    expected.put("n3", 42L);

    assertThat(m).isEqualTo(expected);
    assertThat(m.keySet()).containsExactly("n2", "n1", "n3");
    assertThat(m.get("n3")).isEqualTo(42L);
    assertThat(m.get("n9")).isNull();
    assertThat(m.containsKey("n1")).isTrue();
    assertThat(m.hashCode()).isEqualTo(expected.hashCode());
    assertThatThrownBy(() -> m.put("n1", 1L)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void itKeepsTheScoresOfWhenItWasMadeAndSharesOnlyTheNames() {
    NodeScoreList raw = new NodeScoreList(new String[] {"a", "b"}, new long[] {1, 2});
    ScoreMap.Nodes nodes = ScoreMap.Nodes.of(raw);
    ScoreMap first = ScoreMap.copyOf(nodes, raw);
    raw.setScore(0, 99);
    ScoreMap second = ScoreMap.copyOf(nodes, raw);
    assertThat(first.get("a")).isEqualTo(1L);
    assertThat(second.get("a")).isEqualTo(99L);
    assertThat(nodes.sameAs(raw)).isTrue();
    assertThat(nodes.sameAs(new NodeScoreList(new String[] {"b", "a"}, new long[] {1, 2})))
        .isFalse();
    assertThat(nodes.sameAs(new NodeScoreList(new String[] {"a"}, new long[] {1}))).isFalse();
  }

  @Test
  void anOwningMapReadsTheListItWasGivenWithoutCopying() {
    NodeScoreList raw = new NodeScoreList(new String[] {"a", "b"}, new long[] {1, 2});
    ScoreMap owning = ScoreMap.owning(ScoreMap.Nodes.of(raw), raw);
    raw.setScore(1, 5);
    assertThat(owning).containsExactly(Map.entry("a", 1L), Map.entry("b", 5L));
  }
}
