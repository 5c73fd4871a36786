package io.kubelab.scheduler.cache;

import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.apimachinery.resource.PodRequests;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.logging.Logger;

/**
 * The scheduler's cache: every node and every pod the scheduler knows of, including pods it has
 * assumed onto a node while their binding is in flight.
 *
 * <p>Upstream: {@code schedulerCache} in {@code pkg/scheduler/internal/cache/cache.go} (v1.18). The
 * pieces, as upstream has them:
 *
 * <ul>
 *   <li>{@code podStates}: pod UID → the cached pod, and for assumed pods whether binding finished
 *       and when the assumption expires; {@code assumedPods}: the UIDs in the Assumed state.
 *   <li>{@code nodes}: node name → an item of a doubly linked list of {@link NodeInfo}s whose head
 *       is the most recently changed one. Every change moves the item to the head and bumps its
 *       generation, so the list is ordered by generation, newest first, and {@link #updateSnapshot}
 *       can stop at the first item its snapshot already has.
 *   <li>a {@link NodeTree} giving the zone round-robin order of the snapshot's node list.
 *   <li>{@code imageStates}: image name → its size and the nodes that have it.
 * </ul>
 *
 * <p>One {@link ReentrantReadWriteLock} guards everything. Pod operations are called from the
 * scheduling thread (assume, finish binding, forget) and the informer threads (add, update,
 * remove); a cleanup timer on the injected {@link Clock} expires assumed pods every {@link
 * #CLEAN_ASSUMED_PERIOD}. {@link #close()} stops that timer.
 */
