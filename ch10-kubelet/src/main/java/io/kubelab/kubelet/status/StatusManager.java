package io.kubelab.kubelet.status;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.kubelet.container.ContainerId;
import io.kubelab.kubelet.util.SerialExecutor;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;

/**
 * The kubelet's status manager: caches the newest status of every pod with a version, and writes
 * statuses to the API server from a single sync "goroutine", on demand and in a batch every {@value
 * #SYNC_PERIOD_SECONDS} s.
 *
 * <p>Upstream: {@code pkg/kubelet/status/status_manager.go} ({@code manager}). How the pieces map:
 *
 * <ul>
 *   <li>{@code podStatuses} (the cache) and the per-pod versions, guarded by one lock.
 *   <li>{@code podStatusChannel}, buffered with {@value #CHANNEL_CAPACITY} requests: an update that
 *       finds it full is not queued, and the next batch sync catches it.
 *   <li>{@code apiStatusVersions}: the last version written per pod, touched only by the sync
 *       goroutine. A write happens only when the cached version is newer, which is what keeps a
 *       stale status from overwriting a newer one after a failed write.
 *   <li>The batch, on every tick of a {@code time.Tick(10s)} ({@link Clock#ticker}: a tick that
 *       finds the goroutine busy waits, the rest are dropped): drop queued requests, then sync
 *       every pod whose version was not written or whose API status differs from the cache (the
 *       kubelet is the source of truth).
 * </ul>
 *
 * <p>The sync goroutine is a {@link SerialExecutor} over the executor the owner passes: a named
 * thread, or the thread stepping a {@code FakeClock} in a simulation, where a status reaches the
 * API within the clock step that produced it. {@link #close()} stops the ticker. Static and mirror
 * pods are not modelled.
 */
public final class StatusManager implements Manager, AutoCloseable {

  /** Upstream {@code syncPeriod}. */
  public static final long SYNC_PERIOD_SECONDS = 10;

  /** Upstream buffers {@code podStatusChannel} with 1000 requests. */
  public static final int CHANNEL_CAPACITY = 1000;

  /** Upstream {@code kubecontainer.MaxPodTerminationMessageLogLength}: 12 KiB. */
  static final int MAX_POD_TERMINATION_MESSAGE_LOG_LENGTH = 1024 * 12;

  private static final System.Logger LOG = System.getLogger(StatusManager.class.getName());

  private record SyncRequest(String podUid, VersionedPodStatus status) {}

  private final PodStatusClient client;
  private final PodManager podManager;
  private final PodDeletionSafetyProvider deletionSafety;
  private final Clock clock;

  private final Object lock = new Object();
  private final Map<String, VersionedPodStatus> podStatuses = new HashMap<>();

  private final ArrayBlockingQueue<SyncRequest> podStatusChannel =
      new ArrayBlockingQueue<>(CHANNEL_CAPACITY);
  private final SerialExecutor goroutine;
  // Touched only by the sync goroutine.
  private final Map<String, Long> apiStatusVersions = new HashMap<>();

  private Clock.Timer syncTicker;

  /**
   * @param executor where the sync goroutine runs (one task at a time is guaranteed here): a named
   *     thread, or tasks in place on a {@code FakeClock}'s stepping thread
   */
  public StatusManager(
      PodStatusClient client,
      PodManager podManager,
      PodDeletionSafetyProvider deletionSafety,
      Clock clock,
      Executor executor) {
    this.client = client;
    this.podManager = podManager;
    this.deletionSafety = deletionSafety;
    this.clock = clock;
    this.goroutine = new SerialExecutor(executor);
  }

  /**
   * Starts the batch ticker (upstream {@code Start}); requests are synced as they come from the
   * start.
   */
  public synchronized void start() {
    if (syncTicker != null) {
      throw new IllegalStateException("StatusManager already started");
    }
    Duration period = Duration.ofSeconds(SYNC_PERIOD_SECONDS);
    syncTicker = clock.ticker(period, period, goroutine, this::syncBatchTick);
  }

