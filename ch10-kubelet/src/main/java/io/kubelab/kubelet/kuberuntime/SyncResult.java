package io.kubelab.kubelet.kuberuntime;

/**
 * The outcome of one step of a pod sync: start a container, kill one, create the sandbox.
 *
 * <p>Upstream: {@code pkg/kubelet/container/sync_result.go} ({@code SyncResult}, {@code
 * SyncAction}, the {@code Err*} errors).
 *
 * @param action what was attempted
 * @param target the container name (or the pod, for sandbox steps)
 * @param error null on success, else upstream's error text such as {@code CrashLoopBackOff}
 * @param message details, such as the back-off message
 */
public record SyncResult(Action action, String target, String error, String message) {

  /** Upstream {@code SyncAction}. */
  public enum Action {
    START_CONTAINER("StartContainer"),
    KILL_CONTAINER("KillContainer"),
    CREATE_POD_SANDBOX("CreatePodSandbox"),
    KILL_POD_SANDBOX("KillPodSandbox");

    private final String upstreamName;

    Action(String upstreamName) {
      this.upstreamName = upstreamName;
    }

    @Override
    public String toString() {
      return upstreamName;
    }
  }

  /** Upstream {@code ErrCrashLoopBackOff}. */
  public static final String ERR_CRASH_LOOP_BACK_OFF = "CrashLoopBackOff";

  /** Upstream {@code ErrRunContainer}. */
  public static final String ERR_RUN_CONTAINER = "RunContainerError";

  /** Upstream {@code ErrKillContainer}. */
  public static final String ERR_KILL_CONTAINER = "KillContainerError";

  /** Upstream {@code ErrCreatePodSandbox}. */
  public static final String ERR_CREATE_POD_SANDBOX = "CreatePodSandboxError";

  /** Upstream {@code ErrKillPodSandbox}. */
  public static final String ERR_KILL_POD_SANDBOX = "KillPodSandboxError";

  public static SyncResult ok(Action action, String target) {
    return new SyncResult(action, target, null, "");
  }

  public static SyncResult fail(Action action, String target, String error, String message) {
    return new SyncResult(action, target, error, message);
  }

  public boolean failed() {
    return error != null;
  }
}
