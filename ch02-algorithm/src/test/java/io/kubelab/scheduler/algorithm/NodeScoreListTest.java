package io.kubelab.scheduler.algorithm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelab.scheduler.cache.NodeInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scheduler's row of scores: by position, copies independent of their source. */
class NodeScoreListTest {

  @Test
  void aListMadeWithNodeInfosHandsThemOutButItsCopiesDoNot() {
    NodeInfo a = new NodeInfo();
    NodeInfo b = new NodeInfo();
    NodeScoreList l = NodeScoreList.sharingNames(new String[] {"a", "b"}, new NodeInfo[] {a, b});
    assertThat(l.nodeInfo(0)).isSameAs(a);
    assertThat(l.nodeInfo(1)).isSameAs(b);
    assertThat(l.copy().nodeInfo(1)).isNull(); // a record holds no live NodeInfo
    // Not part of the value: equal to the same scores without them.
    assertThat(l).isEqualTo(new NodeScoreList(new String[] {"a", "b"}, new long[] {0, 0}));
    assertThat(NodeScoreList.sharingNames(new String[] {"a"}).nodeInfo(0)).isNull();
    assertThat(new NodeScoreList(List.of("a")).nodeInfo(0)).isNull();
    assertThatThrownBy(() -> NodeScoreList.sharingNames(new String[] {"a"}, new NodeInfo[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("names and NodeInfos differ in length: 1 != 0");
  }

  @Test
  void aCopyHasTheSameNodesAndScoresAndItsOwnScores() {
    NodeScoreList l = new NodeScoreList(new String[] {"n1", "n2"}, new long[] {10, 20});
    NodeScoreList c = l.copy();
    l.setScore(0, 99);
    c.setScore(1, 7);

    assertThat(c.size()).isEqualTo(2);
    assertThat(c.name(0)).isSameAs(l.name(0));
    assertThat(c.name(1)).isEqualTo("n2");
    assertThat(c.scores()).containsExactly(10, 7);
    assertThat(l.scores()).containsExactly(99, 20);
  }

  @Test
  void newListsStartAtZeroAndTheArraysGivenAreCopied() {
    String[] names = {"a", "b", "c"};
    long[] scores = {1, 2, 3};
    NodeScoreList l = new NodeScoreList(names, scores);
    names[0] = "z";
    scores[0] = 42;
    assertThat(l.name(0)).isEqualTo("a");
    assertThat(l.score(0)).isEqualTo(1);
    assertThat(l.maxScore()).isEqualTo(3);
    assertThat(new NodeScoreList(List.of("x", "y")).scores()).containsExactly(0, 0);
    assertThat(new NodeScoreList(List.of()).maxScore()).isZero();
    assertThatThrownBy(() -> new NodeScoreList(new String[] {"a"}, new long[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("names and scores differ in length: 1 != 2");
  }
}
