package io.kubelab.kubelet.kuberuntime;

/** Builds the result of a pod sync from its steps, for tests outside this package. */
public final class SyncResults {
  private SyncResults() {}

  public static PodSyncResult of(SyncResult... steps) {
    PodSyncResult r = new PodSyncResult();
    for (SyncResult s : steps) {
      r.add(s);
    }
    return r;
  }
}
