package io.kubelab.scheduler.algorithm;

import io.kubelab.scheduler.cache.NodeInfo;
import java.util.Arrays;
import java.util.List;

/**
 * One score per node, by position: a row of the scheduler's results table.
 *
 * <p>Upstream: {@code framework.NodeScoreList} ({@code []NodeScore{Name, Score}}). Two parallel
 * arrays instead of a list of objects: map functions write disjoint slots from many threads without
 * locks, and reduce functions rewrite them in place.
 */
public final class NodeScoreList {

  /** {@code framework.MaxNodeScore}: the top of the score scale in v1.17 and later. */
  public static final long MAX_NODE_SCORE = 100;

  /** {@code framework.MinNodeScore}. */
  public static final long MIN_NODE_SCORE = 0;

  private final String[] names;
  private final long[] scores;
  // The nodes' NodeInfos, index for index, when the list was made from them (else null): lets a
  // reduce read a node without looking it up by name. Not part of the list's value.
  private final NodeInfo[] nodeInfos;

  /** A list of zero scores for these node names. */
  public NodeScoreList(List<String> nodeNames) {
    this.names = nodeNames.toArray(new String[0]);
    this.scores = new long[names.length];
    this.nodeInfos = null;
  }

  /**
   * A list of zero scores for these node names that shares the array instead of copying it, for a
   * caller that makes one list per plugin over the same nodes. The caller must not change {@code
   * names} afterwards.
   */
  public static NodeScoreList sharingNames(String[] names) {
    return new NodeScoreList(names, new long[names.length], false, null);
  }

  /**
   * {@link #sharingNames(String[])} for nodes whose NodeInfos the caller holds, {@code
   * nodeInfos[i]} being node {@code names[i]}'s in the cycle's snapshot: {@link #nodeInfo} then
   * hands them to a reduce. Both arrays are shared.
   */
  public static NodeScoreList sharingNames(String[] names, NodeInfo[] nodeInfos) {
    if (nodeInfos.length != names.length) {
      throw new IllegalArgumentException(
          "names and NodeInfos differ in length: " + names.length + " != " + nodeInfos.length);
    }
    return new NodeScoreList(names, new long[names.length], false, nodeInfos);
  }

  private NodeScoreList(String[] names, long[] scores, boolean copy, NodeInfo[] nodeInfos) {
    this.names = copy ? names.clone() : names;
    this.scores = copy ? scores.clone() : scores;
    this.nodeInfos = nodeInfos;
  }

  /** A list with the given names and scores (copied). */
  public NodeScoreList(String[] names, long[] scores) {
    if (names.length != scores.length) {
      throw new IllegalArgumentException(
          "names and scores differ in length: " + names.length + " != " + scores.length);
    }
    this.names = names.clone();
    this.scores = scores.clone();
    this.nodeInfos = null;
  }

  public int size() {
    return names.length;
  }

  public String name(int i) {
    return names[i];
  }

  /** Node {@code i}'s NodeInfo when the list was made with them, else null. */
  public NodeInfo nodeInfo(int i) {
    return nodeInfos == null ? null : nodeInfos[i];
  }

  public long score(int i) {
    return scores[i];
  }

  public void setScore(int i, long score) {
    scores[i] = score;
  }

  /** The highest score, or 0 for an empty list. */
  public long maxScore() {
    long max = 0;
    for (long s : scores) {
      max = Math.max(max, s);
    }
    return max;
  }

  /**
   * A copy of this list: its own scores, the same names. Names never change after a list is made,
   * so the copy shares them. A copy is a record: it carries no NodeInfos (they are live objects the
   * cache updates in place).
   */
  public NodeScoreList copy() {
    return new NodeScoreList(names, scores.clone(), false, null);
  }

  /** A copy of the scores. */
  public long[] scores() {
    return scores.clone();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < names.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(names[i]).append('=').append(scores[i]);
    }
    return sb.append(']').toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeScoreList l
        && Arrays.equals(l.names, names)
        && Arrays.equals(l.scores, scores);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(names) + Arrays.hashCode(scores);
  }
}