  /** Stops the batch ticker. Requests already queued are still synced. */
  @Override
  public synchronized void close() {
    if (syncTicker != null) {
      syncTicker.close();
    }
  }

  /** One request off the channel (the goroutine's {@code case syncRequest := <-channel}). */
  private void syncOneRequest() {
    SyncRequest r = podStatusChannel.poll();
    if (r != null) {
      syncPod(r.podUid(), r.status());
    }
  }

  /** The goroutine's {@code case <-syncTicker}: the batch covers every queued request. */
  private void syncBatchTick() {
    podStatusChannel.clear();
    syncBatch();
  }

  /** Requests waiting on the channel. */
  int queuedRequests() {
    return podStatusChannel.size();
  }

  @Override
  public Optional<PodStatus> getPodStatus(String podUid) {
    synchronized (lock) {
      VersionedPodStatus s = podStatuses.get(podUid);
      return s == null ? Optional.empty() : Optional.of(copy(s.status()));
    }
  }

  /** The cached status with its version. */
  public Optional<VersionedPodStatus> getVersioned(String podUid) {
    synchronized (lock) {
      return Optional.ofNullable(podStatuses.get(podUid));
    }
  }

  @Override
  public void setPodStatus(Pod pod, PodStatus status) {
    boolean queued;
    synchronized (lock) {
      for (PodCondition c :
          pod.getStatus() == null ? List.<PodCondition>of() : pod.getStatus().getConditions()) {
        if (!PodConditions.ownedByKubelet(c.getType())) {
          LOG.log(
              Level.ERROR,
              "Kubelet is trying to update pod condition \""
                  + c.getType()
                  + "\" for pod \""
                  + describe(pod)
                  + "\". But it is not owned by kubelet.");
        }
      }
      // Force an update for a terminating pod so that its deletion can go ahead.
      queued =
          updateStatusInternal(pod, copy(status), pod.getMetadata().getDeletionTimestamp() != null);
    }
    signal(queued);
  }

  /** Wakes the goroutine for a queued request; outside the lock, as it may run in place. */
  private void signal(boolean queued) {
    if (queued) {
      goroutine.execute(this::syncOneRequest);
    }
  }

  @Override
  public void setContainerReadiness(String podUid, ContainerId containerId, boolean ready) {
    boolean queued;
    synchronized (lock) {
      queued = setContainerReadinessLocked(podUid, containerId, ready);
    }
    signal(queued);
  }

  private boolean setContainerReadinessLocked(
      String podUid, ContainerId containerId, boolean ready) {
    {
      Optional<Pod> maybePod = podManager.getPodByUid(podUid);
      if (maybePod.isEmpty()) {
        return false; // deleted: nothing to update
      }
      Pod pod = maybePod.get();
      VersionedPodStatus old = podStatuses.get(podUid);
      if (old == null) {
        LOG.log(
            Level.WARNING,
            "Container readiness changed before pod has synced: \""
                + describe(pod)
                + "\" - \""
                + containerId
                + "\"");
        return false;
      }
      ContainerStatus cs = findContainerStatus(old.status(), containerId);
      if (cs == null) {
        LOG.log(
            Level.WARNING,
            "Container readiness changed for unknown container: \""
                + describe(pod)
                + "\" - \""
                + containerId
                + "\"");
        return false;
      }
      if (Boolean.valueOf(ready).equals(cs.getReady()) || (!ready && cs.getReady() == null)) {
        return false;
      }
      PodStatus status = copy(old.status());
      findContainerStatus(status, containerId).setReady(ready);
      replaceCondition(
          status,
          PodConditions.podReady(
              pod.getSpec(),
              status.getConditions(),
              status.getContainerStatuses(),
              status.getPhase()));
      replaceCondition(
          status,
          PodConditions.containersReady(
              pod.getSpec(), status.getContainerStatuses(), status.getPhase()));
      return updateStatusInternal(pod, status, false);
    }
  }

  @Override
  public void setContainerStartup(String podUid, ContainerId containerId, boolean started) {
    boolean queued;
    synchronized (lock) {
      queued = setContainerStartupLocked(podUid, containerId, started);
    }
    signal(queued);
  }

