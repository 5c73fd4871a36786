package io.kubelab.perf;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.ResourceEventHandler;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the measurement sees of the pods, as upstream's collectors see them through a pod informer:
 * how many pods of each namespace are bound now ({@code getScheduledPods}: a pod deleted by
 * preemption no longer counts), and each measured pod's time from creation to binding.
 *
 * <p>Fed by the cluster's pod events (add, update, delete) on whatever thread delivers them; read
 * by the workload's thread and the throughput ticker. Times are {@link System#nanoTime()}: this is
 * measurement, not mechanism.
 */
final class PodTracker implements ResourceEventHandler<Pod> {

  private final Map<String, Integer> boundByNamespace = new HashMap<>();
  private final Map<String, Long> createdAt = new HashMap<>();
  private final Map<String, List<Double>> latencyMsByNamespace = new HashMap<>();
  private int deleted;
  // The one op waiting (the workload's thread), and for how many bound pods of which namespace.
  private String awaitedNamespace;
  private int awaitedCount;

  /** The pod {@code namespace/name} is about to be created. */
  synchronized void creating(String key, long nanos) {
    createdAt.put(key, nanos);
  }

  @Override
  public synchronized void onAdd(Pod p) {
    if (bound(p)) {
      countBound(p);
    }
  }

  @Override
  public synchronized void onUpdate(Pod old, Pod p) {
    if (bound(p) && !bound(old)) {
      countBound(p);
    }
  }

  @Override
  public synchronized void onDelete(Pod p) {
    deleted++;
    if (bound(p)) {
      boundByNamespace.merge(p.getMetadata().getNamespace(), -1, Integer::sum);
    }
    notifyAll();
  }

  private void countBound(Pod p) {
    String ns = p.getMetadata().getNamespace();
    int n = boundByNamespace.merge(ns, 1, Integer::sum);
    recordLatency(p);
    // Wake the waiter only when what it waits for is there: one wake-up per op, not per pod.
    if (awaitedNamespace != null && awaitedNamespace.equals(ns) && n >= awaitedCount) {
      notifyAll();
    }
  }

  private void recordLatency(Pod p) {
    Long t0 = createdAt.remove(key(p));
    if (t0 != null) {
      latencyMsByNamespace
          .computeIfAbsent(p.getMetadata().getNamespace(), k -> new ArrayList<>())
          .add((System.nanoTime() - t0) / 1e6);
    }
  }

  /** Pods of these namespaces bound now. */
  synchronized int scheduled(Collection<String> namespaces) {
    int n = 0;
    for (String ns : namespaces) {
      n += boundByNamespace.getOrDefault(ns, 0);
    }
    return n;
  }

  /** Pods deleted so far (preemption's victims). */
  synchronized int deleted() {
    return deleted;
  }

  /** Creation-to-binding times, in ms, of the pods of {@code namespace} bound so far. */
  synchronized List<Double> latenciesMs(String namespace) {
    return List.copyOf(latencyMsByNamespace.getOrDefault(namespace, List.of()));
  }

  /**
   * Waits until at least {@code want} pods of {@code namespace} are bound, or {@code deadline}
   * ({@link System#nanoTime()}) passes.
   *
   * @return the number bound when it returns
   */
  synchronized int await(String namespace, int want, long deadline) throws InterruptedException {
    awaitedNamespace = namespace;
    awaitedCount = want;
    try {
      while (true) {
        int n = boundByNamespace.getOrDefault(namespace, 0);
        long left = deadline - System.nanoTime();
        if (n >= want || left <= 0) {
          return n;
        }
        java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    } finally {
      awaitedNamespace = null;
    }
  }

  static boolean bound(Pod p) {
    return p.getSpec() != null
        && p.getSpec().getNodeName() != null
        && !p.getSpec().getNodeName().isEmpty();
  }

  static String key(Pod p) {
    return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
  }
}
