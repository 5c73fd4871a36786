package io.kubelab.kubelet.eviction;

import io.kubelab.apimachinery.resource.ResourceNames;
import java.util.Optional;

/**
 * What the eviction manager watches, and what each signal means: the resource it reclaims, the node
 * condition it sets, and the operator its thresholds use.
 *
 * <p>Upstream: {@code pkg/kubelet/eviction/api/types.go} ({@code Signal*}, {@code OpForSignal}) and
 * {@code helpers.go} ({@code signalToNodeCondition}, {@code signalToResource}). In v1.18 {@code
 * OpForSignal} has no entry for {@code allocatableMemory.available}: a threshold written for it by
 * hand has no operator and is never met; only the copy the kubelet derives from {@code
 * memory.available} when it enforces allocatable for pods (which takes that threshold's operator)
 * works.
 */
public enum Signal {
  MEMORY_AVAILABLE("memory.available", ResourceNames.MEMORY, NodeCondition.MEMORY_PRESSURE, true),
  NODE_FS_AVAILABLE(
      "nodefs.available", ResourceNames.EPHEMERAL_STORAGE, NodeCondition.DISK_PRESSURE, true),
  NODE_FS_INODES_FREE("nodefs.inodesFree", "inodes", NodeCondition.DISK_PRESSURE, true),
  IMAGE_FS_AVAILABLE(
      "imagefs.available", ResourceNames.EPHEMERAL_STORAGE, NodeCondition.DISK_PRESSURE, true),
  IMAGE_FS_INODES_FREE("imagefs.inodesFree", "inodes", NodeCondition.DISK_PRESSURE, true),
  ALLOCATABLE_MEMORY_AVAILABLE(
      "allocatableMemory.available", ResourceNames.MEMORY, NodeCondition.MEMORY_PRESSURE, false),
  PID_AVAILABLE("pid.available", "pids", NodeCondition.PID_PRESSURE, true);

  /** Upstream {@code OpLessThan}, the only operator. */
  public static final String OP_LESS_THAN = "LessThan";

  private final String name;
  private final String resource;
  private final NodeCondition condition;
  private final boolean hasOperator;

  Signal(String name, String resource, NodeCondition condition, boolean hasOperator) {
    this.name = name;
    this.resource = resource;
    this.condition = condition;
    this.hasOperator = hasOperator;
  }

  /** The signal of a flag key, as {@code validSignal} decides. */
  public static Optional<Signal> of(String name) {
    for (Signal s : values()) {
      if (s.name.equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /**
   * The resource reclaimed under this signal ({@code signalToResource}): {@code memory}, {@code
   * ephemeral-storage}, or the internal {@code inodes} and {@code pids}.
   */
  public String resource() {
    return resource;
  }

  /** The node condition a met threshold sets ({@code signalToNodeCondition}). */
  public NodeCondition nodeCondition() {
    return condition;
  }

  /** {@code OpForSignal[signal]}: "LessThan", or "" where v1.18 has no entry. */
  public String operator() {
    return hasOperator ? OP_LESS_THAN : "";
  }

  boolean isMemory() {
    return this == MEMORY_AVAILABLE || this == ALLOCATABLE_MEMORY_AVAILABLE;
  }

  @Override
  public String toString() {
    return name;
  }
}
