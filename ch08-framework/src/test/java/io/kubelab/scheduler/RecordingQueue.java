package io.kubelab.scheduler;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.framework.PodInfo;
import io.kubelab.scheduler.queue.PriorityQueue;
import io.kubelab.scheduler.queue.SchedulingQueue;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The real priority queue, with a record of every move request's event: what the event handlers
 * asked for, even when no pod was there to move.
 */
final class RecordingQueue implements SchedulingQueue {

  final PriorityQueue delegate;

  /** The event of every move request, in order. */
  final List<String> moves = new CopyOnWriteArrayList<>();

  RecordingQueue(PriorityQueue delegate) {
    this.delegate = delegate;
  }

  @Override
  public void moveAllToActiveOrBackoffQueue(String event) {
    moves.add(event);
    delegate.moveAllToActiveOrBackoffQueue(event);
  }

  @Override
  public void add(Pod pod) {
    delegate.add(pod);
  }

  @Override
  public void addUnschedulableIfNotPresent(PodInfo podInfo, long podSchedulingCycle) {
    delegate.addUnschedulableIfNotPresent(podInfo, podSchedulingCycle);
  }

  @Override
  public long schedulingCycle() {
    return delegate.schedulingCycle();
  }

  @Override
  public PodInfo pop(Duration timeout) throws InterruptedException {
    return delegate.pop(timeout);
  }

  @Override
  public void update(Pod oldPod, Pod newPod) {
    delegate.update(oldPod, newPod);
  }

  @Override
  public void delete(Pod pod) {
    delegate.delete(pod);
  }

  @Override
  public void assignedPodAdded(Pod pod) {
    delegate.assignedPodAdded(pod);
  }

  @Override
  public void assignedPodUpdated(Pod pod) {
    delegate.assignedPodUpdated(pod);
  }

  @Override
  public List<Pod> pendingPods() {
    return delegate.pendingPods();
  }

  @Override
  public int numUnschedulablePods() {
    return delegate.numUnschedulablePods();
  }

  @Override
  public void run() {
    delegate.run();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public List<Pod> nominatedPodsForNode(String nodeName) {
    return delegate.nominatedPodsForNode(nodeName);
  }

  @Override
  public void updateNominatedPodForNode(Pod pod, String nodeName) {
    delegate.updateNominatedPodForNode(pod, nodeName);
  }

  @Override
  public void deleteNominatedPodIfExists(Pod pod) {
    delegate.deleteNominatedPodIfExists(pod);
  }
}
