package io.kubelab.scheduler;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * Passes on only the events of objects that pass a filter; an update that moves an object across
 * the filter becomes an add or a delete.
 *
 * <p>Upstream: {@code FilteringResourceEventHandler} in {@code
 * k8s.io/client-go/tools/cache/controller.go}. This is how a pod that gets bound leaves the
 * scheduling queue (the update arrives as a delete on the unassigned-pods handler) and enters the
 * cache (an add on the assigned-pods handler).
 */
record FilteringResourceEventHandler<T>(Predicate<T> filter, ResourceEventHandler<T> handler)
    implements ResourceEventHandler<T> {

  FilteringResourceEventHandler {
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(handler, "handler");
  }

  @Override
  public void onAdd(T obj) {
    if (filter.test(obj)) {
      handler.onAdd(obj);
    }
  }

  @Override
  public void onUpdate(T oldObj, T newObj) {
    boolean newer = filter.test(newObj);
    boolean older = filter.test(oldObj);
    if (newer && older) {
      handler.onUpdate(oldObj, newObj);
    } else if (newer) {
      handler.onAdd(newObj);
    } else if (older) {
      handler.onDelete(oldObj);
    }
  }

  @Override
  public void onDelete(T obj) {
    if (filter.test(obj)) {
      handler.onDelete(obj);
    }
  }
}
