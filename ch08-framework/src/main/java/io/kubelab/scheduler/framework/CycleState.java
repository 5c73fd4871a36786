package io.kubelab.scheduler.framework;

import java.util.HashMap;
import java.util.Map;
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

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<String, StateData> storage;
  private boolean recordPluginMetrics;
  private CycleRecorder recorder;
  // Bit i: the framework's i-th Filter plugin passes every node in this cycle (set after
  // PreFilter).
  private long filtersPassingEveryNode;

  /** {@code NewCycleState()}: empty, no recorder. */
  public CycleState() {
    this.storage = new HashMap<>();
  }

  private CycleState(int capacity) {
    this.storage = new HashMap<>(capacity * 2 + 1);
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
    StateData v = storage.get(key);
    if (v == null) {
      throw new NotFoundException();
    }
    return v;
  }

  /** {@code Write}: stores {@code value} under {@code key}, replacing what was there. No lock. */
  public void write(String key, StateData value) {
    storage.put(key, value);
  }

  /** {@code Delete}. No lock. */
  public void delete(String key) {
    storage.remove(key);
  }

  /** {@code Lock}/{@code Unlock}: the write lock. */
  public Lock writeLock() {
    return lock.writeLock();
  }

  /** {@code RLock}/{@code RUnlock}: the read lock. */
  public Lock readLock() {
    return lock.readLock();
  }

  /**
   * {@code Clone}: a new state holding each value's {@link StateData#clone()}, with the same
   * recorder and metrics flag.
   */
  @Override
  public CycleState clone() {
    CycleState copy = new CycleState(storage.size());
    storage.forEach((k, v) -> copy.storage.put(k, v.clone()));
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
