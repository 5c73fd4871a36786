package io.kubelab.explain;

import java.util.AbstractMap;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * One node's filter verdicts while a cycle runs: plugin names and outcomes in two small arrays, in
 * the order the plugins reported. A node is filtered by about fifteen plugins, so a linear search
 * is cheaper than a hash map per node. {@link #snapshot} shares the arrays: entries are only ever
 * appended beyond a snapshot's size, and a replacement in place copies them first. Not thread-safe:
 * one thread records into it at a time.
 */
final class NodeFilters {

  // v1.18's default profile has 15 Filter plugins.
  private String[] plugins = new String[16];
  private Decision.Outcome[] outcomes = new Decision.Outcome[16];
  private int size;
  private boolean shared; // a snapshot reads the arrays up to its size

  /** Appends {@code plugin}'s outcome: for a run of the filters, where each plugin reports once. */
  void add(String plugin, Decision.Outcome outcome) {
    if (size == plugins.length) {
      plugins = Arrays.copyOf(plugins, size * 2);
      outcomes = Arrays.copyOf(outcomes, size * 2);
      shared = false;
    }
    plugins[size] = plugin;
    outcomes[size] = outcome;
    size++;
  }

  /** Records {@code plugin}'s outcome, replacing an earlier one of the same plugin in place. */
  void put(String plugin, Decision.Outcome outcome) {
    for (int i = 0; i < size; i++) {
      if (plugins[i].equals(plugin)) {
        if (shared) {
          plugins = plugins.clone();
          outcomes = outcomes.clone();
          shared = false;
        }
        outcomes[i] = outcome;
        return;
      }
    }
    add(plugin, outcome);
  }

  /** The verdicts now, as an unmodifiable plugin → outcome map in reporting order. */
  Map<String, Decision.Outcome> snapshot() {
    shared = true;
    return new Snapshot(plugins, outcomes, size);
  }

  /** An unmodifiable map over two arrays. */
  private static final class Snapshot extends AbstractMap<String, Decision.Outcome> {
    private final String[] keys;
    private final Decision.Outcome[] values;
    private final int size;

    Snapshot(String[] keys, Decision.Outcome[] values, int size) {
      this.keys = keys;
      this.values = values;
      this.size = size;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public Decision.Outcome get(Object key) {
      for (int i = 0; i < size; i++) {
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
      return new ArrayEntrySet<>(keys, size, i -> values[i]);
    }
  }
}
