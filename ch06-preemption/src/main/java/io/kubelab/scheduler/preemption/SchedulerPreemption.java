package io.kubelab.scheduler.preemption;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.resource.PodRequests;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * Carries out a preemption decision: nominate the preemptor, delete the victims, report them, and
 * clear stale nominations. The preemptor itself is not bound here; it goes back to the queue and is
 * scheduled in a later cycle, once its victims have left.
 *
 * <p>Upstream: {@code Scheduler.preempt} in {@code pkg/scheduler/scheduler.go} (v1.17), which
 * {@code scheduleOne} calls after a {@code FitError} unless preemption is disabled. The order of
 * the steps is upstream's:
 *
 * <ol>
 *   <li>re-read the preemptor from the API server and run {@link Preemption#preempt};
 *   <li>if a node was chosen: record the nomination in the queue first (so the next cycle already
 *       holds the room), then in the pod's status through the API; if that fails, forget the
 *       queue's nomination and give up;
 *   <li>delete each victim, reject it if it waits at a Permit plugin, and record a {@code
 *       Preempted} event;
 *   <li>always, even when no node was chosen, clear the nominations preemption returned; failures
 *       there are logged, not fatal.
 * </ol>
 */
public final class SchedulerPreemption {

  private static final Logger LOG = Logger.getLogger(SchedulerPreemption.class.getName());

  /** The event reason for a victim. */
  public static final String REASON_PREEMPTED = "Preempted";

  /** The event action for a victim. */
  public static final String ACTION_PREEMPTING = "Preempting";

  /** What a waiting victim is rejected with. */
  public static final String WAITING_POD_REJECT_MESSAGE = "preempted";

  private final Preemption algorithm;
  private final PodPreemptor podPreemptor;
  private final NominatingQueue queue;
  private final WaitingPods waitingPods;
  private final EventRecorder recorder;

  public SchedulerPreemption(
      Preemption algorithm,
      PodPreemptor podPreemptor,
      NominatingQueue queue,
      WaitingPods waitingPods,
      EventRecorder recorder) {
    this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
    this.podPreemptor = Objects.requireNonNull(podPreemptor, "podPreemptor");
    this.queue = Objects.requireNonNull(queue, "queue");
    this.waitingPods = Objects.requireNonNull(waitingPods, "waitingPods");
    this.recorder = Objects.requireNonNull(recorder, "recorder");
  }

  /**
   * The note of a victim's {@code Preempted} event: {@code "Preempted by <ns>/<name> on node
   * <node>"}.
   */
  public static String preemptedMessage(Pod preemptor, String nodeName) {
    return "Preempted by "
        + preemptor.getMetadata().getNamespace()
        + "/"
        + preemptor.getMetadata().getName()
        + " on node "
        + nodeName;
  }

  /**
   * Tries to make room for {@code preemptor}, which failed to schedule with {@code scheduleErr}.
   *
   * @return the name of the node the preemptor is now nominated to, or {@code ""} when none
   * @throws RuntimeException what re-reading the pod, the algorithm, setting the nomination or
   *     deleting a victim threw; the scheduler logs it and retries the pod later
   */
  public String preempt(Pod preemptor, RuntimeException scheduleErr) {
    Pod updated = podPreemptor.getUpdatedPod(preemptor);
    PreemptionResult result = algorithm.preempt(updated, scheduleErr);
    String nodeName = result.nodeName();
    if (result.node().isPresent()) {
      queue.updateNominatedPodForNode(updated, nodeName);
      try {
        podPreemptor.setNominatedNodeName(updated, nodeName);
      } catch (RuntimeException e) {
        LOG.severe(
            () ->
                "Error in preemption process. Cannot set 'NominatedPod' on pod "
                    + PodRequests.describe(updated)
                    + ": "
                    + e.getMessage());
        queue.deleteNominatedPodIfExists(updated);
        throw e;
      }
      for (Pod victim : result.victims()) {
        podPreemptor.deletePod(victim);
        String uid = victim.getMetadata().getUid();
        if (uid != null) {
          waitingPods.reject(uid, WAITING_POD_REJECT_MESSAGE);
        }
        recorder.eventf(
            victim,
            updated,
            EventRecorder.EVENT_TYPE_NORMAL,
            REASON_PREEMPTED,
            ACTION_PREEMPTING,
            preemptedMessage(updated, nodeName));
      }
    }
    // Outside the "node chosen" branch: when a nominated pod may preempt again but no node helps,
    // the algorithm returns the pod itself so that its stale nomination goes away.
    for (Pod p : result.nominatedPodsToClear()) {
      try {
        podPreemptor.removeNominatedNodeName(p);
      } catch (RuntimeException e) {
        // Not critical: the pod keeps a stale nomination until it is scheduled again.
        LOG.warning(() -> "Cannot remove 'NominatedPod' field of pod: " + e.getMessage());
      }
    }
    return nodeName;
  }
}
