package io.kubelab.scheduler.framework.plugins;

import io.kubelab.scheduler.cache.Cache;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.framework.FrameworkHandle;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.framework.StatusException;

/** How Score plugins look a node up in the cycle's snapshot, failing as upstream's do. */
final class Snapshots {

  private Snapshots() {}

  /**
   * {@code SnapshotSharedLister().NodeInfos().Get(nodeName)}.
   *
   * @throws StatusException {@code getting node "X" from Snapshot: ...} when it is not there
   */
  static NodeInfo nodeInfo(FrameworkHandle handle, String nodeName) {
    try {
      return handle.snapshotSharedLister().get(nodeName);
    } catch (Cache.CacheException e) {
      throw new StatusException(
          Status.error("getting node \"" + nodeName + "\" from Snapshot: " + e.getMessage()));
    }
  }
}
