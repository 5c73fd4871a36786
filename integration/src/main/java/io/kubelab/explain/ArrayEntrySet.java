package io.kubelab.explain;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.IntFunction;

/**
 * The entries of an unmodifiable map kept as arrays: key {@code i} with value {@code value(i)}, in
 * array order. Shared by the recorder's array-backed maps ({@link ScoreMap}, {@link NodeFilters}).
 */
final class ArrayEntrySet<V> extends AbstractSet<Map.Entry<String, V>> {

  private final String[] keys;
  private final int size;
  private final IntFunction<V> value;

  ArrayEntrySet(String[] keys, int size, IntFunction<V> value) {
    this.keys = keys;
    this.size = size;
    this.value = value;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Iterator<Map.Entry<String, V>> iterator() {
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < size;
      }

      @Override
      public Map.Entry<String, V> next() {
        if (next >= size) {
          throw new NoSuchElementException();
        }
        int i = next++;
        return new AbstractMap.SimpleImmutableEntry<>(keys[i], value.apply(i));
      }
    };
  }
}
