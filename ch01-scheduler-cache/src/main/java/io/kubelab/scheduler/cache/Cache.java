package io.kubelab.scheduler.cache;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * The scheduler's cache of nodes and pods, with the assumed-pod state machine.
 *
 * <p>Upstream: {@code pkg/scheduler/internal/cache/interface.go} (v1.18). Pods are keyed by UID.
 *
 * <pre>
 *   +-------------------------------------------+  +----+
 *   |                            Add            |  |    |
 *   |                                           |  |    | Update
 *   +      Assume                Add            v  v    |
 * Initial +--------> Assumed +------------+---> Added &lt;--+
 *   ^                +   +               |       +
 *   |                |   |               |       |
 *   |                |   |           Add |       | Remove
 *   |                |   |               |       |
 *   |                |   |               +       |
 *   +----------------+   +-----------> Expired   +----> Deleted
 *         Forget             Expire
 * </pre>
 *
 * <p>Every illegal transition throws {@link CacheException} and leaves the cache unchanged.
 */
public interface Cache {

  /** Initial → Assumed: the scheduler chose a node and binds asynchronously. */
  void assumePod(Pod pod);

  /** Starts the assumed pod's TTL: it may expire from now on. Ignored for unknown pods. */
  void finishBinding(Pod pod);

  /** Assumed → Initial: binding failed; the pod must have been assumed on the same node. */
  void forgetPod(Pod pod);

  /** Assumed/Expired/Initial → Added: the informer saw the pod bound to a node. */
  void addPod(Pod pod);

  /** Added → Added. */
  void updatePod(Pod oldPod, Pod newPod);

  /** Added → Deleted. */
  void removePod(Pod pod);

  /** The cached pod with the same UID. */
  Pod getPod(Pod pod);

  /** True when the pod is in the cache and assumed. */
  boolean isAssumedPod(Pod pod);

  void addNode(Node node);

  void updateNode(Node oldNode, Node newNode);

  void removeNode(Node node);

  /**
   * Brings {@code snapshot} up to date, copying only the NodeInfos changed since its generation.
   *
   * @throws CacheException "snapshot state is not consistent, ..." when the snapshot's node list
   *     does not match the cache's nodes; the snapshot is rebuilt before, so the next call works
   */
  void updateSnapshot(Snapshot snapshot);

  /** The number of nodes in the node tree (nodes with a Node object). */
  int nodeCount();

  /** An illegal transition or a lookup miss, with upstream's message. */
  final class CacheException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CacheException(String message) {
      super(message);
    }
  }
}
