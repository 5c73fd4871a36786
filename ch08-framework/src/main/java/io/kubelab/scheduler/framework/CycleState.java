package io.kubelab.scheduler.framework;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Scratch space for one scheduling cycle of one pod, shared by every plugin: PreFilter writes what
 * Filter reads, PreScore what Score reads.
 *
 * <p>Upstream: {@code CycleState}, {@code NotFound} and {@code NewCycleState} in {@code
 * pkg/scheduler/framework/v1alpha1/cycle_state.go} (v1.18). As upstream, {@link #read}, {@link
 * #write} and {@link #delete} do not lock: a plugin that writes while other threads read (Filter
 * and Score run on many nodes at once) takes {@link #writeLock()} or {@link #readLock()} itself.
 * Plugins are trusted: any plugin may read, change or delete another's data.
 *
 * <p>A cycle may also carry a {@link CycleRecorder}, to which the framework reports every extension
 * point's results as they happen. {@link #clone()} keeps it, since the clones the generic scheduler
 * makes for nominated pods are part of the real decision; preemption's dry runs drop it ({@link
 * #cloneWithoutRecorder()}). Not in upstream, which records metrics instead.
 */
public final class CycleState {

  /** {@code NotFound}: the message of a read of an absent key. */
  public static final String NOT_FOUND = "not found";

  // Upstream's storage map, as two arrays in write order: a cycle holds about ten entries, one per
  // plugin that keeps state, under constant keys, so a scan that compares references first finds
  // one sooner than a hash lookup, and a clone (preemption makes one per node and trial) is two
  // array copies instead of a rehash of every entry.
  private String[] keys;
  private StateData[] values;
  private int size;
  // Made on first use: most cycles and their clones never lock.
  private ReentrantReadWriteLock lock;
  private boolean recordPluginMetrics;
  private CycleRecorder recorder;
  // Bit i: the framework's i-th Filter plugin passes every node in this cycle (set after
  // PreFilter).
  private long filtersPassingEveryNode;

  /** {@code NewCycleState()}: empty, no recorder. */
  public CycleState() {
    this(8);
  }

  private CycleState(int capacity) {
    this.keys = new String[Math.max(capacity, 1)];
    this.values = new StateData[keys.length];
  }

  private int indexOf(String key) {
    for (int i = 0; i < size; i++) {
      if (keys[i] == key) {
        return i;
      }
    }
    for (int i = 0; i < size; i++) {
      if (keys[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  /** Thrown by {@link #read} when nothing is stored under the key; its message is "not found". */
  public static final class NotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotFoundException() {
      super(NOT_FOUND);
    }
  }

  /**
   * {@code Read}: the data stored under {@code key}. Does not lock.
   *
   * @throws NotFoundException when nothing is stored there
   */
  public StateData read(String key) {
    int i = indexOf(key);
    StateData v = i < 0 ? null : values[i];
    if (v == null) {
      throw new NotFoundException();
    }
    return v;
  }

  /** {@code Write}: stores {@code value} under {@code key}, replacing what was there. No lock. */
  public void write(String key, StateData value) {
    int i = indexOf(Objects.requireNonNull(key, "key"));
    if (i < 0) {
      if (size == keys.length) {
        keys = Arrays.copyOf(keys, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      i = size++;
      keys[i] = key;
    }
    values[i] = value;
  }

  /** {@code Delete}. No lock. */
  public void delete(String key) {
    int i = indexOf(key);
    if (i >= 0) {
      size--;
      System.arraycopy(keys, i + 1, keys, i, size - i);
      System.arraycopy(values, i + 1, values, i, size - i);
      keys[size] = null;
      values[size] = null;
    }
  }

  /** {@code Lock}/{@code Unlock}: the write lock. */
  public Lock writeLock() {
    return lock().writeLock();
  }

  /** {@code RLock}/{@code RUnlock}: the read lock. */
  public Lock readLock() {
    return lock().readLock();
  }

  private synchronized ReentrantReadWriteLock lock() {
    if (lock == null) {
      lock = new ReentrantReadWriteLock();
    }
    return lock;
  }

  /**
   * {@code Clone}: a new state holding each value's {@link StateData#clone()}, with the same
   * recorder and metrics flag.
   */
  @Override
  public CycleState clone() {
    CycleState copy = new CycleState(keys.length);
    System.arraycopy(keys, 0, copy.keys, 0, size);
    for (int i = 0; i < size; i++) {
      copy.values[i] = values[i] == null ? null : values[i].clone();
    }
    copy.size = size;
    copy.recordPluginMetrics = recordPluginMetrics;
    copy.recorder = recorder;
    copy.filtersPassingEveryNode = filtersPassingEveryNode;
    return copy;
  }

  /**
   * The Filter plugins (bit i: the framework's i-th) that {@link
   * FilterPlugin#filterPassesEveryNode} for this cycle's pod: not called on the nodes. Not upstream
   * (v1.18); the framework's own.
   */
  long filtersPassingEveryNode() {
    return filtersPassingEveryNode;
  }

  void setFiltersPassingEveryNode(long mask) {
    this.filtersPassingEveryNode = mask;
  }

  /**
   * A {@link #clone()} that reports to no recorder: for what-if evaluations such as preemption's,
   * whose filter runs are not the decision being explained.
   */
  public CycleState cloneWithoutRecorder() {
    CycleState copy = clone();
    copy.recorder = null;
    return copy;
  }

  /** {@code ShouldRecordPluginMetrics}. */
  public boolean shouldRecordPluginMetrics() {
    return recordPluginMetrics;
  }

  /** {@code SetRecordPluginMetrics}. */
  public void setRecordPluginMetrics(boolean flag) {
    this.recordPluginMetrics = flag;
  }

  /** The recorder this cycle reports to, or null. */
  public CycleRecorder recorder() {
    return recorder;
  }

  /** Attaches a recorder (null detaches); set it before the cycle starts. */
  public void setRecorder(CycleRecorder recorder) {
    this.recorder = recorder;
  }
}
