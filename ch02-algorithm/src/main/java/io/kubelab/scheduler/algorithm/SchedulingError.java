package io.kubelab.scheduler.algorithm;

/**
 * Why {@link GenericScheduler#schedule} found no host. Upstream returns Go errors; the scheduler
 * loop of v1.17 tells them apart by type ({@code *FitError} triggers preemption, {@code
 * ErrNoNodesAvailable} waits for nodes, anything else is an internal failure), which this sealed
 * hierarchy keeps.
 *
 * <p>Upstream: the errors of {@code pkg/scheduler/core/generic_scheduler.go} (v1.17).
 */
public abstract sealed class SchedulingError extends RuntimeException
    permits FitError, SchedulingError.NoNodesAvailable, SchedulingError.AlgorithmFailure {

  private static final long serialVersionUID = 1L;

  SchedulingError(String message, Throwable cause) {
    super(message, cause);
  }

  /** Upstream's {@code ErrNoNodesAvailable} text. */
  public static final String NO_NODES_AVAILABLE_MESSAGE = "no nodes available to schedule pods";

  /** {@code ErrNoNodesAvailable}: the snapshot has no nodes at all. */
  public static final class NoNodesAvailable extends SchedulingError {
    private static final long serialVersionUID = 1L;

    public NoNodesAvailable() {
      super(NO_NODES_AVAILABLE_MESSAGE, null);
    }
  }

  /**
   * A predicate, priority or metadata producer threw: the attempt is aborted. The message names the
   * pod, the function and, where there is one, the node.
   */
  public static final class AlgorithmFailure extends SchedulingError {
    private static final long serialVersionUID = 1L;

    public AlgorithmFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
