package io.kubelab.scheduler.framework.plugins;

import io.kubelab.scheduler.algorithm.GenericScheduler;
import io.kubelab.scheduler.framework.PodInfo;
import io.kubelab.scheduler.framework.QueueSortPlugin;

/**
 * Orders the active queue: higher priority first, and among equal priorities the pod that entered
 * the queue first.
 *
 * <p>Upstream: {@code pkg/scheduler/framework/plugins/queuesort/priority_sort.go} (v1.18), {@code
 * Less}: {@code p1 > p2 || (p1 == p2 && t1.Before(t2))}, with {@code pod.GetPodPriority} (0 for a
 * pod without {@code spec.priority}).
 */
public final class PrioritySort implements QueueSortPlugin {

  /** {@code Name}. */
  public static final String NAME = "PrioritySort";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean less(PodInfo a, PodInfo b) {
    int p1 = GenericScheduler.podPriority(a.pod());
    int p2 = GenericScheduler.podPriority(b.pod());
    return p1 > p2 || (p1 == p2 && a.timestamp().isBefore(b.timestamp()));
  }
}
