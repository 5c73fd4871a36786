package io.kubelab.scheduler.queue;

import io.kubelab.scheduler.framework.PodInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A binary heap of pods that can also find, replace and remove a pod by its key.
 *
 * <p>Upstream: {@code pkg/scheduler/internal/heap/heap.go} (v1.18), a {@code container/heap} over a
 * slice plus a map from key ({@code namespace/name}) to slot. {@link #add} of a key already held
 * replaces the entry and restores the order, as upstream's {@code Add} and {@code Update} do. Not
 * thread-safe: the {@link PriorityQueue}'s lock guards it.
 */
final class PodHeap {

  /** {@code lessFunc}: true when {@code a} belongs above {@code b}. */
  @FunctionalInterface
  interface Less {
    boolean less(PodInfo a, PodInfo b);
  }

  private final Less less;
  private final List<Entry> items = new ArrayList<>();
  private final Map<String, Entry> byKey = new HashMap<>();

  private static final class Entry {
    final String key;
    PodInfo info;
    int index;

    Entry(String key, PodInfo info, int index) {
      this.key = key;
      this.info = info;
      this.index = index;
    }
  }

  PodHeap(Less less) {
    this.less = less;
  }

  /** Adds the pod, or replaces the one with the same key and moves it to its new place. */
  void add(PodInfo info) {
    String key = PodKeys.key(info.pod());
    Entry e = byKey.get(key);
    if (e != null) {
      e.info = info;
      fix(e.index);
      return;
    }
    e = new Entry(key, info, items.size());
    items.add(e);
    byKey.put(key, e);
    up(e.index);
  }

  /** The entry with this key, or null. */
  PodInfo get(String key) {
    Entry e = byKey.get(key);
    return e == null ? null : e.info;
  }

  boolean contains(String key) {
    return byKey.containsKey(key);
  }

  /**
   * Removes the entry with this key, if there is one (upstream returns "object not found", which
   * every caller here would ignore).
   */
  void delete(String key) {
    Entry e = byKey.remove(key);
    if (e == null) {
      return;
    }
    int i = e.index;
    int last = items.size() - 1;
    swap(i, last);
    items.remove(last);
    if (i < items.size()) {
      fix(i);
    }
  }

  /** The head without removing it, or null when empty. */
  PodInfo peek() {
    return items.isEmpty() ? null : items.get(0).info;
  }

  /** Removes and returns the head; the heap must not be empty. */
  PodInfo pop() {
    Entry head = items.get(0);
    delete(head.key);
    return head.info;
  }

  /** Every entry, in no particular order. */
  List<PodInfo> list() {
    List<PodInfo> out = new ArrayList<>(items.size());
    for (Entry e : items) {
      out.add(e.info);
    }
    return out;
  }

  int size() {
    return items.size();
  }

  private void fix(int i) {
    if (!up(i)) {
      down(i);
    }
  }

  /** Moves slot {@code i} up while it is less than its parent; true if it moved. */
  private boolean up(int i) {
    int start = i;
    while (i > 0) {
      int parent = (i - 1) / 2;
      if (!less.less(items.get(i).info, items.get(parent).info)) {
        break;
      }
      swap(i, parent);
      i = parent;
    }
    return i != start;
  }

  private void down(int i) {
    int n = items.size();
    while (true) {
      int left = 2 * i + 1;
      if (left >= n) {
        return;
      }
      int child = left;
      int right = left + 1;
      if (right < n && less.less(items.get(right).info, items.get(left).info)) {
        child = right;
      }
      if (!less.less(items.get(child).info, items.get(i).info)) {
        return;
      }
      swap(i, child);
      i = child;
    }
  }

  private void swap(int i, int j) {
    Entry a = items.get(i);
    Entry b = items.get(j);
    items.set(i, b);
    items.set(j, a);
    a.index = j;
    b.index = i;
  }
}
