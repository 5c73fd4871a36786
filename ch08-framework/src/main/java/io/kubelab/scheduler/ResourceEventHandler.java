package io.kubelab.scheduler;

/**
 * Hears what an informer sees of one kind of object: added, updated, deleted.
 *
 * <p>Upstream: {@code ResourceEventHandler} in {@code k8s.io/client-go/tools/cache/controller.go}.
 * A deleted object whose last state the informer missed is delivered as its last known state
 * (upstream wraps it in a {@code DeletedFinalStateUnknown}; there is no tombstone here).
 */
public interface ResourceEventHandler<T> {

  /** {@code OnAdd}. */
  void onAdd(T obj);

  /** {@code OnUpdate}. */
  void onUpdate(T oldObj, T newObj);

  /** {@code OnDelete}. */
  void onDelete(T obj);
}