  private boolean setContainerStartupLocked(
      String podUid, ContainerId containerId, boolean started) {
    {
      Optional<Pod> maybePod = podManager.getPodByUid(podUid);
      if (maybePod.isEmpty()) {
        return false;
      }
      Pod pod = maybePod.get();
      VersionedPodStatus old = podStatuses.get(podUid);
      if (old == null) {
        LOG.log(
            Level.WARNING,
            "Container startup changed before pod has synced: \""
                + describe(pod)
                + "\" - \""
                + containerId
                + "\"");
        return false;
      }
      ContainerStatus cs = findContainerStatus(old.status(), containerId);
      if (cs == null) {
        LOG.log(
            Level.WARNING,
            "Container startup changed for unknown container: \""
                + describe(pod)
                + "\" - \""
                + containerId
                + "\"");
        return false;
      }
      if (cs.getStarted() != null && cs.getStarted() == started) {
        return false;
      }
      PodStatus status = copy(old.status());
      findContainerStatus(status, containerId).setStarted(started);
      return updateStatusInternal(pod, status, false);
    }
  }

  @Override
  public void terminatePod(Pod pod) {
    boolean queued;
    synchronized (lock) {
      VersionedPodStatus cached = podStatuses.get(pod.getMetadata().getUid());
      PodStatus status = copy(cached != null ? cached.status() : pod.getStatus());
      // We do not know whether the containers succeeded, so always report an error.
      for (List<ContainerStatus> list :
          List.of(status.getContainerStatuses(), status.getInitContainerStatuses())) {
        for (ContainerStatus c : list) {
          if (c.getState() != null
              && (c.getState().getTerminated() != null || c.getState().getWaiting() != null)) {
            continue;
          }
          c.setState(
              new ContainerStateBuilder()
                  .withNewTerminated()
                  .withReason("ContainerStatusUnknown")
                  .withMessage("The container could not be located when the pod was terminated")
                  .withExitCode(137)
                  .endTerminated()
                  .build());
        }
      }
      queued = updateStatusInternal(pod, status, true);
    }
    signal(queued);
  }

  @Override
  public void removeOrphanedStatuses(Set<String> podUids) {
    synchronized (lock) {
      podStatuses.keySet().retainAll(podUids);
    }
  }

  /** Must hold {@link #lock}. Returns whether a sync request was queued. */
  private boolean updateStatusInternal(Pod pod, PodStatus status, boolean forceUpdate) {
    String uid = pod.getMetadata().getUid();
    VersionedPodStatus cached = podStatuses.get(uid);
    PodStatus oldStatus =
        cached != null
            ? cached.status()
            : pod.getStatus() != null ? pod.getStatus() : new PodStatus();
    String restartPolicy = pod.getSpec().getRestartPolicy();
    if (restartPolicy == null || restartPolicy.isEmpty()) {
      restartPolicy = "Always"; // the API server's default
    }
    String illegal =
        checkContainerStateTransition(
            oldStatus.getContainerStatuses(), status.getContainerStatuses(), restartPolicy);
    if (illegal == null) {
      illegal =
          checkContainerStateTransition(
              oldStatus.getInitContainerStatuses(),
              status.getInitContainerStatuses(),
              restartPolicy);
    }
    if (illegal != null) {
      LOG.log(
          Level.ERROR,
          "Status update on pod "
              + pod.getMetadata().getNamespace()
              + "/"
              + pod.getMetadata().getName()
              + " aborted: "
              + illegal);
      return false;
    }
    String now = rfc3339(clock.now());
    for (String type :
        List.of(
            PodConditions.CONTAINERS_READY,
            PodConditions.READY,
            PodConditions.INITIALIZED,
            PodConditions.POD_SCHEDULED)) {
      updateLastTransitionTime(status, oldStatus, type, now);
    }
    if (oldStatus.getStartTime() != null && !oldStatus.getStartTime().isEmpty()) {
      status.setStartTime(oldStatus.getStartTime());
    } else if (status.getStartTime() == null || status.getStartTime().isEmpty()) {
      status.setStartTime(now);
    }
    normalizeStatus(pod, status);
    if (cached != null && isPodStatusByKubeletEqual(cached.status(), status) && !forceUpdate) {
      return false; // nothing new
    }
    VersionedPodStatus next =
        new VersionedPodStatus(
            status,
            cached == null ? 1 : cached.version() + 1,
            pod.getMetadata().getName(),
            pod.getMetadata().getNamespace());
    podStatuses.put(uid, next);
    if (!podStatusChannel.offer(new SyncRequest(uid, next))) {
      // The channel is full; we must not block while holding the lock. The batch will sync it.
      LOG.log(
          Level.DEBUG,
          "Skipping the status update for pod \""
              + describe(pod)
              + "\" for now because the channel is full");
      return false;
    }
    return true;
  }

