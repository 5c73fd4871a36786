package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * What a Score plugin derives from the pod alone (its compiled preferred terms, its scoring
 * request), computed once per pod instead of once per node.
 *
 * <p>Upstream's Score plugins without a PreScore recompute these for every node; the result is the
 * same, only slower. The cache holds one entry, keyed by the identity of the pod object, so a pod
 * that is scheduled again (a new object from the queue) is derived again. Safe for the many threads
 * Score runs on: at worst two threads derive the same value.
 */
final class PerPod<T> {

  private record Entry<T>(Pod pod, T value) {}

  private final AtomicReference<Entry<T>> last = new AtomicReference<>();
  private final Function<Pod, T> derive;

  PerPod(Function<Pod, T> derive) {
    this.derive = derive;
  }

  T get(Pod pod) {
    Entry<T> e = last.get();
    if (e != null && e.pod() == pod) {
      return e.value();
    }
    T v = derive.apply(pod);
    last.set(new Entry<>(pod, v));
    return v;
  }
}
