package io.kubelab.cluster.controller.replicaset;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.apimachinery.labels.LabelSelectors;
import io.kubelab.apimachinery.labels.Selector;
import io.kubelab.cluster.controller.ApiStatusException;
import io.kubelab.cluster.controller.ControllerExpectations;
import io.kubelab.cluster.controller.ControllerRefManager;
import io.kubelab.cluster.controller.ControllerUtils;
import io.kubelab.cluster.controller.ControllerUtils.RankedPod;
import io.kubelab.cluster.controller.PodControl;
import io.kubelab.cluster.controller.RateLimitingQueue;
import io.kubelab.cluster.controller.Workers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The ReplicaSet controller: keeps {@code spec.replicas} active pods for every ReplicaSet, and its
 * status counting them.
 *
 * <p>Upstream: {@code pkg/controller/replicaset/replica_set.go} and {@code replica_set_utils.go}
 * (v1.18). Informer events only enqueue keys; a worker takes a key and runs {@link
 * #syncReplicaSet}:
 *
 * <ol>
 *   <li>the ReplicaSet from the cache (gone: forget its expectations, done);
 *   <li>its pods: every active pod of the namespace that it controls or may adopt ({@link
 *       ControllerRefManager});
 *   <li>when the expectations are satisfied and it is not being deleted, {@link #manageReplicas}:
 *       too few pods, create the missing ones (at most {@value #BURST_REPLICAS} per sync) in
 *       batches of 1, 2, 4, ... that stop at the first failure ({@code slowStartBatch}); too many,
 *       delete the surplus, those first that {@link ControllerUtils#ACTIVE_PODS_WITH_RANKS} orders
 *       first;
 *   <li>the status ({@code replicas}, {@code fullyLabeledReplicas}, {@code readyReplicas}, {@code
 *       availableReplicas}, {@code observedGeneration}, a {@code ReplicaFailure} condition while
 *       creating or deleting fails), written only when it changed.
 * </ol>
 *
 * <p>A failed sync is retried with the queue's back-off. The outside world is behind {@link Cache}
 * (the informers' stores), {@link ReplicaSetClient} and {@link PodControl}.
 */
public final class ReplicaSetController implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ReplicaSetController.class.getName());

  /** Upstream {@code BurstReplicas}: the most pods one sync creates or deletes. */
  public static final int BURST_REPLICAS = 500;

  /** Upstream {@code statusUpdateRetries}: one more try, after a fresh GET. */
  static final int STATUS_UPDATE_RETRIES = 1;

  /** Upstream {@code controller.SlowStartInitialBatchSize}. */
  static final int SLOW_START_INITIAL_BATCH_SIZE = 1;

  /** Upstream {@code ConcurrentRSSyncs}, kube-controller-manager's default. */
  public static final int CONCURRENT_RS_SYNCS = 5;

  static final String API_VERSION = "apps/v1";
  static final String KIND = "ReplicaSet";

  /** The informers' stores. */
  public interface Cache {
    /** The ReplicaSet, or null. */
    ReplicaSet replicaSet(String namespace, String name);

    List<ReplicaSet> replicaSets(String namespace);

    List<Pod> pods(String namespace);
  }

  /** The API calls the controller makes itself (pods go through {@link PodControl}). */
  public interface ReplicaSetClient {
    /**
     * A fresh read from the server.
     *
     * @throws ApiStatusException when it fails (not found among others)
     */
    ReplicaSet get(String namespace, String name);

    /** Writes {@code rs.status} ({@code PUT .../status}); returns what the server stored. */
    ReplicaSet updateStatus(ReplicaSet rs);
  }

  private final Cache cache;
  private final ReplicaSetClient client;
  private final PodControl podControl;
  private final Clock clock;
  private final Executor executor;
  private final int burstReplicas;
  private final ControllerExpectations expectations;
  private final RateLimitingQueue<String> queue;
  private final Workers workers = new Workers();

  /**
   * @param executor runs the creations of a batch and the deletions concurrently ({@code
   *     Runnable::run} runs them one after the other, for tests)
   */
  public ReplicaSetController(
      Cache cache,
      ReplicaSetClient client,
      PodControl podControl,
      Clock clock,
      Executor executor,
      int burstReplicas) {
    this.cache = cache;
    this.client = client;
    this.podControl = podControl;
    this.clock = clock;
    this.executor = executor;
    this.burstReplicas = burstReplicas;
    this.expectations = new ControllerExpectations(clock);
    this.queue = new RateLimitingQueue<>(clock);
  }

  public ControllerExpectations expectations() {
    return expectations;
  }

  public RateLimitingQueue<String> queue() {
    return queue;
  }

  // ---- informer event handlers -------------------------------------------------------------

  public void addReplicaSet(ReplicaSet rs) {
    queue.add(ControllerUtils.key(rs));
  }

  public void updateReplicaSet(ReplicaSet old, ReplicaSet cur) {
    if (!Objects.equals(old.getMetadata().getUid(), cur.getMetadata().getUid())) {
      // deleted and re-created under the same name while the watch was away
      deleteReplicaSet(old);
    }
    queue.add(ControllerUtils.key(cur));
  }

  public void deleteReplicaSet(ReplicaSet rs) {
    String key = ControllerUtils.key(rs);
    expectations.deleteExpectations(key);
    queue.add(key);
  }

  public void addPod(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      // on a restart the informer may list a pod already being deleted
      deletePod(pod);
      return;
    }
    OwnerReference ref = ControllerUtils.controllerOf(pod);
    if (ref != null) {
      ReplicaSet rs = resolveControllerRef(pod.getMetadata().getNamespace(), ref);
      if (rs == null) {
        return;
      }
      String key = ControllerUtils.key(rs);
      expectations.creationObserved(key);
      queue.add(key);
      return;
    }
    // an orphan: wake every ReplicaSet that matches it, one may adopt it
    for (ReplicaSet rs : podReplicaSets(pod)) {
      queue.add(ControllerUtils.key(rs));
    }
  }

  public void updatePod(Pod old, Pod cur) {
    if (Objects.equals(
        cur.getMetadata().getResourceVersion(), old.getMetadata().getResourceVersion())) {
      return; // a periodic resync: nothing changed
    }
    boolean labelChanged =
        !Objects.equals(
            labels(cur.getMetadata().getLabels()), labels(old.getMetadata().getLabels()));
    if (cur.getMetadata().getDeletionTimestamp() != null) {
      // graceful deletion: count it as deleted now, so that a replacement starts at once
      deletePod(cur);
      if (labelChanged) {
        deletePod(old);
      }
      return;
    }
    OwnerReference curRef = ControllerUtils.controllerOf(cur);
    OwnerReference oldRef = ControllerUtils.controllerOf(old);
    boolean refChanged = !Objects.equals(curRef, oldRef);
    if (refChanged && oldRef != null) {
      ReplicaSet rs = resolveControllerRef(old.getMetadata().getNamespace(), oldRef);
      if (rs != null) {
        queue.add(ControllerUtils.key(rs));
      }
    }
    if (curRef != null) {
      ReplicaSet rs = resolveControllerRef(cur.getMetadata().getNamespace(), curRef);
      if (rs == null) {
        return;
      }
      queue.add(ControllerUtils.key(rs));
      int minReady = minReadySeconds(rs);
      if (!ControllerUtils.isPodReady(old) && ControllerUtils.isPodReady(cur) && minReady > 0) {
        // check again when the pod may have become available
        queue.addAfter(
            ControllerUtils.key(rs), Duration.ofSeconds(minReady).plus(Duration.ofSeconds(1)));
      }
      return;
    }
    if (labelChanged || refChanged) {
      for (ReplicaSet rs : podReplicaSets(cur)) {
        queue.add(ControllerUtils.key(rs));
      }
    }
  }

  public void deletePod(Pod pod) {
    OwnerReference ref = ControllerUtils.controllerOf(pod);
    if (ref == null) {
      return; // an orphan's deletion concerns no one
    }
    ReplicaSet rs = resolveControllerRef(pod.getMetadata().getNamespace(), ref);
    if (rs == null) {
      return;
    }
    String key = ControllerUtils.key(rs);
    expectations.deletionObserved(key, ControllerUtils.podKey(pod));
    queue.add(key);
  }

  /** {@code resolveControllerRef}: the ReplicaSet the reference names, if the UID still matches. */
  private ReplicaSet resolveControllerRef(String namespace, OwnerReference ref) {
    if (!KIND.equals(ref.getKind())) {
      return null;
    }
    ReplicaSet rs = cache.replicaSet(namespace, ref.getName());
    if (rs == null || !Objects.equals(rs.getMetadata().getUid(), ref.getUid())) {
      return null;
    }
    return rs;
  }

  /**
   * {@code GetPodReplicaSets}: the ReplicaSets of the pod's namespace whose selector matches it (a
   * ReplicaSet with an empty selector matches nothing here); none for a pod without labels.
   */
  List<ReplicaSet> podReplicaSets(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    if (labels == null || labels.isEmpty()) {
      return List.of();
    }
    List<ReplicaSet> out = new ArrayList<>();
    for (ReplicaSet rs : cache.replicaSets(pod.getMetadata().getNamespace())) {
      Selector s;
      try {
        s = LabelSelectors.compile(rs.getSpec().getSelector(), selectorField(rs));
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (!s.isEmpty() && s.matches(labels)) {
        out.add(rs);
      }
    }
    if (out.size() > 1) {
      LOG.warning("user error! more than one ReplicaSet is selecting pods with labels: " + labels);
    }
    return out;
  }

  // ---- workers ----------------------------------------------------------------------------

  /** Starts {@code n} workers, each taking keys until {@link #close}. */
  public void run(int n) {
    workers.start("replicaset-controller", n, this::processNextWorkItem);
  }

  /**
   * Takes one key (waiting at most {@code wait}) and syncs it; a failure puts it back with
   * back-off, a success forgets its failures. False once the queue is shut down.
   */
  public boolean processNextWorkItem(Duration wait) throws InterruptedException {
    String key = queue.get(wait);
    if (key == null) {
      return !queue.isShuttingDown();
    }
    try {
      syncReplicaSet(key);
      queue.forget(key);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "sync \"" + key + "\" failed with " + e.getMessage());
      queue.addRateLimited(key);
    } finally {
      queue.done(key);
    }
    return true;
  }

  @Override
  public void close() {
    workers.stop(queue);
  }

  // ---- the sync ---------------------------------------------------------------------------

  /**
   * Brings the ReplicaSet {@code key} ({@code namespace/name}) towards its spec and writes its
   * status.
   *
   * @throws RuntimeException when creating, deleting, claiming or the status write failed; the
   *     worker retries the key with back-off
   */
  public void syncReplicaSet(String key) {
    int slash = key.indexOf('/');
    String namespace = slash < 0 ? "" : key.substring(0, slash);
    String name = key.substring(slash + 1);
    ReplicaSet rs = cache.replicaSet(namespace, name);
    if (rs == null) {
      expectations.deleteExpectations(key);
      return;
    }
    boolean rsNeedsSync = expectations.satisfiedExpectations(key);
    Selector selector;
    try {
      selector = LabelSelectors.compile(rs.getSpec().getSelector(), selectorField(rs));
    } catch (IllegalArgumentException e) {
      LOG.warning("error converting pod selector to selector: " + e.getMessage());
      return; // not retried: the object must change first
    }
    // every pod of the namespace, so that those it no longer matches but still controls are seen
    List<Pod> filteredPods = ControllerUtils.filterActivePods(cache.pods(namespace));
    filteredPods = claimPods(rs, selector, filteredPods);

    RuntimeException manageReplicasErr = null;
    if (rsNeedsSync && rs.getMetadata().getDeletionTimestamp() == null) {
      try {
        manageReplicas(filteredPods, rs);
      } catch (RuntimeException e) {
        manageReplicasErr = e;
      }
    }
    ReplicaSetStatus newStatus =
        ReplicaSetStatuses.calculateStatus(rs, filteredPods, manageReplicasErr, clock.now());
    ReplicaSet updated = updateReplicaSetStatus(rs, newStatus);
    int minReady = minReadySeconds(updated);
    int replicas = replicas(updated);
    if (manageReplicasErr == null
        && minReady > 0
        && ReplicaSetStatuses.count(updated.getStatus().getReadyReplicas()) == replicas
        && ReplicaSetStatuses.count(updated.getStatus().getAvailableReplicas()) != replicas) {
      // a last check once the ready pods may count as available, against clock skew
      queue.addAfter(key, Duration.ofSeconds(minReady));
    }
    if (manageReplicasErr != null) {
      throw manageReplicasErr;
    }
  }

  private List<Pod> claimPods(ReplicaSet rs, Selector selector, List<Pod> pods) {
    Supplier<String> canAdopt =
        () -> {
          // upstream's RecheckDeletionTimestamp: an uncached read of the ReplicaSet itself
          ReplicaSet fresh;
          try {
            fresh = client.get(rs.getMetadata().getNamespace(), rs.getMetadata().getName());
          } catch (RuntimeException e) {
            return "can't recheck DeletionTimestamp: " + e.getMessage();
          }
          if (!Objects.equals(fresh.getMetadata().getUid(), rs.getMetadata().getUid())) {
            return "can't recheck DeletionTimestamp: original ReplicaSet "
                + rs.getMetadata().getNamespace()
                + "/"
                + rs.getMetadata().getName()
                + " is gone: got uid "
                + fresh.getMetadata().getUid()
                + ", wanted "
                + rs.getMetadata().getUid();
          }
          if (fresh.getMetadata().getDeletionTimestamp() != null) {
            return fresh.getMetadata().getNamespace()
                + "/"
                + fresh.getMetadata().getName()
                + " has just been deleted at "
                + fresh.getMetadata().getDeletionTimestamp();
          }
          return null;
        };
    return ControllerRefManager.forPods(podControl, rs, selector, API_VERSION, KIND, canAdopt)
        .claim(pods);
  }

  /**
   * Creates or deletes pods so that {@code filteredPods} (the ReplicaSet's active pods) moves to
   * {@code spec.replicas}, at most {@link #burstReplicas} at a time.
   *
   * @throws RuntimeException the first creation or deletion that failed
   */
  void manageReplicas(List<Pod> filteredPods, ReplicaSet rs) {
    int diff = filteredPods.size() - replicas(rs);
    String key = ControllerUtils.key(rs);
    if (diff < 0) {
      diff = Math.min(-diff, burstReplicas);
      // expect them all before the first create: the informer may see a pod before this returns
      expectations.expectCreations(key, diff);
      OwnerReference ref = ControllerUtils.newControllerRef(rs, API_VERSION, KIND);
      BatchResult r =
          slowStartBatch(
              diff,
              SLOW_START_INITIAL_BATCH_SIZE,
              () -> {
                try {
                  podControl.createPodsWithControllerRef(
                      rs.getMetadata().getNamespace(), rs.getSpec().getTemplate(), rs, ref);
                } catch (ApiStatusException e) {
                  if (!e.namespaceTerminating()) {
                    throw e; // a terminating namespace refuses every create: not a failure
                  }
                }
              });
      // pods never attempted will never be seen: stop expecting them; the next sync retries
      for (int skipped = diff - r.successes(); skipped > 0; skipped--) {
        expectations.creationObserved(key);
      }
      if (r.error() != null) {
        throw r.error();
      }
    } else if (diff > 0) {
      diff = Math.min(diff, burstReplicas);
      List<Pod> related;
      try {
        related = indirectlyRelatedPods(rs);
      } catch (IllegalArgumentException e) {
        LOG.warning(e.getMessage()); // upstream logs it and ranks without related pods
        related = List.of();
      }
      List<Pod> podsToDelete = podsToDelete(filteredPods, related, diff);
      List<String> podKeys = podsToDelete.stream().map(ControllerUtils::podKey).toList();
      expectations.expectDeletions(key, podKeys);
      ConcurrentLinkedQueue<RuntimeException> errors = new ConcurrentLinkedQueue<>();
      List<CompletableFuture<Void>> all = new ArrayList<>();
      for (Pod target : podsToDelete) {
        all.add(
            CompletableFuture.runAsync(
                () -> {
                  try {
                    podControl.deletePod(
                        rs.getMetadata().getNamespace(), target.getMetadata().getName(), rs);
                  } catch (RuntimeException e) {
                    // the informer will not see this deletion: stop expecting it
                    expectations.deletionObserved(key, ControllerUtils.podKey(target));
                    if (!ApiStatusException.isNotFound(e)) {
                      errors.add(e);
                    }
                  }
                },
                executor));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
      if (!errors.isEmpty()) {
        throw errors.peek();
      }
    }
  }

  /** What {@link #slowStartBatch} did: calls that succeeded, and the first failure (or null). */
  record BatchResult(int successes, RuntimeException error) {}

  /**
   * Calls {@code fn} {@code count} times, in batches of {@code initialBatchSize}, then twice as
   * many, and so on; the calls of one batch run together; after a batch with a failure, no further
   * batch starts.
   */
  BatchResult slowStartBatch(int count, int initialBatchSize, Runnable fn) {
    int remaining = count;
    int successes = 0;
    for (int batch = Math.min(remaining, initialBatchSize);
        batch > 0;
        batch = Math.min(2 * batch, remaining)) {
      ConcurrentLinkedQueue<RuntimeException> errors = new ConcurrentLinkedQueue<>();
      List<CompletableFuture<Void>> calls = new ArrayList<>();
      for (int i = 0; i < batch; i++) {
        calls.add(
            CompletableFuture.runAsync(
                () -> {
                  try {
                    fn.run();
                  } catch (RuntimeException e) {
                    errors.add(e);
                  }
                },
                executor));
      }
      CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
      successes += batch - errors.size();
      if (!errors.isEmpty()) {
        return new BatchResult(successes, errors.peek());
      }
      remaining -= batch;
    }
    return new BatchResult(successes, null);
  }

  /**
   * {@code getIndirectlyRelatedPods}: the pods of every ReplicaSet with the same controller as
   * {@code rs} (a Deployment's old and new ReplicaSets), each once; for a ReplicaSet without a
   * controller, none.
   */
  List<Pod> indirectlyRelatedPods(ReplicaSet rs) {
    OwnerReference owner = ControllerUtils.controllerOf(rs);
    if (owner == null) {
      return List.of();
    }
    List<Pod> related = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    String ns = rs.getMetadata().getNamespace();
    for (ReplicaSet r : cache.replicaSets(ns)) {
      OwnerReference ref = ControllerUtils.controllerOf(r);
      if (ref == null || !Objects.equals(ref.getUid(), owner.getUid())) {
        continue;
      }
      Selector s = LabelSelectors.compile(r.getSpec().getSelector(), selectorField(r));
      for (Pod p : cache.pods(ns)) {
        if (s.matches(labels(p.getMetadata().getLabels())) && seen.add(p.getMetadata().getUid())) {
          related.add(p);
        }
      }
    }
    return related;
  }

  /**
   * {@code getPodsToDelete}: the first {@code diff} of {@code filteredPods} in the order {@link
   * ControllerUtils#ACTIVE_PODS_WITH_RANKS}, each ranked by the active related pods on its node.
   * When all go, no sorting.
   */
  static List<Pod> podsToDelete(List<Pod> filteredPods, List<Pod> relatedPods, int diff) {
    if (diff >= filteredPods.size()) {
      return List.copyOf(filteredPods.subList(0, diff));
    }
    Map<String, Integer> podsOnNode = new HashMap<>();
    for (Pod p : relatedPods) {
      if (ControllerUtils.isPodActive(p)) {
        podsOnNode.merge(nodeName(p), 1, Integer::sum);
      }
    }
    List<RankedPod> ranked = new ArrayList<>();
    for (Pod p : filteredPods) {
      ranked.add(new RankedPod(p, podsOnNode.getOrDefault(nodeName(p), 0)));
    }
    ranked.sort(ControllerUtils.ACTIVE_PODS_WITH_RANKS);
    return ranked.subList(0, diff).stream().map(RankedPod::pod).toList();
  }

  /**
   * {@code updateReplicaSetStatus}: nothing when the counts, the conditions and the observed
   * generation are current; else a status write, and on failure one fresh read and one more try.
   */
  ReplicaSet updateReplicaSetStatus(ReplicaSet rs, ReplicaSetStatus newStatus) {
    long generation = generation(rs);
    if (ReplicaSetStatuses.sameCounts(rs.getStatus(), newStatus)
        && generation == observedGeneration(rs)
        && Objects.equals(
            ReplicaSetStatuses.conditions(rs.getStatus()),
            ReplicaSetStatuses.conditions(newStatus))) {
      return rs;
    }
    newStatus.setObservedGeneration(generation);
    RuntimeException updateErr = null;
    ReplicaSet current = rs;
    for (int i = 0; ; i++) {
      ReplicaSet write = new ReplicaSetBuilder(current).withStatus(newStatus).build();
      try {
        return client.updateStatus(write);
      } catch (RuntimeException e) {
        updateErr = e;
      }
      if (i >= STATUS_UPDATE_RETRIES) {
        break;
      }
      current = client.get(rs.getMetadata().getNamespace(), rs.getMetadata().getName());
    }
    throw updateErr;
  }

  static int replicas(ReplicaSet rs) {
    Integer r = rs.getSpec().getReplicas();
    return r == null ? 1 : r;
  }

  private static int minReadySeconds(ReplicaSet rs) {
    Integer m = rs.getSpec().getMinReadySeconds();
    return m == null ? 0 : m;
  }

  private static long generation(ReplicaSet rs) {
    Long g = rs.getMetadata().getGeneration();
    return g == null ? 0 : g;
  }

  private static long observedGeneration(ReplicaSet rs) {
    Long g = rs.getStatus() == null ? null : rs.getStatus().getObservedGeneration();
    return g == null ? 0 : g;
  }

  private static String nodeName(Pod p) {
    String n = p.getSpec() == null ? null : p.getSpec().getNodeName();
    return n == null ? "" : n;
  }

  private static Map<String, String> labels(Map<String, String> l) {
    return l == null ? Map.of() : l;
  }

  private static String selectorField(ReplicaSet rs) {
    return "ReplicaSet "
        + rs.getMetadata().getNamespace()
        + "/"
        + rs.getMetadata().getName()
        + ": spec.selector";
  }
}
