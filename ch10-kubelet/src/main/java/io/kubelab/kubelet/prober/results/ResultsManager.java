package io.kubelab.kubelet.prober.results;

import io.kubelab.kubelet.container.ContainerId;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The latest probe result per container, publishing an {@link Update} only when a result is new or
 * changed.
 *
 * <p>Upstream: {@code pkg/kubelet/prober/results/results_manager.go} ({@code Manager}, {@code
 * manager}). The update channel holds {@value #UPDATES_CAPACITY} entries and {@link #set} blocks
 * when it is full, as upstream's unbuffered-beyond-20 send does: a consumer must drain {@link
 * #updates()}, either with a thread that blocks on it or from the {@link #onUpdate} callback.
 * {@link #remove} publishes nothing.
 */
public final class ResultsManager {

  /** Upstream buffers the updates channel with 20 entries. */
  public static final int UPDATES_CAPACITY = 20;

  private final ConcurrentMap<ContainerId, Result> cache = new ConcurrentHashMap<>();
  private final BlockingQueue<Update> updates;
  private volatile Runnable listener = () -> {};

  public ResultsManager() {
    this(UPDATES_CAPACITY);
  }

  /** A manager with another channel capacity, for simulations without a consumer. */
  public ResultsManager(int updatesCapacity) {
    this.updates = new ArrayBlockingQueue<>(updatesCapacity);
  }

  /** The cached result, if any. */
  public Optional<Result> get(ContainerId id) {
    return Optional.ofNullable(cache.get(id));
  }

  /**
   * Caches the result and, if it differs from the cached one, publishes an update; blocks while the
   * channel is full.
   */
  public void set(ContainerId id, Result result, String podUid) {
    Result previous = cache.put(id, result);
    if (previous != result) {
      try {
        updates.put(new Update(id, result, podUid));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      listener.run();
    }
  }

  /**
   * Called after each update is published, so that a consumer that does not block on {@link
   * #updates()} knows to drain it. Must not block; one listener at a time.
   */
  public void onUpdate(Runnable listener) {
    this.listener = listener == null ? () -> {} : listener;
  }

  /** Forgets the container's result without publishing anything. */
  public void remove(ContainerId id) {
    cache.remove(id);
  }

  /** The published changes. Only one consumer is supported, as upstream. */
  public BlockingQueue<Update> updates() {
    return updates;
  }

  /** How many containers have a result. */
  public int size() {
    return cache.size();
  }
}