  /**
   * A terminated container may only run again if the pod always restarts, or restarts on failure
   * and it failed. Returns the error text, or null.
   */
  static String checkContainerStateTransition(
      List<ContainerStatus> oldStatuses, List<ContainerStatus> newStatuses, String restartPolicy) {
    if ("Always".equals(restartPolicy)) {
      return null;
    }
    for (ContainerStatus old : oldStatuses) {
      if (old.getState() == null || old.getState().getTerminated() == null) {
        continue;
      }
      Integer exit = old.getState().getTerminated().getExitCode();
      if (exit != null && exit != 0 && "OnFailure".equals(restartPolicy)) {
        continue;
      }
      for (ContainerStatus n : newStatuses) {
        if (old.getName().equals(n.getName())
            && (n.getState() == null || n.getState().getTerminated() == null)) {
          return "terminated container "
              + n.getName()
              + " attempted illegal transition to non-terminated state";
        }
      }
    }
    return null;
  }

  private static void updateLastTransitionTime(
      PodStatus status, PodStatus oldStatus, String type, String now) {
    PodCondition c = PodConditions.findCondition(status.getConditions(), type);
    if (c == null) {
      return;
    }
    PodCondition old = PodConditions.findCondition(oldStatus.getConditions(), type);
    c.setLastTransitionTime(
        old != null && java.util.Objects.equals(c.getStatus(), old.getStatus())
            ? old.getLastTransitionTime()
            : now);
  }

  /** Equal when the kubelet-owned conditions and everything but conditions are equal. */
  static boolean isPodStatusByKubeletEqual(PodStatus oldStatus, PodStatus status) {
    PodStatus oldCopy = copy(oldStatus);
    for (PodCondition c : status.getConditions()) {
      if (PodConditions.ownedByKubelet(c.getType())) {
        PodCondition oc = PodConditions.findCondition(oldCopy.getConditions(), c.getType());
        if (oc == null
            || !java.util.Objects.equals(oc.getStatus(), c.getStatus())
            || !java.util.Objects.equals(oc.getMessage(), c.getMessage())
            || !java.util.Objects.equals(oc.getReason(), c.getReason())) {
          return false;
        }
      }
    }
    oldCopy.setConditions(status.getConditions());
    return oldCopy.equals(status);
  }

  /**
   * Seconds-precision timestamps (the API stores no more), container statuses sorted by name and
   * init statuses in spec order, termination messages cut to a share of 12 KiB.
   */
  static PodStatus normalizeStatus(Pod pod, PodStatus status) {
    int containers =
        pod.getSpec().getContainers().size() + pod.getSpec().getInitContainers().size();
    int bytesPerStatus =
        containers > 0
            ? MAX_POD_TERMINATION_MESSAGE_LOG_LENGTH / containers
            : MAX_POD_TERMINATION_MESSAGE_LOG_LENGTH;
    status.setStartTime(truncate(status.getStartTime()));
    for (PodCondition c : status.getConditions()) {
      c.setLastProbeTime(truncate(c.getLastProbeTime()));
      c.setLastTransitionTime(truncate(c.getLastTransitionTime()));
    }
    for (List<ContainerStatus> list :
        List.of(status.getContainerStatuses(), status.getInitContainerStatuses())) {
      for (ContainerStatus cs : list) {
        normalizeState(cs.getState(), bytesPerStatus);
        normalizeState(cs.getLastState(), bytesPerStatus);
      }
    }
    status.getContainerStatuses().sort(Comparator.comparing(ContainerStatus::getName));
    List<String> initOrder = new ArrayList<>();
    pod.getSpec().getInitContainers().forEach(c -> initOrder.add(c.getName()));
    status
        .getInitContainerStatuses()
        .sort(Comparator.comparingInt(c -> indexOrLast(initOrder, c.getName())));
    return status;
  }

