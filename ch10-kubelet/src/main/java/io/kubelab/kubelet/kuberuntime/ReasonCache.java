package io.kubelab.kubelet.kuberuntime;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Why each container last failed to start, so that its status can say {@code CrashLoopBackOff}
 * until it runs again.
 *
 * <p>Upstream: {@code pkg/kubelet/reason_cache.go} ({@code ReasonCache}: an LRU of {@value
 * #MAX_ENTRIES} entries keyed by pod UID and container name; {@code Update} records the failed
 * start-container steps of a sync and forgets the successful ones).
 */
public final class ReasonCache {

  /** Upstream {@code maxReasonCacheEntries}. */
  public static final int MAX_ENTRIES = 1000;

  /** The error (such as {@code CrashLoopBackOff}) and its message. */
  public record Reason(String error, String message) {}

  private final Map<String, Reason> lru =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Reason> eldest) {
          return size() > MAX_ENTRIES;
        }
      };

  public synchronized void update(String podUid, PodSyncResult result) {
    for (SyncResult r : result.results()) {
      if (r.action() != SyncResult.Action.START_CONTAINER) {
        continue;
      }
      String key = podUid + "_" + r.target();
      if (r.failed()) {
        lru.put(key, new Reason(r.error(), r.message()));
      } else {
        lru.remove(key);
      }
    }
  }

  public synchronized Optional<Reason> get(String podUid, String containerName) {
    return Optional.ofNullable(lru.get(podUid + "_" + containerName));
  }
}
