package io.kubelab.kubelet.kuberuntime;

import java.util.ArrayList;
import java.util.List;

/**
 * Every step of one pod sync and its outcome.
 *
 * <p>Upstream: {@code pkg/kubelet/container/sync_result.go} ({@code PodSyncResult}, {@code Error}:
 * the failed steps as {@code failed to "StartContainer" for "app" with CrashLoopBackOff: "back-off
 * 10s restarting failed container=..."}).
 */
public final class PodSyncResult {
  private final List<SyncResult> results = new ArrayList<>();

  void add(SyncResult r) {
    results.add(r);
  }

  void addAll(PodSyncResult other) {
    results.addAll(other.results);
  }

  public List<SyncResult> results() {
    return List.copyOf(results);
  }

  /** The failures, as upstream's aggregate error text; null when every step succeeded. */
  public String error() {
    List<String> errs = new ArrayList<>();
    for (SyncResult r : results) {
      if (r.failed()) {
        errs.add(
            "failed to \""
                + r.action()
                + "\" for \""
                + r.target()
                + "\" with "
                + r.error()
                + ": \""
                + r.message()
                + "\"");
      }
    }
    if (errs.isEmpty()) {
      return null;
    }
    return errs.size() == 1 ? errs.get(0) : "[" + String.join(", ", errs) + "]";
  }

  /**
   * Whether every step of the sync backed off, which the kubelet's {@code syncPod} does not report
   * as an error. As upstream's loop over {@code SyncResults} ({@code r.Error !=
   * ErrCrashLoopBackOff}), a step that succeeded is not a back-off: a sync that also started or
   * killed something is reported.
   */
  public boolean onlyBackOffFailures() {
    return results.stream().allMatch(r -> SyncResult.ERR_CRASH_LOOP_BACK_OFF.equals(r.error()));
  }
}
