package io.kubelab.scheduler;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.scheduler.framework.PodInfo;
import io.kubelab.scheduler.queue.SchedulingQueue;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A first-in-first-out stand-in for the priority queue: an active list, an unschedulable map and a
 * nominator, with the move-request cycle rule. No backoff, no ordering by priority. For the
 * scheduler's own tests of what does not depend on the queue's order.
 */
final class FifoQueue implements SchedulingQueue {

  private final Clock clock;
  private final Deque<PodInfo> active = new ArrayDeque<>();
  private final Map<String, PodInfo> unschedulable = new LinkedHashMap<>();
  private final Map<String, String> nominatedByUid = new HashMap<>();
  private final Map<String, Pod> nominatedPods = new HashMap<>();
  private long schedulingCycle;
  private long moveRequestCycle = -1;
  private boolean closed;

  /** The events of every move request, in order. */
  final List<String> moves = new java.util.concurrent.CopyOnWriteArrayList<>();

  FifoQueue(Clock clock) {
    this.clock = clock;
  }

  private static String uid(Pod p) {
    return p.getMetadata().getUid();
  }

  private PodInfo inActive(Pod p) {
    for (PodInfo pi : active) {
      if (uid(pi.pod()).equals(uid(p))) {
        return pi;
      }
    }
    return null;
  }

  @Override
  public synchronized void add(Pod pod) {
    unschedulable.remove(uid(pod));
    PodInfo old = inActive(pod);
    if (old != null) {
      active.remove(old);
    }
    active.add(PodInfo.of(pod, clock.now()));
    nominate(pod, "");
    notifyAll();
  }

  @Override
  public synchronized void addUnschedulableIfNotPresent(PodInfo podInfo, long podSchedulingCycle) {
    Pod pod = podInfo.pod();
    if (unschedulable.containsKey(uid(pod))) {
      throw new IllegalStateException(
          "pod: " + name(pod) + " is already present in unschedulable queue");
    }
    if (inActive(pod) != null) {
      throw new IllegalStateException(
          "pod: " + name(pod) + " is already present in the active queue");
    }
    PodInfo pi =
        new PodInfo(pod, clock.now(), podInfo.attempts(), podInfo.initialAttemptTimestamp());
    if (moveRequestCycle >= podSchedulingCycle) {
      active.add(pi);
      notifyAll();
    } else {
      unschedulable.put(uid(pod), pi);
    }
    nominate(pod, "");
  }

  @Override
  public synchronized long schedulingCycle() {
    return schedulingCycle;
  }

  @Override
  public synchronized PodInfo pop(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (active.isEmpty() && !closed) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    if (closed) {
      return null;
    }
    PodInfo pi = active.poll();
    schedulingCycle++;
    return new PodInfo(pi.pod(), pi.timestamp(), pi.attempts() + 1, pi.initialAttemptTimestamp());
  }

  @Override
  public synchronized void update(Pod oldPod, Pod newPod) {
    PodInfo a = inActive(newPod);
    if (a != null) {
      active.remove(a);
      active.add(new PodInfo(newPod, a.timestamp(), a.attempts(), a.initialAttemptTimestamp()));
    } else if (unschedulable.containsKey(uid(newPod))) {
      PodInfo u = unschedulable.get(uid(newPod));
      PodInfo updated =
          new PodInfo(newPod, u.timestamp(), u.attempts(), u.initialAttemptTimestamp());
      // Like upstream's isPodUpdated: a status-only change leaves the pod where it is.
      if (withoutStatus(oldPod).equals(withoutStatus(newPod))) {
        unschedulable.put(uid(newPod), updated);
      } else {
        unschedulable.remove(uid(newPod));
        active.add(updated);
      }
    } else {
      active.add(PodInfo.of(newPod, clock.now()));
    }
    String keep = nominatedByUid.get(uid(newPod));
    String fresh = newPod.getStatus() == null ? null : newPod.getStatus().getNominatedNodeName();
    nominate(newPod, fresh == null || fresh.isEmpty() ? (keep == null ? "" : keep) : fresh);
    notifyAll();
  }

  @Override
  public synchronized void delete(Pod pod) {
    unschedulable.remove(uid(pod));
    PodInfo a = inActive(pod);
    if (a != null) {
      active.remove(a);
    }
    deleteNominatedPodIfExists(pod);
  }

  @Override
  public synchronized void moveAllToActiveOrBackoffQueue(String event) {
    moves.add(event);
    active.addAll(unschedulable.values());
    unschedulable.clear();
    moveRequestCycle = schedulingCycle;
    notifyAll();
  }

  @Override
  public void assignedPodAdded(Pod pod) {}

  @Override
  public void assignedPodUpdated(Pod pod) {}

  @Override
  public synchronized List<Pod> pendingPods() {
    List<Pod> out = new ArrayList<>();
    active.forEach(pi -> out.add(pi.pod()));
    unschedulable.values().forEach(pi -> out.add(pi.pod()));
    return out;
  }

  @Override
  public synchronized int numUnschedulablePods() {
    return unschedulable.size();
  }

  @Override
  public void run() {}

  @Override
  public synchronized void close() {
    closed = true;
    notifyAll();
  }

  @Override
  public synchronized List<Pod> nominatedPodsForNode(String nodeName) {
    List<Pod> out = new ArrayList<>();
    nominatedByUid.forEach(
        (uid, node) -> {
          if (node.equals(nodeName)) {
            out.add(nominatedPods.get(uid));
          }
        });
    return out;
  }

  @Override
  public synchronized void updateNominatedPodForNode(Pod pod, String nodeName) {
    nominate(pod, nodeName);
  }

  @Override
  public synchronized void deleteNominatedPodIfExists(Pod pod) {
    nominatedByUid.remove(uid(pod));
    nominatedPods.remove(uid(pod));
  }

  private void nominate(Pod pod, String nodeName) {
    String node = nodeName;
    if (node == null || node.isEmpty()) {
      node = pod.getStatus() == null ? null : pod.getStatus().getNominatedNodeName();
    }
    nominatedByUid.remove(uid(pod));
    nominatedPods.remove(uid(pod));
    if (node == null || node.isEmpty()) {
      return;
    }
    nominatedByUid.put(uid(pod), node);
    nominatedPods.put(uid(pod), pod);
  }

  private static Pod withoutStatus(Pod p) {
    Pod c = new io.fabric8.kubernetes.api.model.PodBuilder(p).build();
    c.setStatus(null);
    c.getMetadata().setResourceVersion(null);
    return c;
  }

  private static String name(Pod p) {
    return Objects.toString(p.getMetadata().getNamespace()) + "/" + p.getMetadata().getName();
  }
}
