package io.kubelab.cluster.controller.deployment;

import static io.kubelab.cluster.controller.deployment.DeploymentUtil.*;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.apimachinery.labels.LabelSelectors;
import io.kubelab.apimachinery.labels.Selector;
import io.kubelab.cluster.controller.ApiStatusException;
import io.kubelab.cluster.controller.ControllerRefManager;
import io.kubelab.cluster.controller.ControllerUtils;
import io.kubelab.cluster.controller.RateLimitingQueue;
import io.kubelab.cluster.controller.Workers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * The Deployment controller: keeps one ReplicaSet per pod template, scales the one with the
 * Deployment's template up and the others down (all at once, or in steps bounded by {@code
 * maxSurge} and {@code maxUnavailable}), and reports the rollout in the Deployment's status.
 *
 * <p>Upstream: {@code pkg/controller/deployment} ({@code deployment_controller.go}, {@code
 * sync.go}, {@code rolling.go}, {@code recreate.go}, {@code progress.go}), v1.18. A sync of one
 * Deployment ({@link #syncDeployment}):
 *
 * <ol>
 *   <li>claims the ReplicaSets its selector matches (adopting orphans, releasing those it no longer
 *       matches) and maps their pods;
 *   <li>being deleted: status only; paused, or its replicas changed ({@code isScalingEvent}):
 *       {@code sync}, which scales without rolling out, proportionally over the ReplicaSets when a
 *       rollout is under way;
 *   <li>else the strategy: {@code Recreate} scales every old ReplicaSet to 0, waits until none of
 *       their pods runs, then creates or scales up the new one; {@code RollingUpdate} scales the
 *       new one up while the total stays within {@code replicas + maxSurge}, and the old ones down
 *       while at least {@code replicas - maxUnavailable} pods stay available;
 *   <li>the status: counts summed over the ReplicaSets, and the {@code Available} and {@code
 *       Progressing} conditions, the latter timing out after {@code progressDeadlineSeconds}
 *       without progress.
 * </ol>
 *
 * <p>The new ReplicaSet is named {@code NAME-HASH} after its template ({@link
 * DeploymentUtil#computeHash}) and labelled {@code pod-template-hash: HASH}, the label added to its
 * selector and template too, so that the ReplicaSets of one Deployment never share pods. The
 * Deployment's revision is the largest of its ReplicaSets', plus one for a new one. Not modelled:
 * the deprecated rollback annotation ({@code kubectl rollout undo} of v1.18 rolls back from the
 * client, by writing the old template into the Deployment, which this controller then rolls out).
 */
public final class DeploymentController implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(DeploymentController.class.getName());

  /** Upstream {@code maxRetries}: a key is dropped from the queue after this many failures. */
  static final int MAX_RETRIES = 15;

  /** Upstream {@code ConcurrentDeploymentSyncs}, kube-controller-manager's default. */
  public static final int CONCURRENT_DEPLOYMENT_SYNCS = 5;

  static final String API_VERSION = "apps/v1";
  static final String KIND = "Deployment";

  /** The informers' stores. */
  public interface Cache {
    Deployment deployment(String namespace, String name);

    List<Deployment> deployments(String namespace);

    List<ReplicaSet> replicaSets(String namespace);

    List<Pod> pods(String namespace);
  }

  /** The API calls the controller makes. Failures are thrown ({@link ApiStatusException}). */
  public interface Client {
    /** An uncached read (before adopting). */
    Deployment getDeployment(String namespace, String name);

    Deployment updateDeploymentStatus(Deployment d);

    ReplicaSet createReplicaSet(ReplicaSet rs);

    ReplicaSet updateReplicaSet(ReplicaSet rs);

    void deleteReplicaSet(String namespace, String name);

    void patchReplicaSet(String namespace, String name, String strategicMergePatch);

    /** An event on the Deployment ({@code source.component: deployment-controller}). */
    void event(Deployment d, String type, String reason, String message);
  }

  private final Cache cache;
  private final Client client;
  private final Clock clock;
  private final RateLimitingQueue<String> queue;
  private final Workers workers = new Workers();

  public DeploymentController(Cache cache, Client client, Clock clock) {
    this.cache = cache;
    this.client = client;
    this.clock = clock;
    this.queue = new RateLimitingQueue<>(clock);
  }

  public RateLimitingQueue<String> queue() {
    return queue;
  }

  // ---- event handlers -----------------------------------------------------------------------

  public void addDeployment(Deployment d) {
    queue.add(ControllerUtils.key(d));
  }

  public void updateDeployment(Deployment old, Deployment cur) {
    queue.add(ControllerUtils.key(cur));
  }

  public void deleteDeployment(Deployment d) {
    queue.add(ControllerUtils.key(d));
  }

  public void addReplicaSet(ReplicaSet rs) {
    if (rs.getMetadata().getDeletionTimestamp() != null) {
      deleteReplicaSet(rs);
      return;
    }
    OwnerReference ref = ControllerUtils.controllerOf(rs);
    if (ref != null) {
      Deployment d = resolveControllerRef(rs.getMetadata().getNamespace(), ref);
      if (d != null) {
        queue.add(ControllerUtils.key(d));
      }
      return;
    }
    for (Deployment d : deploymentsForReplicaSet(rs)) {
      queue.add(ControllerUtils.key(d));
    }
  }

  public void updateReplicaSet(ReplicaSet old, ReplicaSet cur) {
    if (Objects.equals(
        cur.getMetadata().getResourceVersion(), old.getMetadata().getResourceVersion())) {
      return;
    }
    OwnerReference curRef = ControllerUtils.controllerOf(cur);
    OwnerReference oldRef = ControllerUtils.controllerOf(old);
    boolean refChanged = !Objects.equals(curRef, oldRef);
    if (refChanged && oldRef != null) {
      Deployment d = resolveControllerRef(old.getMetadata().getNamespace(), oldRef);
      if (d != null) {
        queue.add(ControllerUtils.key(d));
      }
    }
    if (curRef != null) {
      Deployment d = resolveControllerRef(cur.getMetadata().getNamespace(), curRef);
      if (d != null) {
        queue.add(ControllerUtils.key(d));
      }
      return;
    }
    boolean labelChanged =
        !Objects.equals(cur.getMetadata().getLabels(), old.getMetadata().getLabels());
    if (labelChanged || refChanged) {
      for (Deployment d : deploymentsForReplicaSet(cur)) {
        queue.add(ControllerUtils.key(d));
      }
    }
  }

  public void deleteReplicaSet(ReplicaSet rs) {
    OwnerReference ref = ControllerUtils.controllerOf(rs);
    if (ref == null) {
      return;
    }
    Deployment d = resolveControllerRef(rs.getMetadata().getNamespace(), ref);
    if (d != null) {
      queue.add(ControllerUtils.key(d));
    }
  }

  /** Only Recreate cares: its last old pod gone is when the new ReplicaSet may start. */
  public void deletePod(Pod pod) {
    Deployment d = deploymentForPod(pod);
    if (d == null
        || d.getSpec().getStrategy() == null
        || !"Recreate".equals(d.getSpec().getStrategy().getType())) {
      return;
    }
    List<ReplicaSet> owned = new ArrayList<>();
    for (ReplicaSet rs : cache.replicaSets(d.getMetadata().getNamespace())) {
      OwnerReference ref = ControllerUtils.controllerOf(rs);
      if (ref != null && Objects.equals(ref.getUid(), d.getMetadata().getUid())) {
        owned.add(rs);
      }
    }
    int pods = 0;
    try {
      for (List<Pod> l : podMap(d, owned).values()) {
        pods += l.size();
      }
    } catch (IllegalArgumentException e) {
      return; // an invalid selector: upstream returns on the error too
    }
    if (pods == 0) {
      queue.add(ControllerUtils.key(d));
    }
  }

  private Deployment deploymentForPod(Pod pod) {
    OwnerReference ref = ControllerUtils.controllerOf(pod);
    if (ref == null || !"ReplicaSet".equals(ref.getKind())) {
      return null;
    }
    ReplicaSet rs = null;
    for (ReplicaSet r : cache.replicaSets(pod.getMetadata().getNamespace())) {
      if (r.getMetadata().getName().equals(ref.getName())) {
        rs = r;
      }
    }
    if (rs == null || !Objects.equals(rs.getMetadata().getUid(), ref.getUid())) {
      return null;
    }
    OwnerReference dRef = ControllerUtils.controllerOf(rs);
    return dRef == null ? null : resolveControllerRef(rs.getMetadata().getNamespace(), dRef);
  }

  private Deployment resolveControllerRef(String namespace, OwnerReference ref) {
    if (!KIND.equals(ref.getKind())) {
      return null;
    }
    Deployment d = cache.deployment(namespace, ref.getName());
    if (d == null || !Objects.equals(d.getMetadata().getUid(), ref.getUid())) {
      return null;
    }
    return d;
  }

  /** {@code GetDeploymentsForReplicaSet}: Deployments whose non-empty selector matches it. */
  private List<Deployment> deploymentsForReplicaSet(ReplicaSet rs) {
    Map<String, String> labels = rs.getMetadata().getLabels();
    if (labels == null || labels.isEmpty()) {
      return List.of();
    }
    List<Deployment> out = new ArrayList<>();
    for (Deployment d : cache.deployments(rs.getMetadata().getNamespace())) {
      Selector s;
      try {
        s = LabelSelectors.compile(d.getSpec().getSelector(), "Deployment selector");
      } catch (IllegalArgumentException e) {
        return List.of(); // upstream gives up on the first invalid selector
      }
      if (!s.isEmpty() && s.matches(labels)) {
        out.add(d);
      }
    }
    return out;
  }

  // ---- workers ----------------------------------------------------------------------------

  public void run(int n) {
    workers.start("deployment-controller", n, this::processNextWorkItem);
  }

  /**
   * One key: sync it; on failure retry with back-off, at most {@value #MAX_RETRIES} times ({@code
   * handleErr}; a terminating namespace is not retried).
   */
  public boolean processNextWorkItem(Duration wait) throws InterruptedException {
    String key = queue.get(wait);
    if (key == null) {
      return !queue.isShuttingDown();
    }
    try {
      syncDeployment(key);
      queue.forget(key);
    } catch (RuntimeException e) {
      if (e instanceof ApiStatusException a && a.namespaceTerminating()) {
        queue.forget(key);
      } else if (queue.numRequeues(key) < MAX_RETRIES) {
        LOG.warning("Error syncing deployment " + key + ": " + e.getMessage());
        queue.addRateLimited(key);
      } else {
        LOG.warning("Dropping deployment " + key + " out of the queue: " + e.getMessage());
        queue.forget(key);
      }
    } finally {
      queue.done(key);
    }
    return true;
  }

  @Override
  public void close() {
    workers.stop(queue);
  }

  // ---- the sync -----------------------------------------------------------------------------

  /** {@code syncDeployment}. */
  public void syncDeployment(String key) {
    int slash = key.indexOf('/');
    Deployment cached = cache.deployment(key.substring(0, slash), key.substring(slash + 1));
    if (cached == null) {
      return; // deleted: its ReplicaSets go with the garbage collector
    }
    Deployment d = new DeploymentBuilder(cached).build(); // never change the cache's object
    LabelSelector sel = d.getSpec().getSelector();
    if (sel != null
        && (sel.getMatchLabels() == null || sel.getMatchLabels().isEmpty())
        && (sel.getMatchExpressions() == null || sel.getMatchExpressions().isEmpty())) {
      client.event(
          d,
          "Warning",
          "SelectingAll",
          "This deployment is selecting all pods. A non-empty selector is required.");
      long observed =
          d.getStatus() == null || d.getStatus().getObservedGeneration() == null
              ? 0
              : d.getStatus().getObservedGeneration();
      if (observed < generation(d)) {
        status(d).setObservedGeneration(generation(d));
        try {
          client.updateDeploymentStatus(d);
        } catch (RuntimeException ignored) {
          // upstream ignores this write's error
        }
      }
      return;
    }
    List<ReplicaSet> rsList = replicaSetsForDeployment(d);
    Map<String, List<Pod>> podMap = podMap(d, rsList);
    if (d.getMetadata().getDeletionTimestamp() != null) {
      syncStatusOnly(d, rsList);
      return;
    }
    checkPausedConditions(d);
    if (Boolean.TRUE.equals(d.getSpec().getPaused())) {
      sync(d, rsList);
      return;
    }
    if (isScalingEvent(d, rsList)) {
      sync(d, rsList);
      return;
    }
    switch (String.valueOf(d.getSpec().getStrategy().getType())) {
      case "Recreate" -> rolloutRecreate(d, rsList, podMap);
      case "RollingUpdate" -> rolloutRolling(d, rsList);
      default ->
          throw new IllegalStateException(
              "unexpected deployment strategy type: " + d.getSpec().getStrategy().getType());
    }
  }

  private static DeploymentStatus status(Deployment d) {
    if (d.getStatus() == null) {
      d.setStatus(new DeploymentStatus());
    }
    return d.getStatus();
  }

  /** {@code getReplicaSetsForDeployment}: claim what the selector matches. */
  private List<ReplicaSet> replicaSetsForDeployment(Deployment d) {
    Selector selector;
    try {
      selector =
          LabelSelectors.compile(
              d.getSpec().getSelector(),
              "Deployment "
                  + d.getMetadata().getNamespace()
                  + "/"
                  + d.getMetadata().getName()
                  + ": spec.selector");
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "deployment "
              + d.getMetadata().getNamespace()
              + "/"
              + d.getMetadata().getName()
              + " has invalid label selector: "
              + e.getMessage());
    }
    return new ControllerRefManager<ReplicaSet>(
            client::patchReplicaSet,
            "ReplicaSet",
            d,
            selector,
            API_VERSION,
            KIND,
            () -> {
              Deployment fresh;
              try {
                fresh =
                    client.getDeployment(d.getMetadata().getNamespace(), d.getMetadata().getName());
              } catch (RuntimeException e) {
                return "can't recheck DeletionTimestamp: " + e.getMessage();
              }
              if (!Objects.equals(fresh.getMetadata().getUid(), d.getMetadata().getUid())) {
                return "can't recheck DeletionTimestamp: original Deployment "
                    + d.getMetadata().getNamespace()
                    + "/"
                    + d.getMetadata().getName()
                    + " is gone: got uid "
                    + fresh.getMetadata().getUid()
                    + ", wanted "
                    + d.getMetadata().getUid();
              }
              if (fresh.getMetadata().getDeletionTimestamp() != null) {
                return fresh.getMetadata().getNamespace()
                    + "/"
                    + fresh.getMetadata().getName()
                    + " has just been deleted at "
                    + fresh.getMetadata().getDeletionTimestamp();
              }
              return null;
            })
        .claim(cache.replicaSets(d.getMetadata().getNamespace()));
  }

  /** {@code getPodMapForDeployment}: the Deployment's pods by the UID of their ReplicaSet. */
  private Map<String, List<Pod>> podMap(Deployment d, List<ReplicaSet> rsList) {
    Selector selector = LabelSelectors.compile(d.getSpec().getSelector(), "Deployment selector");
    Map<String, List<Pod>> map = new LinkedHashMap<>();
    for (ReplicaSet rs : rsList) {
      map.put(rs.getMetadata().getUid(), new ArrayList<>());
    }
    for (Pod p : cache.pods(d.getMetadata().getNamespace())) {
      Map<String, String> labels = p.getMetadata().getLabels();
      if (!selector.matches(labels == null ? Map.of() : labels)) {
        continue;
      }
      OwnerReference ref = ControllerUtils.controllerOf(p);
      if (ref != null && map.containsKey(ref.getUid())) {
        map.get(ref.getUid()).add(p);
      }
    }
    return map;
  }

  private void syncStatusOnly(Deployment d, List<ReplicaSet> rsList) {
    Found f = getAllReplicaSetsAndSyncRevision(d, rsList, false);
    syncDeploymentStatus(all(f), f.newRS, d);
  }

  /** {@code sync}: scale without rolling out (paused, or a change of replicas). */
  private void sync(Deployment d, List<ReplicaSet> rsList) {
    Found f = getAllReplicaSetsAndSyncRevision(d, rsList, false);
    scale(d, f.newRS, f.oldRSs);
    if (Boolean.TRUE.equals(d.getSpec().getPaused())) {
      cleanupDeployment(f.oldRSs, d);
    }
    syncDeploymentStatus(all(f), f.newRS, d);
  }

  /** {@code checkPausedConditions}: a paused Deployment's Progressing is Unknown. */
  private void checkPausedConditions(Deployment d) {
    if (!hasProgressDeadline(d)) {
      return;
    }
    DeploymentCondition cond = condition(d.getStatus(), PROGRESSING);
    if (cond != null && TIMED_OUT_REASON.equals(cond.getReason())) {
      return; // a timed-out rollout stays timed out until it makes progress
    }
    boolean pausedCond = cond != null && PAUSED_DEPLOY_REASON.equals(cond.getReason());
    boolean paused = Boolean.TRUE.equals(d.getSpec().getPaused());
    if (paused && !pausedCond) {
      setCondition(
          status(d),
          newCondition(
              PROGRESSING, "Unknown", PAUSED_DEPLOY_REASON, "Deployment is paused", clock.now()));
    } else if (!paused && pausedCond) {
      setCondition(
          status(d),
          newCondition(
              PROGRESSING, "Unknown", RESUMED_DEPLOY_REASON, "Deployment is resumed", clock.now()));
    } else {
      return;
    }
    Deployment updated = client.updateDeploymentStatus(d);
    d.setStatus(updated.getStatus());
    d.getMetadata().setResourceVersion(updated.getMetadata().getResourceVersion());
  }

  /** The new ReplicaSet (or null) and all the old ones. */
  private record Found(ReplicaSet newRS, List<ReplicaSet> oldRSs) {}

  private static List<ReplicaSet> all(Found f) {
    List<ReplicaSet> all = new ArrayList<>(f.oldRSs);
    if (f.newRS != null) {
      all.add(f.newRS);
    }
    return all;
  }

  private Found getAllReplicaSetsAndSyncRevision(
      Deployment d, List<ReplicaSet> rsList, boolean createIfNotExisted) {
    List<ReplicaSet> allOld = findOldReplicaSets(d, rsList);
    ReplicaSet newRS = getNewReplicaSet(d, rsList, allOld, createIfNotExisted);
    return new Found(newRS, allOld);
  }

  /**
   * {@code getNewReplicaSet}: the ReplicaSet with the Deployment's template, its revision and
   * annotations brought up to date; or, when asked to, a new one: {@code NAME-HASH}, sized by
   * {@link DeploymentUtil#newRSNewReplicas}. A name taken by a ReplicaSet with another template is
   * a hash collision: the collision count goes up and the next sync tries another name.
   */
  private ReplicaSet getNewReplicaSet(
      Deployment d, List<ReplicaSet> rsList, List<ReplicaSet> oldRSs, boolean createIfNotExisted) {
    ReplicaSet existing = findNewReplicaSet(d, rsList);
    String newRevision = String.valueOf(maxRevision(oldRSs) + 1);
    if (existing != null) {
      ReplicaSet copy = new ReplicaSetBuilder(existing).build();
      boolean annotationsUpdated = setNewReplicaSetAnnotations(d, copy, newRevision, true);
      int minReady =
          d.getSpec().getMinReadySeconds() == null ? 0 : d.getSpec().getMinReadySeconds();
      int rsMinReady =
          copy.getSpec().getMinReadySeconds() == null ? 0 : copy.getSpec().getMinReadySeconds();
      if (annotationsUpdated || rsMinReady != minReady) {
        copy.getSpec().setMinReadySeconds(minReady);
        return client.updateReplicaSet(copy);
      }
      boolean needsUpdate =
          setDeploymentRevision(d, copy.getMetadata().getAnnotations().get(REVISION_ANNOTATION));
      DeploymentCondition cond = condition(d.getStatus(), PROGRESSING);
      if (hasProgressDeadline(d) && cond == null) {
        setCondition(
            status(d),
            newCondition(
                PROGRESSING,
                "True",
                FOUND_NEW_RS_REASON,
                "Found new replica set \"" + copy.getMetadata().getName() + "\"",
                clock.now()));
        needsUpdate = true;
      }
      if (needsUpdate) {
        Deployment updated = client.updateDeploymentStatus(d);
        d.getMetadata().setResourceVersion(updated.getMetadata().getResourceVersion());
      }
      return copy;
    }
    if (!createIfNotExisted) {
      return null;
    }
    PodTemplateSpec template = new PodTemplateSpecBuilder(d.getSpec().getTemplate()).build();
    Integer collisionCount = d.getStatus() == null ? null : d.getStatus().getCollisionCount();
    String hash = computeHash(template, collisionCount);
    Map<String, String> labels = new LinkedHashMap<>();
    if (template.getMetadata().getLabels() != null) {
      labels.putAll(template.getMetadata().getLabels());
    }
    labels.put(POD_TEMPLATE_HASH, hash);
    template.getMetadata().setLabels(labels);
    LabelSelector selector =
        new LabelSelectorBuilder(d.getSpec().getSelector())
            .addToMatchLabels(POD_TEMPLATE_HASH, hash)
            .build();
    ReplicaSet newRS =
        new ReplicaSetBuilder()
            .withNewMetadata()
            .withName(d.getMetadata().getName() + "-" + hash)
            .withNamespace(d.getMetadata().getNamespace())
            .withOwnerReferences(ControllerUtils.newControllerRef(d, API_VERSION, KIND))
            .withLabels(new LinkedHashMap<>(labels))
            .endMetadata()
            .withNewSpec()
            .withReplicas(0)
            .withMinReadySeconds(d.getSpec().getMinReadySeconds())
            .withSelector(selector)
            .withTemplate(template)
            .endSpec()
            .build();
    List<ReplicaSet> allRSs = new ArrayList<>(oldRSs);
    allRSs.add(newRS);
    int newReplicas = newRSNewReplicas(d, allRSs, newRS);
    newRS.getSpec().setReplicas(newReplicas);
    setNewReplicaSetAnnotations(d, newRS, newRevision, false);

    boolean alreadyExists = false;
    ReplicaSet created;
    try {
      created = client.createReplicaSet(newRS);
    } catch (ApiStatusException e) {
      if ("AlreadyExists".equals(e.reason())) {
        alreadyExists = true;
        ReplicaSet rs = null;
        for (ReplicaSet r : cache.replicaSets(d.getMetadata().getNamespace())) {
          if (r.getMetadata().getName().equals(newRS.getMetadata().getName())) {
            rs = r;
          }
        }
        if (rs == null) {
          throw ApiStatusException.notFound(
              "replicaset.apps \"" + newRS.getMetadata().getName() + "\" not found");
        }
        OwnerReference ref = ControllerUtils.controllerOf(rs);
        if (ref != null
            && Objects.equals(ref.getUid(), d.getMetadata().getUid())
            && equalIgnoreHash(d.getSpec().getTemplate(), rs.getSpec().getTemplate())) {
          created = rs; // ours, from a sync whose create the cache had not seen yet
        } else {
          // a hash collision: another name next time
          DeploymentStatus s = status(d);
          s.setCollisionCount(s.getCollisionCount() == null ? 1 : s.getCollisionCount() + 1);
          try {
            client.updateDeploymentStatus(d);
          } catch (RuntimeException ignored) {
            // upstream logs only; the AlreadyExists error is what the sync returns
          }
          throw e;
        }
      } else if (e.namespaceTerminating()) {
        throw e;
      } else {
        throw failedToCreate(d, newRS, e);
      }
    } catch (RuntimeException e) {
      throw failedToCreate(d, newRS, e);
    }
    if (!alreadyExists && newReplicas > 0) {
      client.event(
          d,
          "Normal",
          "ScalingReplicaSet",
          "Scaled up replica set " + created.getMetadata().getName() + " to " + newReplicas);
    }
    boolean needsUpdate = setDeploymentRevision(d, newRevision);
    if (!alreadyExists && hasProgressDeadline(d)) {
      setCondition(
          status(d),
          newCondition(
              PROGRESSING,
              "True",
              NEW_REPLICA_SET_REASON,
              "Created new replica set \"" + created.getMetadata().getName() + "\"",
              clock.now()));
      needsUpdate = true;
    }
    if (needsUpdate) {
      Deployment updated = client.updateDeploymentStatus(d);
      d.getMetadata().setResourceVersion(updated.getMetadata().getResourceVersion());
    }
    return created;
  }

  private RuntimeException failedToCreate(Deployment d, ReplicaSet newRS, RuntimeException e) {
    String msg =
        "Failed to create new replica set \""
            + newRS.getMetadata().getName()
            + "\": "
            + e.getMessage();
    if (hasProgressDeadline(d)) {
      setCondition(
          status(d), newCondition(PROGRESSING, "False", FAILED_RS_CREATE_REASON, msg, clock.now()));
      try {
        client.updateDeploymentStatus(d);
      } catch (RuntimeException ignored) {
        // upstream ignores this write's error too
      }
    }
    client.event(d, "Warning", FAILED_RS_CREATE_REASON, msg);
    return e;
  }

  /** {@code isScalingEvent}: an active ReplicaSet's desired-replicas is not the Deployment's. */
  private boolean isScalingEvent(Deployment d, List<ReplicaSet> rsList) {
    Found f = getAllReplicaSetsAndSyncRevision(d, rsList, false);
    for (ReplicaSet rs : filterActive(all(f))) {
      Integer desired = intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
      if (desired != null && desired != replicas(d)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code scale}: a lone active (or latest) ReplicaSet takes the Deployment's replicas; a
   * saturated new one sends the old ones to 0; during a rolling update the change is shared out in
   * proportion to the ReplicaSets' sizes (largest first), the rounding leftover to the first.
   */
  void scale(Deployment d, ReplicaSet newRS, List<ReplicaSet> oldRSs) {
    ReplicaSet activeOrLatest = findActiveOrLatest(newRS, oldRSs);
    if (activeOrLatest != null) {
      if (replicas(activeOrLatest) != replicas(d)) {
        scaleReplicaSetAndRecordEvent(activeOrLatest, replicas(d), d);
      }
      return;
    }
    if (isSaturated(d, newRS)) {
      for (ReplicaSet old : filterActive(oldRSs)) {
        scaleReplicaSetAndRecordEvent(old, 0, d);
      }
      return;
    }
    if (isRollingUpdate(d)) {
      List<ReplicaSet> allRSs = new ArrayList<>(oldRSs);
      allRSs.add(newRS);
      allRSs = filterActive(allRSs);
      int allowedSize = replicas(d) > 0 ? replicas(d) + maxSurge(d) : 0;
      int toAdd = allowedSize - replicaCount(allRSs);
      String operation = "";
      if (toAdd > 0) {
        allRSs.sort(BY_SIZE_NEWER);
        operation = "up";
      } else if (toAdd < 0) {
        allRSs.sort(BY_SIZE_OLDER);
        operation = "down";
      }
      int added = 0;
      Map<String, Integer> nameToSize = new HashMap<>();
      for (ReplicaSet rs : allRSs) {
        if (toAdd != 0) {
          int p = proportion(rs, d, toAdd, added);
          nameToSize.put(rs.getMetadata().getName(), replicas(rs) + p);
          added += p;
        } else {
          nameToSize.put(rs.getMetadata().getName(), replicas(rs));
        }
      }
      for (int i = 0; i < allRSs.size(); i++) {
        ReplicaSet rs = allRSs.get(i);
        if (i == 0 && toAdd != 0) {
          int leftover = toAdd - added;
          nameToSize.put(
              rs.getMetadata().getName(),
              Math.max(0, nameToSize.get(rs.getMetadata().getName()) + leftover));
        }
        scaleReplicaSet(rs, nameToSize.get(rs.getMetadata().getName()), d, operation);
      }
    }
  }

  /** {@code scaleReplicaSetAndRecordEvent}: the new ReplicaSet, or null when not scaled. */
  private ReplicaSet scaleReplicaSetAndRecordEvent(ReplicaSet rs, int newScale, Deployment d) {
    if (replicas(rs) == newScale) {
      return null;
    }
    return scaleReplicaSet(rs, newScale, d, replicas(rs) < newScale ? "up" : "down");
  }

  /**
   * {@code scaleReplicaSet}: writes the size and the replicas annotations when either is off;
   * returns the ReplicaSet written when its size changed (an event {@code Scaled up replica set
   * NAME to N}), else null.
   */
  private ReplicaSet scaleReplicaSet(ReplicaSet rs, int newScale, Deployment d, String operation) {
    boolean sizeNeedsUpdate = replicas(rs) != newScale;
    int max = replicas(d) + maxSurge(d);
    boolean annotationsNeedUpdate = replicasAnnotationsNeedUpdate(rs, replicas(d), max);
    if (!sizeNeedsUpdate && !annotationsNeedUpdate) {
      return null;
    }
    ReplicaSet copy = new ReplicaSetBuilder(rs).build();
    copy.getSpec().setReplicas(newScale);
    setReplicasAnnotations(copy, replicas(d), max);
    ReplicaSet written = client.updateReplicaSet(copy);
    if (sizeNeedsUpdate) {
      client.event(
          d,
          "Normal",
          "ScalingReplicaSet",
          "Scaled "
              + operation
              + " replica set "
              + written.getMetadata().getName()
              + " to "
              + newScale);
      return written;
    }
    return null;
  }

  /**
   * {@code cleanupDeployment}: beyond {@code revisionHistoryLimit} old ReplicaSets, delete the
   * oldest that are empty and settled.
   */
  private void cleanupDeployment(List<ReplicaSet> oldRSs, Deployment d) {
    if (!hasRevisionHistoryLimit(d)) {
      return;
    }
    List<ReplicaSet> cleanable = new ArrayList<>();
    for (ReplicaSet rs : oldRSs) {
      if (rs != null && rs.getMetadata().getDeletionTimestamp() == null) {
        cleanable.add(rs);
      }
    }
    int diff = cleanable.size() - d.getSpec().getRevisionHistoryLimit();
    if (diff <= 0) {
      return;
    }
    cleanable.sort(BY_CREATION);
    for (int i = 0; i < diff; i++) {
      ReplicaSet rs = cleanable.get(i);
      long gen = rs.getMetadata().getGeneration() == null ? 0 : rs.getMetadata().getGeneration();
      long observed =
          rs.getStatus() == null || rs.getStatus().getObservedGeneration() == null
              ? 0
              : rs.getStatus().getObservedGeneration();
      if ((rs.getStatus() != null && count(rs.getStatus().getReplicas()) != 0)
          || replicas(rs) != 0
          || gen > observed
          || rs.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      try {
        client.deleteReplicaSet(rs.getMetadata().getNamespace(), rs.getMetadata().getName());
      } catch (ApiStatusException e) {
        if (!e.isNotFound()) {
          throw e;
        }
      }
    }
  }

  /** {@code syncDeploymentStatus}: writes {@link #calculateStatus} when it differs. */
  private void syncDeploymentStatus(List<ReplicaSet> allRSs, ReplicaSet newRS, Deployment d) {
    DeploymentStatus s = calculateStatus(allRSs, newRS, d);
    if (Objects.equals(d.getStatus(), s)) {
      return;
    }
    d.setStatus(s);
    client.updateDeploymentStatus(d);
  }

  /** {@code calculateStatus}: sums over the ReplicaSets, and the Available condition. */
  DeploymentStatus calculateStatus(List<ReplicaSet> allRSs, ReplicaSet newRS, Deployment d) {
    int available = availableReplicaCount(allRSs);
    int total = replicaCount(allRSs);
    DeploymentStatus old = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
    DeploymentStatus s =
        new DeploymentStatusBuilder()
            .withObservedGeneration(generation(d))
            .withReplicas(actualReplicaCount(allRSs))
            .withUpdatedReplicas(actualReplicaCount(newRS == null ? List.of() : List.of(newRS)))
            .withReadyReplicas(readyReplicaCount(allRSs))
            .withAvailableReplicas(available)
            .withUnavailableReplicas(Math.max(0, total - available))
            .withCollisionCount(old.getCollisionCount())
            .withConditions(
                old.getConditions() == null
                    ? new ArrayList<>()
                    : new ArrayList<>(old.getConditions()))
            .build();
    if (available >= replicas(d) - maxUnavailable(d)) {
      setCondition(
          s,
          newCondition(
              AVAILABLE,
              "True",
              MINIMUM_REPLICAS_AVAILABLE,
              "Deployment has minimum availability.",
              clock.now()));
    } else {
      setCondition(
          s,
          newCondition(
              AVAILABLE,
              "False",
              MINIMUM_REPLICAS_UNAVAILABLE,
              "Deployment does not have minimum availability.",
              clock.now()));
    }
    return s;
  }

  // ---- Recreate --------------------------------------------------------------------------

  /** {@code rolloutRecreate}: all old pods gone before the new ReplicaSet grows. */
  private void rolloutRecreate(
      Deployment d, List<ReplicaSet> rsList, Map<String, List<Pod>> podMap) {
    Found f = getAllReplicaSetsAndSyncRevision(d, rsList, false);
    boolean scaledDown = false;
    for (ReplicaSet rs : filterActive(f.oldRSs)) {
      if (scaleReplicaSetAndRecordEvent(rs, 0, d) != null) {
        scaledDown = true;
      }
    }
    if (scaledDown) {
      syncRolloutStatus(all(f), f.newRS, d);
      return;
    }
    if (oldPodsRunning(f.newRS, f.oldRSs, podMap)) {
      syncRolloutStatus(all(f), f.newRS, d);
      return;
    }
    if (f.newRS == null) {
      f = getAllReplicaSetsAndSyncRevision(d, rsList, true);
    }
    scaleReplicaSetAndRecordEvent(f.newRS, replicas(d), d);
    if (deploymentComplete(d, status(d))) {
      cleanupDeployment(f.oldRSs, d);
    }
    syncRolloutStatus(all(f), f.newRS, d);
  }

  /**
   * {@code oldPodsRunning}: an old ReplicaSet still counts pods, or one of its pods is not done.
   */
  static boolean oldPodsRunning(
      ReplicaSet newRS, List<ReplicaSet> oldRSs, Map<String, List<Pod>> podMap) {
    if (actualReplicaCount(oldRSs) > 0) {
      return true;
    }
    for (Map.Entry<String, List<Pod>> e : podMap.entrySet()) {
      if (newRS != null && Objects.equals(newRS.getMetadata().getUid(), e.getKey())) {
        continue;
      }
      for (Pod p : e.getValue()) {
        String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
        if (!"Failed".equals(phase) && !"Succeeded".equals(phase)) {
          return true;
        }
      }
    }
    return false;
  }

  // ---- RollingUpdate ---------------------------------------------------------------------

  /** {@code rolloutRolling}: scale the new one up, else the old ones down, then the status. */
  private void rolloutRolling(Deployment d, List<ReplicaSet> rsList) {
    Found f = getAllReplicaSetsAndSyncRevision(d, rsList, true);
    List<ReplicaSet> allRSs = all(f);
    if (reconcileNewReplicaSet(allRSs, f.newRS, d)) {
      syncRolloutStatus(allRSs, f.newRS, d);
      return;
    }
    if (reconcileOldReplicaSets(allRSs, filterActive(f.oldRSs), f.newRS, d)) {
      syncRolloutStatus(allRSs, f.newRS, d);
      return;
    }
    if (deploymentComplete(d, status(d))) {
      cleanupDeployment(f.oldRSs, d);
    }
    syncRolloutStatus(allRSs, f.newRS, d);
  }

  private boolean reconcileNewReplicaSet(List<ReplicaSet> allRSs, ReplicaSet newRS, Deployment d) {
    if (replicas(newRS) == replicas(d)) {
      return false;
    }
    if (replicas(newRS) > replicas(d)) {
      return scaleReplicaSetAndRecordEvent(newRS, replicas(d), d) != null;
    }
    return scaleReplicaSetAndRecordEvent(newRS, newRSNewReplicas(d, allRSs, newRS), d) != null;
  }

  /**
   * {@code reconcileOldReplicaSets}: how many old pods may go now ({@code maxScaledDown}: all pods,
   * less the minimum available, less the new ReplicaSet's unavailable ones); unhealthy old pods go
   * first ({@code cleanupUnhealthyReplicas}), then available ones while enough stay.
   */
  private boolean reconcileOldReplicaSets(
      List<ReplicaSet> allRSs, List<ReplicaSet> oldRSs, ReplicaSet newRS, Deployment d) {
    if (replicaCount(oldRSs) == 0) {
      return false;
    }
    int allPods = replicaCount(allRSs);
    int minAvailable = replicas(d) - maxUnavailable(d);
    int newUnavailable = replicas(newRS) - available(newRS);
    int maxScaledDown = allPods - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) {
      return false;
    }
    List<ReplicaSet> olds = new ArrayList<>(oldRSs);
    int cleanup;
    try {
      cleanup = cleanupUnhealthyReplicas(olds, d, maxScaledDown);
    } catch (RuntimeException e) {
      return false; // upstream: "return false, nil"
    }
    List<ReplicaSet> all = new ArrayList<>(olds);
    all.add(newRS);
    int scaledDown;
    try {
      scaledDown = scaleDownOldReplicaSetsForRollingUpdate(all, olds, d);
    } catch (RuntimeException e) {
      return false;
    }
    return cleanup + scaledDown > 0;
  }

  private int cleanupUnhealthyReplicas(List<ReplicaSet> oldRSs, Deployment d, int maxCleanup) {
    oldRSs.sort(BY_CREATION);
    int total = 0;
    for (int i = 0; i < oldRSs.size(); i++) {
      ReplicaSet rs = oldRSs.get(i);
      if (total >= maxCleanup) {
        break;
      }
      if (replicas(rs) == 0 || replicas(rs) == available(rs)) {
        continue; // nothing to clean, or every pod available
      }
      int n = Math.min(maxCleanup - total, replicas(rs) - available(rs));
      int newReplicas = replicas(rs) - n;
      if (newReplicas > replicas(rs)) {
        // a status that says more are available than asked for (it lags a scale-down)
        throw invalidScaleDown("when cleaning up unhealthy replicas", rs, newReplicas);
      }
      ReplicaSet updated = scaleReplicaSetAndRecordEvent(rs, newReplicas, d);
      total += n;
      if (updated != null) {
        oldRSs.set(i, updated);
      }
    }
    return total;
  }

  private static IllegalStateException invalidScaleDown(String when, ReplicaSet rs, int to) {
    return new IllegalStateException(
        when
            + ", got invalid request to scale down "
            + rs.getMetadata().getNamespace()
            + "/"
            + rs.getMetadata().getName()
            + " "
            + replicas(rs)
            + " -> "
            + to);
  }

  private int scaleDownOldReplicaSetsForRollingUpdate(
      List<ReplicaSet> allRSs, List<ReplicaSet> oldRSs, Deployment d) {
    int minAvailable = replicas(d) - maxUnavailable(d);
    int availableNow = availableReplicaCount(allRSs);
    if (availableNow <= minAvailable) {
      return 0;
    }
    oldRSs.sort(BY_CREATION);
    int total = 0;
    int toScaleDown = availableNow - minAvailable;
    for (ReplicaSet rs : oldRSs) {
      if (total >= toScaleDown) {
        break;
      }
      if (replicas(rs) == 0) {
        continue;
      }
      int n = Math.min(replicas(rs), toScaleDown - total);
      if (replicas(rs) - n > replicas(rs)) {
        throw invalidScaleDown("when scaling down old RS", rs, replicas(rs) - n);
      }
      scaleReplicaSetAndRecordEvent(rs, replicas(rs) - n, d);
      total += n;
    }
    return total;
  }

  // ---- progress ----------------------------------------------------------------------------

  /**
   * {@code syncRolloutStatus}: the status with the Progressing condition ({@code
   * NewReplicaSetAvailable} when complete, {@code ReplicaSetUpdated} while progressing, {@code
   * ProgressDeadlineExceeded} after the deadline) and the ReplicaSets' {@code ReplicaFailure};
   * unchanged, it asks to be synced again when the deadline could pass.
   */
  private void syncRolloutStatus(List<ReplicaSet> allRSs, ReplicaSet newRS, Deployment d) {
    DeploymentStatus s = calculateStatus(allRSs, newRS, d);
    Instant now = clock.now();
    if (!hasProgressDeadline(d)) {
      removeCondition(s, PROGRESSING);
    }
    DeploymentCondition current = condition(d.getStatus(), PROGRESSING);
    boolean complete =
        count(s.getReplicas()) == count(s.getUpdatedReplicas())
            && current != null
            && NEW_RS_AVAILABLE_REASON.equals(current.getReason());
    if (hasProgressDeadline(d) && !complete) {
      String who =
          newRS != null
              ? "ReplicaSet \"" + newRS.getMetadata().getName() + "\""
              : "Deployment \"" + d.getMetadata().getName() + "\"";
      if (deploymentComplete(d, s)) {
        setCondition(
            s,
            newCondition(
                PROGRESSING,
                "True",
                NEW_RS_AVAILABLE_REASON,
                who + " has successfully progressed.",
                now));
      } else if (deploymentProgressing(d, s)) {
        DeploymentCondition c =
            newCondition(
                PROGRESSING, "True", REPLICA_SET_UPDATED_REASON, who + " is progressing.", now);
        if (current != null) {
          if ("True".equals(current.getStatus())) {
            c.setLastTransitionTime(current.getLastTransitionTime());
          }
          removeCondition(s, PROGRESSING);
        }
        setCondition(s, c);
      } else if (deploymentTimedOut(d, s, now)) {
        setCondition(
            s,
            newCondition(
                PROGRESSING, "False", TIMED_OUT_REASON, who + " has timed out progressing.", now));
      }
    }
    List<DeploymentCondition> failures = replicaFailures(allRSs, newRS);
    if (!failures.isEmpty()) {
      setCondition(s, failures.get(0));
    } else {
      removeCondition(s, REPLICA_FAILURE);
    }
    if (Objects.equals(d.getStatus(), s)) {
      requeueStuckDeployment(d, s, now);
      return;
    }
    d.setStatus(s);
    client.updateDeploymentStatus(d);
  }

  private static List<DeploymentCondition> replicaFailures(
      List<ReplicaSet> allRSs, ReplicaSet newRS) {
    List<DeploymentCondition> out = new ArrayList<>();
    List<ReplicaSet> first = newRS == null ? List.of() : List.of(newRS);
    for (List<ReplicaSet> group : List.of(first, allRSs)) {
      for (ReplicaSet rs : group) {
        if (rs == null || rs.getStatus() == null || rs.getStatus().getConditions() == null) {
          continue;
        }
        for (ReplicaSetCondition c : rs.getStatus().getConditions()) {
          if (REPLICA_FAILURE.equals(c.getType())) {
            out.add(fromReplicaSetCondition(c));
          }
        }
      }
      if (!out.isEmpty()) {
        return out;
      }
    }
    return out;
  }

  /**
   * {@code requeueStuckDeployment}: a rollout in progress is looked at again once its deadline
   * could have passed (rate-limited at once when less than a second is left).
   */
  Duration requeueStuckDeployment(Deployment d, DeploymentStatus s, Instant now) {
    DeploymentCondition current = condition(d.getStatus(), PROGRESSING);
    if (!hasProgressDeadline(d) || current == null) {
      return Duration.ofSeconds(-1);
    }
    if (deploymentComplete(d, s) || TIMED_OUT_REASON.equals(current.getReason())) {
      return Duration.ofSeconds(-1);
    }
    Instant updated = ControllerUtils.time(current.getLastUpdateTime());
    if (updated == null) {
      updated = Instant.EPOCH.minusSeconds(62135596800L); // Go's zero time: long past
    }
    Duration after =
        Duration.between(now, updated.plusSeconds(d.getSpec().getProgressDeadlineSeconds()));
    String key = ControllerUtils.key(d);
    if (after.compareTo(Duration.ofSeconds(1)) < 0) {
      queue.addRateLimited(key);
      return Duration.ZERO;
    }
    queue.addAfter(key, after.plusSeconds(1));
    return after;
  }
}
