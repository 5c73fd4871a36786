package io.kubelab.explain;

import io.kubelab.scheduler.algorithm.NodeScoreList;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One plugin's scores as an unmodifiable node → score map, in the list's node order, without a hash
 * map of its own: the scores are a {@code long[]}, and the node names and their positions are
 * shared by every plugin's map of the same cycle ({@link Nodes}). Recording a cycle's scores this
 * way costs an array copy per plugin instead of a map entry per node and plugin.
 */
final class ScoreMap extends AbstractMap<String, Long> {

  /** The nodes one cycle scored, and where each stands. */
  static final class Nodes {
    private final String[] names;
    private Map<String, Integer> index;

    private Nodes(String[] names) {
      this.names = names;
    }

    /** The names of {@code list}, in order. */
    static Nodes of(NodeScoreList list) {
      String[] names = new String[list.size()];
      for (int i = 0; i < names.length; i++) {
        names[i] = list.name(i);
      }
      return new Nodes(names);
    }

    /** Whether {@code list} names exactly these nodes, in this order. */
    boolean sameAs(NodeScoreList list) {
      if (list.size() != names.length) {
        return false;
      }
      for (int i = 0; i < names.length; i++) {
        String name = list.name(i); // usually the very same string: the framework shares names
        if (name != names[i] && !names[i].equals(name)) {
          return false;
        }
      }
      return true;
    }

    private synchronized Integer position(Object name) {
      if (index == null) {
        index = new HashMap<>(names.length * 2);
        for (int i = 0; i < names.length; i++) {
          index.putIfAbsent(names[i], i);
        }
      }
      return index.get(name);
    }
  }

  private final Nodes nodes;
  private final NodeScoreList scores;

  private ScoreMap(Nodes nodes, NodeScoreList scores) {
    this.nodes = nodes;
    this.scores = scores;
  }

  /** The scores of {@code list} as they are now (copied); its names must be {@code nodes}'. */
  static ScoreMap copyOf(Nodes nodes, NodeScoreList list) {
    return new ScoreMap(nodes, list.copy());
  }

  /**
   * The scores of {@code list} without copying them, for a list nobody changes any more (the
   * framework hands a recorder copies of its lists); its names must be {@code nodes}'.
   */
  static ScoreMap owning(Nodes nodes, NodeScoreList list) {
    return new ScoreMap(nodes, list);
  }

  @Override
  public int size() {
    return scores.size();
  }

  @Override
  public boolean containsKey(Object key) {
    return nodes.position(key) != null;
  }

  @Override
  public Long get(Object key) {
    Integer i = nodes.position(key);
    return i == null ? null : scores.score(i);
  }

  @Override
  public Set<Map.Entry<String, Long>> entrySet() {
    return new ArrayEntrySet<>(nodes.names, scores.size(), scores::score);
  }
}
