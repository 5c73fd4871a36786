package io.kubelab.scheduler;

/**
 * The names of the cluster events that move pods out of the unschedulable queue.
 *
 * <p>Upstream: {@code pkg/scheduler/internal/queue/events.go} (v1.18). The event handlers pass them
 * to {@code MoveAllToActiveOrBackoffQueue}; the queue uses them only to say why a pod moved.
 */
public final class ClusterEvents {

  private ClusterEvents() {}

  public static final String UNKNOWN = "Unknown";
  public static final String NODE_ADD = "NodeAdd";
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
