package io.kubelab.explain;

import java.util.AbstractMap;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * One node's filter verdicts while a cycle runs: plugin names and outcomes in two small arrays, in
 * the order the plugins reported. A node is filtered by about a dozen plugins, so a linear search
 * is cheaper than a hash map per node, and {@link #snapshot} copies two arrays instead of a map.
 * Not thread-safe: the recorder guards it.
 */
final class NodeFilters {

  private String[] plugins = new String[12];
  private Decision.Outcome[] outcomes = new Decision.Outcome[12];
  private int size;

  /** The first plugin recorded, or null when none is. */
  String first() {
    return size == 0 ? null : plugins[0];
  }

  /** Records {@code plugin}'s outcome, replacing an earlier one of the same plugin in place. */
  void put(String plugin, Decision.Outcome outcome) {
    for (int i = 0; i < size; i++) {
      if (plugins[i].equals(plugin)) {
        outcomes[i] = outcome;
        return;
      }
    }
    if (size == plugins.length) {
      plugins = Arrays.copyOf(plugins, size * 2);
      outcomes = Arrays.copyOf(outcomes, size * 2);
    }
    plugins[size] = plugin;
    outcomes[size] = outcome;
    size++;
  }

  /** Forgets every verdict. */
  void clear() {
    Arrays.fill(plugins, 0, size, null);
    Arrays.fill(outcomes, 0, size, null);
    size = 0;
  }

  /** The verdicts now, as an unmodifiable plugin → outcome map in reporting order. */
  Map<String, Decision.Outcome> snapshot() {
    return new Snapshot(Arrays.copyOf(plugins, size), Arrays.copyOf(outcomes, size));
  }

  /** An unmodifiable map over two arrays. */
  private static final class Snapshot extends AbstractMap<String, Decision.Outcome> {
    private final String[] keys;
    private final Decision.Outcome[] values;

    Snapshot(String[] keys, Decision.Outcome[] values) {
      this.keys = keys;
      this.values = values;
    }

    @Override
    public int size() {
      return keys.length;
    }

    @Override
    public Decision.Outcome get(Object key) {
      for (int i = 0; i < keys.length; i++) {
        if (keys[i].equals(key)) {
          return values[i];
        }
      }
      return null;
    }

    @Override
    public boolean containsKey(Object key) {
      return get(key) != null;
    }

    @Override
    public Set<Map.Entry<String, Decision.Outcome>> entrySet() {
      return new ArrayEntrySet<>(keys, keys.length, i -> values[i]);
    }
  }
}
