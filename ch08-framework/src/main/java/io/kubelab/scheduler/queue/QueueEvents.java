package io.kubelab.scheduler.queue;

/**
 * The names of the events that move pods between the queues, as metrics and logs label them.
 *
 * <p>Upstream: {@code pkg/scheduler/internal/queue/events.go} (v1.18). The queue itself raises
 * {@link #POD_ADD}, {@link #SCHEDULE_ATTEMPT_FAILURE}, {@link #BACKOFF_COMPLETE}, {@link
 * #UNSCHEDULABLE_TIMEOUT}, {@link #ASSIGNED_POD_ADD} and {@link #ASSIGNED_POD_UPDATE}; the
 * scheduler's event handlers pass the others to {@link
 * SchedulingQueue#moveAllToActiveOrBackoffQueue}.
 */
public final class QueueEvents {

  private QueueEvents() {}

  /** A node update the scheduler could not classify (with no unschedulable pods waiting). */
  public static final String UNKNOWN = "Unknown";

  public static final String POD_ADD = "PodAdd";
  public static final String NODE_ADD = "NodeAdd";
  public static final String SCHEDULE_ATTEMPT_FAILURE = "ScheduleAttemptFailure";
  public static final String BACKOFF_COMPLETE = "BackoffComplete";
  public static final String UNSCHEDULABLE_TIMEOUT = "UnschedulableTimeout";
  public static final String ASSIGNED_POD_ADD = "AssignedPodAdd";
  public static final String ASSIGNED_POD_UPDATE = "AssignedPodUpdate";
  public static final String ASSIGNED_POD_DELETE = "AssignedPodDelete";
  public static final String PV_ADD = "PvAdd";
  public static final String PV_UPDATE = "PvUpdate";
  public static final String PVC_ADD = "PvcAdd";
  public static final String PVC_UPDATE = "PvcUpdate";
  public static final String STORAGE_CLASS_ADD = "StorageClassAdd";
  public static final String SERVICE_ADD = "ServiceAdd";
  public static final String SERVICE_UPDATE = "ServiceUpdate";
  public static final String SERVICE_DELETE = "ServiceDelete";
  public static final String CSI_NODE_ADD = "CSINodeAdd";
  public static final String CSI_NODE_UPDATE = "CSINodeUpdate";
  public static final String NODE_SPEC_UNSCHEDULABLE_CHANGE = "NodeSpecUnschedulableChange";
  public static final String NODE_ALLOCATABLE_CHANGE = "NodeAllocatableChange";
  public static final String NODE_LABEL_CHANGE = "NodeLabelChange";
  public static final String NODE_TAINT_CHANGE = "NodeTaintChange";
  public static final String NODE_CONDITION_CHANGE = "NodeConditionChange";
}
