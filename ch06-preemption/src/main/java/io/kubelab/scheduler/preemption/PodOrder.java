package io.kubelab.scheduler.preemption;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.resource.PodRequests;
import io.kubelab.scheduler.algorithm.GenericScheduler;
import io.kubelab.scheduler.algorithm.Victims;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;

/**
 * How preemption ranks pods: by priority, then by how long they have been running.
 *
 * <p>Upstream: {@code GetPodStartTime}, {@code GetEarliestPodStartTime} and {@code
 * MoreImportantPod} in {@code pkg/scheduler/util/utils.go}, and {@code podutil.GetPodPriority}
 * (v1.17). A pod without {@code status.startTime} counts as started "now" (upstream: {@code
 * time.Now()}, which is after any running pod's start), so it is the least important of its
 * priority. "Now" is passed in: preemption reads it once from its clock.
 */
final class PodOrder {

  private PodOrder() {}

  /** {@code podutil.GetPodPriority}: {@code spec.priority}, 0 when unset. */
  static int priority(Pod pod) {
    return GenericScheduler.podPriority(pod);
  }

  /**
   * {@code GetPodStartTime}: {@code status.startTime}, or {@code now} when it is unset.
   *
   * @throws IllegalArgumentException naming the pod and field when the time is not RFC 3339
   */
  static Instant startTime(Pod pod, Instant now) {
    String text = pod.getStatus() == null ? null : pod.getStatus().getStartTime();
    if (text == null || text.isEmpty()) {
      return now;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          PodRequests.describe(pod) + ": status.startTime \"" + text + "\" is not an RFC 3339 time",
          e);
    }
  }

  /**
   * {@code MoreImportantPod} as a sort: higher priority first, then the earlier start time, so the
   * most important pod comes first. Sorts {@code pods} in place, reading each pod's priority and
   * start time once rather than at every comparison (parsing an RFC 3339 time is the costly part).
   * Stable, like {@link List#sort}.
   */
  static void sortMoreImportantFirst(List<Pod> pods, Instant now) {
    record Keyed(Pod pod, int priority, Instant start) {}
    List<Keyed> keyed = new java.util.ArrayList<>(pods.size());
    for (Pod p : pods) {
      keyed.add(new Keyed(p, priority(p), startTime(p, now)));
    }
    keyed.sort(Comparator.comparingInt((Keyed k) -> -k.priority()).thenComparing(Keyed::start));
    for (int i = 0; i < keyed.size(); i++) {
      pods.set(i, keyed.get(i).pod());
    }
  }

  /**
   * {@code GetEarliestPodStartTime}: the earliest start time among the victims that have the
   * highest priority of the list (found by scanning, not by trusting the order).
   *
   * @return null for an empty list (upstream logs "victims.Pods is empty. Should not reach here.")
   */
  static Instant earliestPodStartTime(Victims victims, Instant now) {
    List<Pod> pods = victims.pods();
    if (pods.isEmpty()) {
      return null;
    }
    Instant earliest = startTime(pods.get(0), now);
    int maxPriority = priority(pods.get(0));
    for (Pod pod : pods) {
      int p = priority(pod);
      if (p == maxPriority) {
        Instant t = startTime(pod, now);
        if (t.isBefore(earliest)) {
          earliest = t;
        }
      } else if (p > maxPriority) {
        maxPriority = p;
        earliest = startTime(pod, now);
      }
    }
    return earliest;
  }
}
