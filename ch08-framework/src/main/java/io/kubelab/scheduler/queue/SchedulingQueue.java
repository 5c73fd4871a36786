package io.kubelab.scheduler.queue;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.PodNominator;
import io.kubelab.scheduler.framework.PodInfo;
import io.kubelab.scheduler.preemption.NominatingQueue;
import java.time.Duration;
import java.util.List;

/**
 * Where pods wait to be scheduled: the contract between the scheduler's event handlers, its
 * scheduling loop and the queue.
 *
 * <p>Upstream: {@code SchedulingQueue} in {@code pkg/scheduler/internal/queue/scheduling_queue.go}
 * (v1.18). Method names follow upstream's. It is also the nominator the generic scheduler and
 * preemption read and write ({@link PodNominator}, {@link NominatingQueue}).
 */
public interface SchedulingQueue extends PodNominator, NominatingQueue, AutoCloseable {

  /** {@code Add}: a new pending pod goes to activeQ (and leaves the other two queues). */
  void add(Pod pod);

  /**
   * {@code AddUnschedulableIfNotPresent}: a pod that failed its scheduling cycle goes back to the
   * unschedulable queue, or to the backoff queue when a move request arrived during or after the
   * cycle {@code podSchedulingCycle} in which it was popped.
   *
   * @throws IllegalStateException when the pod is already in activeQ, podBackoffQ or unschedulableQ
   *     (upstream's "pod is already present in ..." errors)
   */
  void addUnschedulableIfNotPresent(PodInfo podInfo, long podSchedulingCycle);

  /** {@code SchedulingCycle}: how many pods have been popped so far. */
  long schedulingCycle();

  /**
   * {@code Pop}: removes and returns the pod at the head of activeQ, waiting until there is one,
   * the queue is closed, or {@code timeout} has passed. The pod's attempts are incremented and the
   * scheduling cycle advances.
   *
   * @return the pod, or null when the queue was closed or the wait timed out
   * @throws InterruptedException when the waiting thread is interrupted
   */
  PodInfo pop(Duration timeout) throws InterruptedException;

  /**
   * {@code Update}: a pending pod changed; where it goes depends on where it is (upstream's rules).
   */
  void update(Pod oldPod, Pod newPod);

  /** {@code Delete}: the pod is gone; it leaves every queue and the nominator. */
  void delete(Pod pod);

  /**
   * {@code MoveAllToActiveOrBackoffQueue}: a cluster event (named as upstream names it, for example
   * "NodeAdd") may have made unschedulable pods schedulable; each goes to backoffQ if it is still
   * backing off, else to activeQ.
   */
  void moveAllToActiveOrBackoffQueue(String event);

  /**
   * {@code AssignedPodAdded}: moves the unschedulable pods with affinity terms matching {@code
   * pod}.
   */
  void assignedPodAdded(Pod pod);

  /** {@code AssignedPodUpdated}: the same for an updated assigned pod. */
  void assignedPodUpdated(Pod pod);

  /** {@code PendingPods}: every pod in the three queues. */
  List<Pod> pendingPods();

  /** {@code NumUnschedulablePods}. */
  int numUnschedulablePods();

  /** {@code Run}: starts the periodic flushes (backoffQ every 1 s, unschedulableQ every 30 s). */
  void run();

  /** {@code Close}: stops the flushes and wakes every waiting {@link #pop}. */
  @Override
  void close();
}