public final class SchedulerCache implements Cache, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(SchedulerCache.class.getName());

  /** {@code cleanAssumedPeriod}: how often expired assumed pods are cleaned up. */
  public static final Duration CLEAN_ASSUMED_PERIOD = Duration.ofSeconds(1);

  /**
   * {@code durationToExpireAssumedPod} in {@code scheduler.go}: how long an assumed pod stays after
   * its binding finished, waiting for the informer to confirm it.
   */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

  /** A pod the cache knows: assumed (maybe with a deadline) or added. */
  private static final class PodState {
    Pod pod;
    // Written under the read lock by finishBinding (as upstream does), read under the write lock.
    volatile Instant deadline;
    volatile boolean bindingFinished;

    PodState(Pod pod) {
      this.pod = pod;
    }
  }

  /** An item of the most-recently-updated-first list of NodeInfos. */
  private static final class NodeInfoListItem {
    final NodeInfo info;
    NodeInfoListItem next;
    NodeInfoListItem prev;

    NodeInfoListItem(NodeInfo info) {
      this.info = info;
    }
  }

  /** One image across the cluster: its size and the names of the nodes that have it. */
  private static final class ImageState {
    final long size;
    final Set<String> nodes = new HashSet<>();

    ImageState(long size) {
      this.size = size;
    }
  }

  private final Clock clock;
  private final Duration ttl;
  private final Clock.Timer cleanupTimer;

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Set<String> assumedPods = new HashSet<>();
  private final Map<String, PodState> podStates = new HashMap<>();
  private final Map<String, NodeInfoListItem> nodes = new HashMap<>();
  private NodeInfoListItem headNode;
  private final NodeTree nodeTree = new NodeTree();
  private final Map<String, ImageState> imageStates = new HashMap<>();

  /** A cache with upstream's TTL (30 s) and cleanup period (1 s), cleaning up on {@code clock}. */
  public SchedulerCache(Clock clock) {
    this(clock, DEFAULT_TTL, CLEAN_ASSUMED_PERIOD);
  }

  /**
   * A cache whose assumed pods expire {@code ttl} after their binding finished, checked every
   * {@code period} on {@code clock}. Like upstream's {@code New}, it starts the cleanup at once.
   */
  public SchedulerCache(Clock clock, Duration ttl, Duration period) {
    this.clock = Objects.requireNonNull(clock, "clock");
    Clock.checkDelay(ttl, "ttl");
    this.ttl = ttl;
    this.cleanupTimer = clock.every(period, this::cleanupExpiredAssumedPods);
  }

  /** Stops the cleanup timer. The cache stays usable; assumed pods just no longer expire. */
  @Override
  public void close() {
    cleanupTimer.close();
  }

  // ---------------------------------------------------------------- pods

  @Override
  public void assumePod(Pod pod) {
    String key = NodeInfo.podKey(pod);
    lock.writeLock().lock();
    try {
      if (podStates.containsKey(key)) {
        throw new CacheException("pod " + key + " is in the cache, so can't be assumed");
      }
      addPodToNode(pod);
      podStates.put(key, new PodState(pod));
      assumedPods.add(key);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void finishBinding(Pod pod) {
    finishBinding(pod, clock.now());
  }

  /** {@link #finishBinding(Pod)} at a given instant, as upstream's test hook. */
  void finishBinding(Pod pod, Instant now) {
    String key = NodeInfo.podKey(pod);
    // A read lock is enough: only this pod's state changes, and only its two volatile fields.
    lock.readLock().lock();
    try {
      LOG.finer(() -> "Finished binding for pod " + key + ". Can be expired.");
      PodState ps = podStates.get(key);
      if (ps != null && assumedPods.contains(key)) {
        ps.deadline = now.plus(ttl);
        ps.bindingFinished = true;
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void forgetPod(Pod pod) {
    String key = NodeInfo.podKey(pod);
    lock.writeLock().lock();
    try {
      PodState ps = podStates.get(key);
      if (ps != null && !nodeNameOf(ps.pod).equals(nodeNameOf(pod))) {
        throw new CacheException(
            "pod "
                + key
                + " was assumed on "
                + nodeNameOf(pod)
                + " but assigned to "
                + nodeNameOf(ps.pod));
      }
      // Only an assumed pod can be forgotten.
      if (ps == null || !assumedPods.contains(key)) {
        throw new CacheException("pod " + key + " wasn't assumed so cannot be forgotten");
      }
      removePodFromNode(pod);
      assumedPods.remove(key);
      podStates.remove(key);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void addPod(Pod pod) {
    String key = NodeInfo.podKey(pod);
    lock.writeLock().lock();
    try {
      PodState ps = podStates.get(key);
      if (ps != null && assumedPods.contains(key)) {
        if (!nodeNameOf(ps.pod).equals(nodeNameOf(pod))) {
          // The binding landed elsewhere than we assumed (another scheduler, or a retry).
          checkReadable(pod);
          LOG.warning(
              () ->
                  "Pod "
                      + key
                      + " was assumed to be on "
                      + nodeNameOf(pod)
                      + " but got added to "
                      + nodeNameOf(ps.pod));
          try {
            removePodFromNode(ps.pod);
          } catch (CacheException e) {
            LOG.severe(() -> "removing pod error: " + e.getMessage());
          }
          addPodToNode(pod);
        }
        // On the same node the NodeInfo keeps the assumed pod object, as upstream does: a pod's
        // requests cannot change, so the aggregates are the same either way.
        assumedPods.remove(key);
        ps.deadline = null;
        ps.pod = pod;
      } else if (ps == null) {
        // Never assumed (bound by someone else), or assumed and expired: add it (back).
        addPodToNode(pod);
        podStates.put(key, new PodState(pod));
      } else {
        throw new CacheException("pod " + key + " was already in added state");
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void updatePod(Pod oldPod, Pod newPod) {
    String key = NodeInfo.podKey(oldPod);
    lock.writeLock().lock();
    try {
      PodState ps = podStates.get(key);
      // An assumed pod gets no Update event before its Add, which moves it to Added.
      if (ps == null || assumedPods.contains(key)) {
        throw new CacheException(
            "pod " + key + " is not added to scheduler cache, so cannot be updated");
      }
      if (!nodeNameOf(ps.pod).equals(nodeNameOf(newPod))) {
        // Upstream calls klog.Fatalf here and the scheduler exits; we refuse the update instead.
        LOG.severe(() -> "Pod " + key + " updated on a different node than previously added to.");
        throw new CacheException(
            "Pod "
                + key
                + " updated on a different node than previously added to. "
                + "Schedulercache is corrupted and can badly affect scheduling decisions");
      }
      checkReadable(newPod);
      removePodFromNode(oldPod);
      addPodToNode(newPod);
      ps.pod = newPod;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void removePod(Pod pod) {
    String key = NodeInfo.podKey(pod);
    lock.writeLock().lock();
    try {
      PodState ps = podStates.get(key);
      // An assumed pod gets no Delete event before its Add, which moves it to Added.
      if (ps == null || assumedPods.contains(key)) {
        throw new CacheException(
            "pod " + key + " is not found in scheduler cache, so cannot be removed from it");
      }
      if (!nodeNameOf(ps.pod).equals(nodeNameOf(pod))) {
        // Upstream: klog.Errorf then klog.Fatalf; we refuse the removal instead.
        throw new CacheException(
            "Pod "
                + key
                + " was assumed to be on "
                + nodeNameOf(pod)
                + " but got added to "
                + nodeNameOf(ps.pod)
                + ". Schedulercache is corrupted and can badly affect scheduling decisions");
      }
      removePodFromNode(ps.pod);
      podStates.remove(key);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public Pod getPod(Pod pod) {
    String key = NodeInfo.podKey(pod);
    lock.readLock().lock();
    try {
      PodState ps = podStates.get(key);
      if (ps == null) {
        throw new CacheException("pod " + key + " does not exist in scheduler cache");
      }
      return ps.pod;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public boolean isAssumedPod(Pod pod) {
    String key = NodeInfo.podKey(pod);
    lock.readLock().lock();
    try {
      return assumedPods.contains(key);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The number of pods in the NodeInfos, ghosts included (upstream's test-only PodCount). */
  public int podCount() {
    lock.readLock().lock();
    try {
      int n = 0;
      for (NodeInfoListItem item : nodes.values()) {
        n += item.info.pods().size();
      }
      return n;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Adds a pod to its node's NodeInfo, creating a ghost NodeInfo for an unknown node. */
  private void addPodToNode(Pod pod) {
    String name = nodeNameOf(pod);
    NodeInfoListItem n = nodes.get(name);
    if (n == null) {
      NodeInfo info = new NodeInfo();
      // NodeInfo.addPod parses before it changes anything: on bad input nothing is inserted.
      info.addPod(pod);
      nodes.put(name, new NodeInfoListItem(info));
    } else {
      n.info.addPod(pod);
    }
    moveNodeInfoToHead(name);
  }

  /**
   * Removes a pod from its node's NodeInfo; a NodeInfo left with neither node nor pods goes. A
   * missing node is only logged (v1.18; v1.17 returned an error).
   */
  private void removePodFromNode(Pod pod) {
    String name = nodeNameOf(pod);
    NodeInfoListItem n = nodes.get(name);
    if (n == null) {
      LOG.severe(
          () ->
              "node "
                  + name
                  + " not found when trying to remove pod "
                  + pod.getMetadata().getName());
      return;
    }
    try {
      n.info.removePod(pod);
    } catch (IllegalStateException e) {
      throw new CacheException(e.getMessage());
    }
    if (n.info.pods().isEmpty() && n.info.node() == null) {
      removeNodeInfoFromList(name);
    } else {
      moveNodeInfoToHead(name);
    }
  }

  /**
   * Fails before any change when a pod's spec cannot be read (a remove-then-add must not half-run).
   */
  private static void checkReadable(Pod pod) {
    NodeInfo.calculateResource(pod);
  }

  /** {@code pod.Spec.NodeName}, "" when unset, as Go's zero value. */
  static String nodeNameOf(Pod pod) {
    if (pod.getSpec() == null) {
      throw new IllegalArgumentException(PodRequests.describe(pod) + ": spec is missing");
    }
    String n = pod.getSpec().getNodeName();
    return n == null ? "" : n;
  }

  // ---------------------------------------------------------------- expiry

  /** What the cleanup timer runs: {@link #cleanupAssumedPods} at the clock's now. */
  private void cleanupExpiredAssumedPods() {
    cleanupAssumedPods(clock.now());
  }

  /**
   * Expires every assumed pod whose binding finished and whose deadline is before {@code now}.
   * Upstream's {@code cleanupAssumedPods}, with time as an argument for deterministic tests.
   */
  void cleanupAssumedPods(Instant now) {
    lock.writeLock().lock();
    try {
      for (String key : new ArrayList<>(assumedPods)) {
        PodState ps = podStates.get(key);
        if (ps == null) {
          // Upstream: klog.Fatal. Our invariants make this unreachable; fail loudly if not.
          throw new IllegalStateException(
              "Key found in assumed set but not in podStates. Potentially a logical error.");
        }
        if (!ps.bindingFinished) {
          LOG.finer(
              () ->
                  "Couldn't expire cache for pod "
                      + podName(ps.pod)
                      + ". Binding is still in progress.");
          continue;
        }
        if (now.isAfter(ps.deadline)) {
          LOG.warning(() -> "Pod " + podName(ps.pod) + " expired");
          try {
            removePodFromNode(ps.pod);
            assumedPods.remove(key);
            podStates.remove(key);
          } catch (CacheException e) {
            LOG.severe(() -> "ExpirePod failed for " + key + ": " + e.getMessage());
          }
        }
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  private static String podName(Pod p) {
    return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
  }

  // ---------------------------------------------------------------- nodes

  @Override
  public void addNode(Node node) {
    NodeInfo.allocatableOf(node);
    String name = node.getMetadata().getName();
    lock.writeLock().lock();
    try {
      NodeInfoListItem n = nodes.get(name);
      if (n == null) {
        n = new NodeInfoListItem(new NodeInfo());
        nodes.put(name, n);
      }
      Node previous = n.info.node();
      removeNodeImageStates(previous);
      moveNodeInfoToHead(name);
      if (previous == null) {
        nodeTree.addNode(node);
      } else {
        // Not upstream: v1.18 calls nodeTree.addNode here too, which files the node a second time
        // if its zone changed. Informers never add a node twice, but we stay consistent if they do.
        nodeTree.updateNode(previous, node);
      }
      addNodeImageStates(node, n.info);
      n.info.setNode(node);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void updateNode(Node oldNode, Node newNode) {
    NodeInfo.allocatableOf(newNode);
    String name = newNode.getMetadata().getName();
    lock.writeLock().lock();
    try {
      NodeInfoListItem n = nodes.get(name);
      if (n == null) {
        n = new NodeInfoListItem(new NodeInfo());
        nodes.put(name, n);
        nodeTree.addNode(newNode);
      } else {
        if (n.info.node() == null) {
          // Not upstream: an update of a removed node whose pods still linger would otherwise
          // revive the NodeInfo without putting the node back into the tree, and every later
          // snapshot would fail its consistency check.
          nodeTree.addNode(newNode);
        }
        removeNodeImageStates(n.info.node());
      }
      moveNodeInfoToHead(name);
      nodeTree.updateNode(oldNode, newNode);
      addNodeImageStates(newNode, n.info);
      n.info.setNode(newNode);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Removes a node. Its pods may still be in the cache, because pod deletions arrive on another
   * watch, possibly later: the NodeInfo then stays as a ghost (no node, only pods) until its last
   * pod is removed. Ghosts are never in snapshots.
   */
  @Override
  public void removeNode(Node node) {
    String name = Objects.requireNonNull(node, "node").getMetadata().getName();
    lock.writeLock().lock();
    try {
      NodeInfoListItem n = nodes.get(name);
      if (n == null) {
        throw new CacheException("node " + name + " is not found");
      }
      // Upstream checks the tree last, after clearing the NodeInfo; we check first so that a
      // rejected removal changes nothing. The message is the tree's.
      if (!nodeTree.contains(node)) {
        throw nodeTree.notFound(node);
      }
      n.info.removeNode();
      if (n.info.pods().isEmpty()) {
        removeNodeInfoFromList(name);
      } else {
        moveNodeInfoToHead(name);
      }
      nodeTree.removeNode(node);
      removeNodeImageStates(node);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public int nodeCount() {
    lock.readLock().lock();
    try {
      return nodeTree.numNodes();
    } finally {
      lock.readLock().unlock();
    }
  }

  private void addNodeImageStates(Node node, NodeInfo info) {
    Map<String, ImageStateSummary> summaries = new HashMap<>();
    String name = node.getMetadata().getName();
    for (ContainerImage image : images(node)) {
      if (image.getNames() == null) {
        continue;
      }
      long size = image.getSizeBytes() == null ? 0 : image.getSizeBytes();
      for (String imageName : image.getNames()) {
        ImageState state = imageStates.computeIfAbsent(imageName, k -> new ImageState(size));
        state.nodes.add(name);
        // The count as of now: it is not refreshed when other nodes change, until this one does.
        summaries.putIfAbsent(imageName, new ImageStateSummary(state.size, state.nodes.size()));
      }
    }
    info.setImageStates(summaries);
  }

  private void removeNodeImageStates(Node node) {
    if (node == null) {
      return;
    }
    String name = node.getMetadata().getName();
    for (ContainerImage image : images(node)) {
      if (image.getNames() == null) {
        continue;
      }
      for (String imageName : image.getNames()) {
        ImageState state = imageStates.get(imageName);
        if (state != null) {
          state.nodes.remove(name);
          if (state.nodes.isEmpty()) {
            // So that the map's size is the number of distinct images in the cluster.
            imageStates.remove(imageName);
          }
        }
      }
    }
  }

  private static List<ContainerImage> images(Node node) {
    if (node.getStatus() == null || node.getStatus().getImages() == null) {
      return List.of();
    }
    return node.getStatus().getImages();
  }

  /** Image name → (size, node names), sorted by image name, for tests and dumps. */
  Map<String, Map.Entry<Long, Set<String>>> imageStates() {
    lock.readLock().lock();
    try {
      Map<String, Map.Entry<Long, Set<String>>> m = new TreeMap<>();
      imageStates.forEach((k, v) -> m.put(k, Map.entry(v.size, Set.copyOf(v.nodes))));
      return m;
    } finally {
      lock.readLock().unlock();
    }
  }

  // ---------------------------------------------------------------- the list

  private void moveNodeInfoToHead(String name) {
    NodeInfoListItem ni = nodes.get(name);
    if (ni == null) {
      LOG.severe(() -> "No NodeInfo with name " + name + " found in the cache");
      return;
    }
    if (ni == headNode) {
      return;
    }
    if (ni.prev != null) {
      ni.prev.next = ni.next;
    }
    if (ni.next != null) {
      ni.next.prev = ni.prev;
    }
    if (headNode != null) {
      headNode.prev = ni;
    }
    ni.next = headNode;
    ni.prev = null;
    headNode = ni;
  }

  private void removeNodeInfoFromList(String name) {
    NodeInfoListItem ni = nodes.get(name);
    if (ni == null) {
      LOG.severe(() -> "No NodeInfo with name " + name + " found in the cache");
      return;
    }
    if (ni.prev != null) {
      ni.prev.next = ni.next;
    }
    if (ni.next != null) {
      ni.next.prev = ni.prev;
    }
    if (ni == headNode) {
      headNode = ni.next;
    }
    nodes.remove(name);
  }

  /** The generations along the list from the head (tests check that they descend). */
  List<Long> generationsFromHead() {
    lock.readLock().lock();
    try {
      List<Long> g = new ArrayList<>();
      for (NodeInfoListItem it = headNode; it != null; it = it.next) {
        g.add(it.info.generation());
      }
      return g;
    } finally {
      lock.readLock().unlock();
    }
  }

  // ---------------------------------------------------------------- snapshots

  /**
   * Brings {@code snapshot} up to date. Called at the start of every scheduling cycle.
   *
   * <p>Walks the list from the head while an item is newer than the snapshot's generation,
   * overwriting the snapshot's NodeInfo in place (the snapshot's lists hold the same objects, so
   * they stay valid). Ghosts are skipped. Nodes gone from the tree are dropped from the snapshot's
   * map. The node list is rebuilt, in NodeTree order, only when a node appeared or disappeared or
   * the tree changed; the affinity lists are rebuilt when a node gained its first or lost its last
   * pod with (required anti-)affinity.
   *
   * @throws CacheException "snapshot state is not consistent, ..." when the list does not match the
   *     tree; the lists are rebuilt in full before it is thrown, so the next cycle recovers
   */
  @Override
  public void updateSnapshot(Snapshot snapshot) {
    lock.writeLock().lock();
    try {
      long snapshotGeneration = snapshot.generation;
      boolean updateAllLists = false;
      boolean updateNodesHavePodsWithAffinity = false;
      boolean updateNodesHavePodsWithRequiredAntiAffinity = false;

      for (NodeInfoListItem item = headNode; item != null; item = item.next) {
        if (item.info.generation() <= snapshotGeneration) {
          // Everything from here on is older than the snapshot: the list is newest first.
          break;
        }
        Node np = item.info.node();
        if (np == null) {
          continue;
        }
        String name = np.getMetadata().getName();
        NodeInfo existing = snapshot.nodeInfoMap.get(name);
        if (existing == null) {
          updateAllLists = true;
          NodeInfo copy = item.info.clone();
          snapshot.nodeInfoMap.put(name, copy);
          snapshot.recordChange(name);
          updateNodesHavePodsWithAffinity |= !copy.podsWithAffinity().isEmpty();
          updateNodesHavePodsWithRequiredAntiAffinity |=
              !copy.podsWithRequiredAntiAffinity().isEmpty();
          continue;
        }
        if (existing.podsWithAffinity().isEmpty() != item.info.podsWithAffinity().isEmpty()) {
          updateNodesHavePodsWithAffinity = true;
        }
        if (existing.podsWithRequiredAntiAffinity().isEmpty()
            != item.info.podsWithRequiredAntiAffinity().isEmpty()) {
          updateNodesHavePodsWithRequiredAntiAffinity = true;
        }
        existing.copyFrom(item.info);
        snapshot.recordChange(name);
      }
      if (headNode != null) {
        snapshot.generation = headNode.info.generation();
      }

      // Deleted nodes leave the tree at once but may stay in `nodes` as ghosts.
      if (snapshot.nodeInfoMap.size() > nodeTree.numNodes()) {
        removeDeletedNodesFromSnapshot(snapshot);
        updateAllLists = true;
      }
      // Not upstream: v1.18 keeps the old list order after a node moved zones or was removed and
      // re-added between two snapshots; we rebuild so that the order always is the tree's.
      if (snapshot.nodeTreeVersion != nodeTree.version()) {
        updateAllLists = true;
      }

      if (updateAllLists
          || updateNodesHavePodsWithAffinity
          || updateNodesHavePodsWithRequiredAntiAffinity) {
        updateNodeInfoSnapshotList(snapshot, updateAllLists);
      }

      if (snapshot.nodeInfoList.size() != nodeTree.numNodes()) {
        String msg =
            "snapshot state is not consistent, length of NodeInfoList="
                + snapshot.nodeInfoList.size()
                + " not equal to length of nodes in tree="
                + nodeTree.numNodes()
                + " , length of NodeInfoMap="
                + snapshot.nodeInfoMap.size()
                + ", length of nodes in cache="
                + nodes.size()
                + ", trying to recover";
        LOG.severe(msg);
        // Rebuild for the next cycle, but fail this one: its view may be wrong.
        updateNodeInfoSnapshotList(snapshot, true);
        throw new CacheException(msg);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void updateNodeInfoSnapshotList(Snapshot snapshot, boolean updateAll) {
    int n = nodeTree.numNodes();
    List<NodeInfo> withAffinity = new ArrayList<>();
    List<NodeInfo> withRequiredAntiAffinity = new ArrayList<>();
    if (updateAll) {
      List<NodeInfo> list = new ArrayList<>(n);
      nodeTree.resetExhausted();
      for (int i = 0; i < n; i++) {
        String nodeName = nodeTree.next();
        NodeInfo info = snapshot.nodeInfoMap.get(nodeName);
        if (info != null) {
          list.add(info);
        } else {
          LOG.severe(
              () ->
                  "node \""
                      + nodeName
                      + "\" exist in nodeTree but not in NodeInfoMap, this should not happen.");
        }
      }
      snapshot.nodeInfoList = list;
      snapshot.nodeTreeVersion = nodeTree.version();
    }
    for (NodeInfo info : snapshot.nodeInfoList) {
      if (!info.podsWithAffinity().isEmpty()) {
        withAffinity.add(info);
      }
      if (!info.podsWithRequiredAntiAffinity().isEmpty()) {
        withRequiredAntiAffinity.add(info);
      }
    }
    snapshot.havePodsWithAffinityNodeInfoList = withAffinity;
    snapshot.havePodsWithRequiredAntiAffinityNodeInfoList = withRequiredAntiAffinity;
  }

  /** Drops from the snapshot up to (map size − tree size) nodes that are gone or ghosts. */
  private void removeDeletedNodesFromSnapshot(Snapshot snapshot) {
    int toDelete = snapshot.nodeInfoMap.size() - nodeTree.numNodes();
    var it = snapshot.nodeInfoMap.keySet().iterator();
    while (it.hasNext() && toDelete > 0) {
      String name = it.next();
      NodeInfoListItem n = nodes.get(name);
      if (n == null || n.info.node() == null) {
        it.remove();
        snapshot.recordChange(name);
        toDelete--;
      }
    }
  }

  // ---------------------------------------------------------------- debugging

  /**
   * A deep-enough copy of the cache for debugging: every NodeInfo (ghosts included) cloned, and the
   * assumed pod keys. Expensive; not for the scheduling path (upstream's {@code Dump}).
   */
  public CacheDump dump() {
    lock.readLock().lock();
    try {
      Map<String, NodeInfo> m = new TreeMap<>();
      nodes.forEach((k, v) -> m.put(k, v.info.clone()));
      return new CacheDump(m, Set.copyOf(assumedPods));
    } finally {
      lock.readLock().unlock();
    }
  }
}