  private static int indexOrLast(List<String> order, String name) {
    int i = order.indexOf(name);
    return i < 0 ? Integer.MAX_VALUE : i;
  }

  private static void normalizeState(
      io.fabric8.kubernetes.api.model.ContainerState s, int bytesPerStatus) {
    if (s == null) {
      return;
    }
    if (s.getRunning() != null) {
      s.getRunning().setStartedAt(truncate(s.getRunning().getStartedAt()));
    }
    if (s.getTerminated() != null) {
      var t = s.getTerminated();
      t.setStartedAt(truncate(t.getStartedAt()));
      t.setFinishedAt(truncate(t.getFinishedAt()));
      if (t.getMessage() != null) {
        t.setMessage(truncateBytes(t.getMessage(), bytesPerStatus));
      }
    }
  }

  /**
   * The first {@code max} UTF-8 bytes of {@code s}, as Go's {@code message[:n]} slices a string; a
   * character cut in two is dropped (Go keeps the stray bytes, which JSON then replaces).
   */
  static String truncateBytes(String s, int max) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= max) {
      return s;
    }
    int end = max;
    while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
      end--; // back to the start of the character that straddles the cut
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }

  private static String truncate(String time) {
    if (time == null || time.isEmpty()) {
      return time;
    }
    try {
      return rfc3339(Instant.parse(time));
    } catch (DateTimeParseException e) {
      return time; // not ours to fix; compared as is
    }
  }

  static String rfc3339(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** Syncs every pod whose status is not yet written or differs from the API's copy. */
  void syncBatch() {
    List<SyncRequest> updated = new ArrayList<>();
    synchronized (lock) {
      apiStatusVersions.keySet().removeIf(uid -> !podStatuses.containsKey(uid));
      for (Map.Entry<String, VersionedPodStatus> e : podStatuses.entrySet()) {
        String uid = e.getKey();
        if (needsUpdate(uid, e.getValue())) {
          updated.add(new SyncRequest(uid, e.getValue()));
        } else if (needsReconcile(uid, e.getValue().status())) {
          // Forget the written version so that syncPod writes again.
          apiStatusVersions.remove(uid);
          updated.add(new SyncRequest(uid, e.getValue()));
        }
      }
    }
    for (SyncRequest r : updated) {
      syncPod(r.podUid(), r.status());
    }
  }

  private void syncPod(String uid, VersionedPodStatus status) {
    if (!needsUpdate(uid, status)) {
      return; // up to date: a newer version was already written
    }
    Pod pod;
    try {
      pod = client.get(status.podNamespace(), status.podName());
    } catch (PodStatusClient.ApiException e) {
      if (e.reason() != PodStatusClient.Reason.NOT_FOUND) {
        LOG.log(
            Level.WARNING,
            "Failed to get status for pod \""
                + status.podName()
                + "_"
                + status.podNamespace()
                + "("
                + uid
                + ")\": "
                + e.getMessage());
      }
      // Not found: removeOrphanedStatuses will drop the cache entry.
      return;
    }
    String serverUid = pod.getMetadata().getUid();
    if (serverUid != null && !serverUid.isEmpty() && !serverUid.equals(uid)) {
      LOG.log(
          Level.INFO,
          "Pod \""
              + describe(pod)
              + "\" was deleted and then recreated, skipping status update; old UID \""
              + uid
              + "\", new UID \""
              + serverUid
              + "\"");
      deletePodStatus(uid);
      return;
    }
    PodStatus oldStatus = pod.getStatus() == null ? new PodStatus() : copy(pod.getStatus());
    PodStatus merged = mergePodStatus(oldStatus, status.status());
    if (!merged.equals(oldStatus)) {
      try {
        pod =
            client.patchStatus(
                pod.getMetadata().getNamespace(),
                pod.getMetadata().getName(),
                serverUid,
                oldStatus,
                merged);
      } catch (PodStatusClient.ApiException e) {
        // The written version is not advanced: the next batch retries with the newest status.
        LOG.log(
            Level.WARNING,
            "Failed to update status for pod \"" + describe(pod) + "\": " + e.getMessage());
        return;
      }
    }
    apiStatusVersions.put(serverUid, status.version());
    if (canBeDeleted(pod, status.status())) {
      try {
        client.delete(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), serverUid);
      } catch (PodStatusClient.ApiException e) {
        LOG.log(
            Level.WARNING,
            "Failed to delete status for pod \"" + describe(pod) + "\": " + e.getMessage());
        return;
      }
      deletePodStatus(uid);
    }
  }

  private boolean needsUpdate(String uid, VersionedPodStatus status) {
    Long latest = apiStatusVersions.get(uid);
    if (latest == null || latest < status.version()) {
      return true;
    }
    return podManager.getPodByUid(uid).map(p -> canBeDeleted(p, status.status())).orElse(false);
  }

  private boolean needsReconcile(String uid, PodStatus status) {
    Optional<Pod> pod = podManager.getPodByUid(uid);
    if (pod.isEmpty()) {
      return false;
    }
    PodStatus fromApi =
        normalizeStatus(
            pod.get(),
            pod.get().getStatus() == null ? new PodStatus() : copy(pod.get().getStatus()));
    return !isPodStatusByKubeletEqual(fromApi, status);
  }

  private boolean canBeDeleted(Pod pod, PodStatus status) {
    if (pod.getMetadata().getDeletionTimestamp() == null) {
      return false;
    }
    return deletionSafety.podResourcesAreReclaimed(pod, status);
  }

  private void deletePodStatus(String uid) {
    synchronized (lock) {
      podStatuses.remove(uid);
    }
  }

  /** The server's conditions that the kubelet does not own survive; the rest is the kubelet's. */
  static PodStatus mergePodStatus(PodStatus oldStatus, PodStatus newStatus) {
    PodStatus merged = copy(newStatus);
    List<PodCondition> conditions = new ArrayList<>();
    for (PodCondition c : oldStatus.getConditions()) {
      if (!PodConditions.ownedByKubelet(c.getType())) {
        conditions.add(c);
      }
    }
    for (PodCondition c : newStatus.getConditions()) {
      if (PodConditions.ownedByKubelet(c.getType())) {
        conditions.add(c);
      }
    }
    merged.setConditions(conditions);
    return merged;
  }

  private static ContainerStatus findContainerStatus(PodStatus status, ContainerId id) {
    String s = id.toString();
    for (List<ContainerStatus> list :
        List.of(status.getContainerStatuses(), status.getInitContainerStatuses())) {
      for (ContainerStatus c : list) {
        if (s.equals(c.getContainerID())) {
          return c;
        }
      }
    }
    return null;
  }

  private static void replaceCondition(PodStatus status, PodCondition condition) {
    List<PodCondition> conditions = status.getConditions();
    for (int i = 0; i < conditions.size(); i++) {
      if (condition.getType().equals(conditions.get(i).getType())) {
        conditions.set(i, condition);
        return;
      }
    }
    LOG.log(Level.WARNING, "PodStatus missing " + condition.getType() + " type condition");
    conditions.add(condition);
  }

  static PodStatus copy(PodStatus s) {
    // fabric8 builders copy nested objects, so this is a deep copy.
    return new PodStatusBuilder(s).build();
  }

  private static String describe(Pod pod) {
    return pod.getMetadata().getName()
        + "_"
        + pod.getMetadata().getNamespace()
        + "("
        + pod.getMetadata().getUid()
        + ")";
  }
}
