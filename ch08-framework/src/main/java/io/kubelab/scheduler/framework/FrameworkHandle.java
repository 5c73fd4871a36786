package io.kubelab.scheduler.framework;

import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.function.Consumer;

/**
 * What a plugin may use from the framework that built it: the cycle's snapshot, the waiting pods,
 * and the outside world.
 *
 * <p>Upstream: {@code FrameworkHandle} in {@code pkg/scheduler/framework/v1alpha1/interface.go}
 * (v1.18), handed to every plugin factory. Upstream's {@code ClientSet}, {@code
 * SharedInformerFactory} and {@code VolumeBinder} are the outside world; here they are {@link
 * #component}s: small interfaces the chapters declare (storage listers, service listers, the
 * binder, the volume binder), registered by type when the framework is built, so tests give
 * in-memory ones and the integration gives API-server-backed ones.
 */
public interface FrameworkHandle {

  /**
   * {@code SnapshotSharedLister}: the snapshot taken at the start of the scheduling cycle. It does
   * not change until the pod is reserved; plugins of the binding cycle must not use it.
   */
  Snapshot snapshotSharedLister();

  /** {@code IterateOverWaitingPods}. */
  void iterateOverWaitingPods(Consumer<WaitingPod> callback);

  /** {@code GetWaitingPod}: the waiting pod with this UID, or null. */
  WaitingPod getWaitingPod(String uid);

  /** {@code RejectWaitingPod}: rejects the waiting pod with this UID, if there is one. */
  void rejectWaitingPod(String uid);

  /** The clock the framework's timers run on. */
  Clock clock();

  /**
   * The component of {@code type} given to the framework (upstream: the client set, the informer
   * factory, the volume binder).
   *
   * @throws IllegalStateException naming the type when none was given
   */
  <T> T component(Class<T> type);

  /**
   * Where plugins fan work out over nodes (upstream's plugins call {@code
   * workqueue.ParallelizeUntil} with 16 workers); null when the framework has none, and the plugin
   * then works through the nodes one by one.
   */
  default Parallelizer parallelizer() {
    return null;
  }

  /** Whether a component of {@code type} was given. */
  boolean hasComponent(Class<?> type);

  /** The component of this type, or {@code fallback} when the framework was given none. */
  default <T> T componentOr(Class<T> type, T fallback) {
    return hasComponent(type) ? component(type) : fallback;
  }
}
