package io.kubelab.kubelet;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.apimachinery.resource.Quantities;
import io.kubelab.kubelet.cm.devicemanager.DeviceManager;
import io.kubelab.kubelet.config.PodSource;
import io.kubelab.kubelet.config.PodUpdate;
import io.kubelab.kubelet.container.Cache;
import io.kubelab.kubelet.container.ContainerRuntimeException;
import io.kubelab.kubelet.container.ContainerState;
import io.kubelab.kubelet.container.ContainerStatus;
import io.kubelab.kubelet.container.PodStatus;
import io.kubelab.kubelet.container.Runtime;
import io.kubelab.kubelet.container.RuntimePod;
import io.kubelab.kubelet.events.Event;
import io.kubelab.kubelet.events.EventSink;
import io.kubelab.kubelet.eviction.EvictionConfig;
import io.kubelab.kubelet.eviction.EvictionManager;
import io.kubelab.kubelet.kuberuntime.Backoff;
import io.kubelab.kubelet.kuberuntime.PodSyncResult;
import io.kubelab.kubelet.kuberuntime.ReasonCache;
import io.kubelab.kubelet.kuberuntime.RuntimeManager;
import io.kubelab.kubelet.lifecycle.PodAdmitHandler;
import io.kubelab.kubelet.lifecycle.ResourceAdmitHandler;
import io.kubelab.kubelet.pleg.GenericPleg;
import io.kubelab.kubelet.pleg.PodLifeCycleEventType;
import io.kubelab.kubelet.pleg.PodLifecycleEvent;
import io.kubelab.kubelet.prober.Prober;
import io.kubelab.kubelet.prober.ProberManager;
import io.kubelab.kubelet.prober.results.Result;
import io.kubelab.kubelet.prober.results.ResultsManager;
import io.kubelab.kubelet.prober.results.Update;
import io.kubelab.kubelet.qos.QosClasses;
import io.kubelab.kubelet.stats.SummaryProvider;
import io.kubelab.kubelet.status.PodConditions;
import io.kubelab.kubelet.status.PodStatusClient;
import io.kubelab.kubelet.status.StatusManager;
import io.kubelab.kubelet.status.VersionedPodStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The kubelet assembled: the sync loop over its inputs, one worker per pod, and {@code syncPod},
 * wired to the runtime cache, the PLEG, the prober, the status manager and the eviction manager of
 * this chapter.
 *
 * <p>Upstream: {@code pkg/kubelet/kubelet.go} ({@code Run}, {@code syncLoop}, {@code
 * syncLoopIteration}, {@code dispatchWork}, {@code HandlePodAdditions}, {@code HandlePodUpdates},
 * {@code HandlePodRemoves}, {@code HandlePodReconcile}, {@code HandlePodSyncs}, {@code syncPod},
 * {@code canAdmitPod}, {@code rejectPod}, {@code deletePod}, {@code cleanUpContainersInPod}) and
 * {@code kubelet_pods.go} ({@code HandlePodCleanups}, {@code podKiller}, {@code killPod}, {@code
 * generateAPIPodStatus}, {@code podAndContainersAreTerminal}, {@code PodResourcesAreReclaimed}), as
 * of v1.18. The sync loop handles one input at a time, taking them in turn when several are ready
 * (Go's {@code select} picks at random): pod updates from the {@link PodSource}, PLEG events, the 1
 * s sync tick (pods whose resync is due), liveness failures, and the 2 s housekeeping tick.
 *
 * <p>{@code syncPod} in outline: a kill (eviction) sets the given status and kills; otherwise the
 * API status is generated and handed to the status manager, a pod that is deleted or failed is
 * killed (each container with its grace period), and the rest is {@link RuntimeManager#syncPod}:
 * sandbox, init containers one by one, containers, restarts with the crash-loop back-off. Not
 * modelled: volumes, cgroups, mirror and static pods, image pulls, the runtime-state checks and
 * {@code activeDeadlineSeconds}.
 */
public final class Kubelet implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Kubelet.class.getName());

  /** The sync loop's {@code syncTicker}. */
  public static final Duration SYNC_TICK = Duration.ofSeconds(1);

  /** Upstream {@code housekeepingPeriod}. */
  public static final Duration HOUSEKEEPING_PERIOD = Duration.ofSeconds(2);

  /** Upstream {@code SyncFrequency}'s default: a pod's periodic resync. */
  public static final Duration DEFAULT_SYNC_FREQUENCY = Duration.ofMinutes(1);

  /** Upstream {@code backOffPeriod}: a failed sync is retried after this (with jitter). */
  public static final Duration BACK_OFF_PERIOD = Duration.ofSeconds(10);

  private final String nodeName;
  private final Runtime runtime;
  private final Clock clock;
  private final PodSource podSource;
  private final EventSink events;
  private final KubeletExecutors executors;
  private final Consumer<PodLifecycleEvent> plegObserver;
  private final boolean evictionEnabled;

  private final Cache podCache = new Cache();
  private final GenericPleg pleg;
  private final BasicPodManager podManager = new BasicPodManager();
  private final StatusManager statusManager;
  private final ResultsManager readinessManager = new ResultsManager();
  private final ResultsManager livenessManager = new ResultsManager();
  private final ResultsManager startupManager = new ResultsManager();
  private final ProberManager probeManager;
  private final RuntimeManager runtimeManager;
  private final Backoff backOff;
  private final ReasonCache reasonCache = new ReasonCache();
  private final WorkQueue workQueue;
  private final PodWorkers podWorkers;
  private final EvictionManager evictionManager;
  private final List<PodAdmitHandler> admitHandlers;
  private final Node node;
  private final DeviceManager deviceManager; // null: no device plugins
  private final Set<String> killing = new HashSet<>();

  // The sync loop's inputs.
  private final ConcurrentLinkedQueue<PodUpdate> configCh = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean syncTick = new AtomicBoolean();
  private final AtomicBoolean housekeepingTick = new AtomicBoolean();
  private int nextInput; // touched by the loop only

  private final List<AutoCloseable> stoppers = new ArrayList<>();
  private boolean started;

  private Kubelet(Builder b) {
    this.nodeName = b.nodeName;
    this.runtime = b.runtime;
    this.clock = b.clock;
    this.podSource = b.podSource;
    this.events = b.events;
    this.executors = b.executors;
    this.plegObserver = b.plegObserver;
    this.evictionEnabled = b.summaryProvider != null;
    long memoryCapacity = memoryCapacity(b.node);
    this.pleg = new GenericPleg(runtime, podCache, clock, executors.pleg);
    this.statusManager =
        new StatusManager(
            b.statusClient,
            podManager,
            (pod, status) -> podResourcesAreReclaimed(pod, status),
            clock,
            executors.statusManager);
    Prober prober =
        new Prober(
            runtime,
            (pod, container, type, reason, message) ->
                events.record(
                    new Event(
                        "Pod",
                        pod.getMetadata().getNamespace(),
                        pod.getMetadata().getName(),
                        type,
                        reason,
                        message,
                        null)));
    this.probeManager =
        new ProberManager(
            statusManager,
            readinessManager,
            livenessManager,
            startupManager,
            prober,
            clock,
            executors.probes,
            b.random,
            b.startupProbeEnabled);
    this.runtimeManager =
        new RuntimeManager(runtime, livenessManager, startupManager, memoryCapacity, events, clock);
    this.backOff = Backoff.forContainers(clock);
    this.workQueue = new WorkQueue(clock);
    this.podWorkers =
        new PodWorkers(
            this::syncPod,
            podCache,
            workQueue,
            b.syncFrequency,
            BACK_OFF_PERIOD,
            executors.podWorkers,
            clock,
            b.random);
    this.evictionManager =
        new EvictionManager(
            nodeName,
            b.evictionConfig,
            b.summaryProvider != null
                ? b.summaryProvider
                : update -> {
                  throw new SummaryProvider.StatsException("no summary provider configured");
                },
            this::killPodNow,
            () -> {}, // no images to collect in this model
            this::deleteAllUnusedContainers,
            events,
            clock);
    this.node = b.node;
    this.deviceManager = b.deviceManager;
    // Upstream's order: eviction, the container manager's resource allocator (devices), then the
    // predicates against the node as its status reports it.
    this.admitHandlers =
        deviceManager == null
            ? List.of(evictionManager, new ResourceAdmitHandler(b.node))
            : List.of(
                evictionManager,
                deviceManager.admitHandler(),
                new ResourceAdmitHandler(this::nodeForAdmission));
  }

  private static long memoryCapacity(Node node) {
    var capacity = node.getStatus() == null ? null : node.getStatus().getCapacity();
    var allocatable = node.getStatus() == null ? null : node.getStatus().getAllocatable();
    var q =
        capacity != null && capacity.get("memory") != null
            ? capacity.get("memory")
            : allocatable == null ? null : allocatable.get("memory");
    if (q == null) {
      throw new IllegalArgumentException(
          "Node "
              + node.getMetadata().getName()
              + ": status.capacity.memory is missing (the QoS policy needs it)");
    }
    return Quantities.value(q, "Node " + node.getMetadata().getName() + ": status.capacity.memory");
  }

  /**
   * The node's status as the kubelet reports it: the node it was built with, plus the device
   * plugins' resources. Upstream {@code setters.MachineInfo}: each device resource's capacity and
   * allocatable come from the device manager's {@code GetCapacity}; a resource it dropped is
   * removed.
   */
  public Node nodeStatus() {
    Node n = new NodeBuilder(node).build();
    if (deviceManager == null) {
      return n;
    }
    // n has a status: the constructor refused a node without a memory capacity or allocatable.
    Map<String, Quantity> capacity =
        n.getStatus().getCapacity() == null
            ? new HashMap<>()
            : new HashMap<>(n.getStatus().getCapacity());
    Map<String, Quantity> allocatable =
        n.getStatus().getAllocatable() == null
            ? new HashMap<>()
            : new HashMap<>(n.getStatus().getAllocatable());
    DeviceManager.Capacity c = deviceManager.getCapacity();
    c.capacity().forEach((r, v) -> capacity.put(r, new Quantity(Long.toString(v))));
    c.allocatable().forEach((r, v) -> allocatable.put(r, new Quantity(Long.toString(v))));
    for (String r : c.deleted()) {
      capacity.remove(r);
      allocatable.remove(r);
    }
    n.getStatus().setCapacity(capacity);
    n.getStatus().setAllocatable(allocatable);
    return n;
  }

  /**
   * The node the admission predicates see: {@link #nodeStatus()} with upstream's {@code
   * sanitizeNodeAllocatable} applied: a device resource's allocatable is at least the number of its
   * devices already allocated, so pods admitted before a plugin went away still fit.
   */
  private Node nodeForAdmission() {
    Node n = nodeStatus();
    Map<String, Quantity> allocatable = n.getStatus().getAllocatable();
    deviceManager
        .allocatedCounts()
        .forEach(
            (r, count) -> {
              Quantity q = allocatable.get(r);
              long have = q == null ? 0 : Quantities.value(q, "Node " + nodeName + ": " + r);
              if (have < count) {
                allocatable.put(r, new Quantity(Long.toString(count)));
              }
            });
    return n;
  }

  // ---- life cycle
  // --------------------------------------------------------------------------------

  /**
   * Upstream {@code Run}: starts the status manager, the probe manager, the PLEG, the eviction
   * manager and the sync loop with its two tickers, and subscribes to the pod source.
   */
  public synchronized void start() {
    if (started) {
      throw new IllegalStateException("Kubelet " + nodeName + " already started");
    }
    started = true;
    if (deviceManager != null) {
      try {
        deviceManager.start(this::activePods, () -> true);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Kubelet " + nodeName + ": failed to start the device manager: " + e, e);
      }
      stoppers.add(deviceManager);
    }
    statusManager.start();
    probeManager.start();
    pleg.onEvents(this::wake);
    livenessManager.onUpdate(this::wake);
    pleg.start();
    stoppers.add(pleg);
    if (evictionEnabled) {
      evictionManager.start(
          () -> false, this::activePods, this::podResourcesAreReclaimed, executors.eviction);
      stoppers.add(evictionManager);
    }
    // The loop's tickers only raise a flag and wake the loop: a one-slot channel, as
    // time.NewTicker.
    stoppers.add(clock.ticker(SYNC_TICK, SYNC_TICK, Clock.ON_TIMER_THREAD, () -> tick(syncTick)));
    stoppers.add(
        clock.ticker(
            HOUSEKEEPING_PERIOD,
            HOUSEKEEPING_PERIOD,
            Clock.ON_TIMER_THREAD,
            () -> tick(housekeepingTick)));
    stoppers.add(
        podSource.watch(
            u -> {
              configCh.add(u);
              wake();
            }));
  }

  private void tick(AtomicBoolean flag) {
    flag.set(true);
    wake();
  }

  /** Stops every loop and component; the executors are the caller's to close. */
  @Override
  public synchronized void close() {
    for (AutoCloseable c : stoppers) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.log(Level.WARNING, "Kubelet " + nodeName + ": failed to stop " + c + ": " + e);
      }
    }
    stoppers.clear();
    probeManager.close();
    statusManager.close();
  }

  // ---- the sync loop
  // -----------------------------------------------------------------------------

  private void wake() {
    executors.syncLoop.execute(this::syncLoop);
  }

  /** Upstream {@code syncLoop}: iterate while an input is ready. */
  private void syncLoop() {
    while (syncLoopIteration()) {
      // one input per iteration, the next iteration starting after the input last served
    }
  }

  /** Upstream {@code syncLoopIteration}: handles one ready input; false when none is ready. */
  private boolean syncLoopIteration() {
    for (int i = 0; i < 5; i++) {
      int input = (nextInput + i) % 5;
      if (handle(input)) {
        nextInput = (input + 1) % 5;
        return true;
      }
    }
    return false;
  }

  private boolean handle(int input) {
    try {
      return switch (input) {
        case 0 -> handleConfig();
        case 1 -> handlePleg();
        case 2 -> handleSyncTick();
        case 3 -> handleLiveness();
        default -> handleHousekeeping();
      };
    } catch (RuntimeException e) {
      // Upstream's loop survives a failing handler (HandleCrash); log and go on.
      LOG.log(Level.ERROR, "Kubelet " + nodeName + ": sync loop input failed: " + e, e);
      return true;
    }
  }

  private boolean handleConfig() {
    PodUpdate u = configCh.poll();
    if (u == null) {
      return false;
    }
    switch (u.op()) {
      case ADD -> handlePodAdditions(u.pods());
      case UPDATE, DELETE -> handlePodUpdates(u.pods());
      case REMOVE -> handlePodRemoves(u.pods());
      case RECONCILE -> handlePodReconcile(u.pods());
      case SET -> LOG.log(Level.ERROR, "Kubelet does not support snapshot update");
    }
    return true;
  }

  private boolean handlePleg() {
    PodLifecycleEvent e = pleg.watch().poll();
    if (e == null) {
      return false;
    }
    plegObserver.accept(e);
    if (e.type() != PodLifeCycleEventType.CONTAINER_REMOVED) { // isSyncPodWorthy
      podManager.getPodByUid(e.id()).ifPresent(pod -> handlePodSyncs(List.of(pod)));
    }
    if (e.type() == PodLifeCycleEventType.CONTAINER_DIED) {
      cleanUpContainersInPod(e.id(), e.data());
    }
    return true;
  }

  private boolean handleSyncTick() {
    if (!syncTick.getAndSet(false)) {
      return false;
    }
    Set<String> due = new HashSet<>(workQueue.getWork());
    List<Pod> toSync = new ArrayList<>();
    for (Pod p : podManager.getPods()) {
      if (due.contains(p.getMetadata().getUid())) {
        toSync.add(p);
      }
    }
    handlePodSyncs(toSync);
    return true;
  }

  private boolean handleLiveness() {
    Update u = livenessManager.updates().poll();
    if (u == null) {
      return false;
    }
    if (u.result() == Result.FAILURE) {
      podManager.getPodByUid(u.podUid()).ifPresent(pod -> handlePodSyncs(List.of(pod)));
    }
    return true;
  }

  private boolean handleHousekeeping() {
    if (!housekeepingTick.getAndSet(false)) {
      return false;
    }
    handlePodCleanups();
    return true;
  }

  // ---- handlers
  // ----------------------------------------------------------------------------------

  /** Upstream {@code HandlePodAdditions}: oldest first; admit, dispatch, start the probes. */
  void handlePodAdditions(List<Pod> pods) {
    List<Pod> sorted = new ArrayList<>(pods);
    sorted.sort(
        Comparator.comparing(
            p ->
                p.getMetadata().getCreationTimestamp() == null
                    ? ""
                    : p.getMetadata().getCreationTimestamp()));
    for (Pod pod : sorted) {
      List<Pod> existing = podManager.getPods();
      podManager.addPod(pod);
      if (!podIsTerminated(pod)) {
        List<Pod> active = filterOutTerminatedPods(existing);
        PodAdmitHandler.Result r = canAdmitPod(active, pod);
        if (!r.admit()) {
          rejectPod(pod, r.reason(), r.message());
          continue;
        }
      }
      dispatchWork(pod, PodWorkers.SyncPodType.CREATE);
      try {
        probeManager.addPod(pod);
      } catch (IllegalArgumentException e) {
        // The API server would have refused this pod; it runs, without its probes.
        LOG.log(
            Level.ERROR,
            "Kubelet "
                + nodeName
                + ": probes of "
                + format(pod)
                + " not started: "
                + e.getMessage());
        events.record(podEvent(pod, Event.WARNING, "FailedValidation", e.getMessage()));
      }
    }
  }

  void handlePodUpdates(List<Pod> pods) {
    for (Pod pod : pods) {
      podManager.updatePod(pod);
      dispatchWork(pod, PodWorkers.SyncPodType.UPDATE);
    }
  }

  /** Upstream {@code HandlePodRemoves}: forget the pod, kill what still runs, stop its probes. */
  void handlePodRemoves(List<Pod> pods) {
    for (Pod pod : pods) {
      podManager.deletePod(pod);
      deletePod(pod);
      probeManager.removePod(pod);
    }
  }

  void handlePodReconcile(List<Pod> pods) {
    for (Pod pod : pods) {
      podManager.updatePod(pod);
      if (needToReconcilePodReadiness(pod)) {
        dispatchWork(pod, PodWorkers.SyncPodType.SYNC);
      }
      if (podIsEvicted(pod.getStatus())) {
        deleteContainersInPod("", podCache.get(pod.getMetadata().getUid()).status(), true);
      }
    }
  }

  void handlePodSyncs(List<Pod> pods) {
    for (Pod pod : pods) {
      dispatchWork(pod, PodWorkers.SyncPodType.SYNC);
    }
  }

  /** Upstream {@code dispatchWork}. */
  private void dispatchWork(Pod pod, PodWorkers.SyncPodType type) {
    io.fabric8.kubernetes.api.model.PodStatus status = statusView(pod);
    boolean containersTerminal = PodStatuses.notRunning(status.getContainerStatuses());
    boolean podWorkerTerminal =
        "Failed".equals(status.getPhase())
            || "Succeeded".equals(status.getPhase())
            || (pod.getMetadata().getDeletionTimestamp() != null && containersTerminal);
    if (pod.getMetadata().getDeletionTimestamp() != null && containersTerminal) {
      statusManager.terminatePod(pod); // done: the status manager may delete the pod
      return;
    }
    if (podWorkerTerminal) {
      return; // nothing more can change for this pod
    }
    podWorkers.updatePod(new PodWorkers.UpdatePodOptions(pod, type, null, null));
  }

  /**
   * Upstream {@code HandlePodCleanups}: forget workers, probes and statuses of gone pods, kill
   * orphans.
   */
  void handlePodCleanups() {
    List<Pod> allPods = podManager.getPods();
    List<Pod> activePods = filterOutTerminatedPods(allPods);
    Set<String> desired = new HashSet<>();
    activePods.forEach(p -> desired.add(p.getMetadata().getUid()));
    podWorkers.forgetNonExistingPodWorkers(desired);
    probeManager.cleanupPods(desired);
    List<RuntimePod> running;
    try {
      running = runtime.getPods(false);
    } catch (ContainerRuntimeException e) {
      LOG.log(Level.ERROR, "Error listing containers: " + e.getMessage());
      return;
    }
    for (RuntimePod rp : running) {
      if (!desired.contains(rp.uid())) {
        killOrphan(null, rp);
      }
    }
    Set<String> all = new HashSet<>();
    allPods.forEach(p -> all.add(p.getMetadata().getUid()));
    statusManager.removeOrphanedStatuses(all);
    backOff.gc();
  }

  /** Upstream {@code deletePod}: forget the worker and kill the pod's running containers. */
  private void deletePod(Pod pod) {
    podWorkers.forgetWorker(pod.getMetadata().getUid());
    try {
      for (RuntimePod rp : runtime.getPods(false)) {
        if (rp.uid().equals(pod.getMetadata().getUid())) {
          killOrphan(pod, rp);
          return;
        }
      }
      LOG.log(Level.DEBUG, "Failed to delete pod \"" + format(pod) + "\", err: pod not found");
    } catch (ContainerRuntimeException e) {
      LOG.log(Level.DEBUG, "Failed to delete pod \"" + format(pod) + "\", err: " + e.getMessage());
    }
  }

  /** Upstream {@code podKiller}: one kill at a time per pod. */
  private void killOrphan(Pod apiPod, RuntimePod running) {
    synchronized (killing) {
      if (!killing.add(running.uid())) {
        return;
      }
    }
    runtimeManager
        .killPod(apiPod, running, null)
        .whenComplete(
            (result, err) -> {
              synchronized (killing) {
                killing.remove(running.uid());
              }
              String error = err != null ? err.getMessage() : result.error();
              if (error != null) {
                LOG.log(Level.ERROR, "Failed killing the pod \"" + running.name() + "\": " + error);
              }
            });
  }

  /** Upstream {@code cleanUpContainersInPod}: remove dead instances once a container died. */
  private void cleanUpContainersInPod(String podId, String exitedContainerId) {
    PodStatus status = podCache.get(podId).status();
    boolean removeAll = false;
    Optional<Pod> synced = podManager.getPodByUid(podId);
    if (synced.isPresent()) {
      Pod pod = synced.get();
      var api = generateApiPodStatus(pod, status);
      removeAll =
          podIsEvicted(pod.getStatus())
              || (pod.getMetadata().getDeletionTimestamp() != null
                  && PodStatuses.notRunning(api.getContainerStatuses()));
    }
    deleteContainersInPod(exitedContainerId, status, removeAll);
  }

  /**
   * Upstream {@code podContainerDeletor.deleteContainersInPod}: the exited instances of the died
   * container's name beyond the newest one ({@code minDeadContainerInPod}), or all when the pod is
   * gone.
   */
  private void deleteContainersInPod(
      String filterContainerId, PodStatus podStatus, boolean removeAll) {
    int keep = removeAll ? 0 : 1;
    String filter = removeAll ? "" : filterContainerId;
    ContainerStatus matched = null;
    if (!filter.isEmpty()) {
      for (ContainerStatus s : podStatus.containerStatuses()) {
        if (s.id().id().equals(filter)) {
          matched = s;
        }
      }
      if (matched == null) {
        return; // "Container %q not found in pod's containers"
      }
    }
    List<ContainerStatus> candidates = new ArrayList<>();
    for (ContainerStatus s : podStatus.containerStatuses()) {
      if (s.state() == ContainerState.EXITED
          && (matched == null || matched.name().equals(s.name()))) {
        candidates.add(s);
      }
    }
    if (candidates.size() <= keep) {
      return;
    }
    candidates.sort(
        Comparator.comparing(
            ContainerStatus::createdAt, Comparator.nullsLast(Comparator.reverseOrder())));
    for (ContainerStatus s : candidates.subList(keep, candidates.size())) {
      try {
        runtime.removeContainer(s.id());
      } catch (ContainerRuntimeException | IllegalArgumentException e) {
        LOG.log(Level.WARNING, "Failed to remove container \"" + s.id() + "\": " + e.getMessage());
      }
    }
  }

  /** Upstream {@code containerGC.DeleteAllUnusedContainers}, as the eviction manager's reclaim. */
  private void deleteAllUnusedContainers() {
    Set<String> active = new HashSet<>();
    activePods().forEach(p -> active.add(p.getMetadata().getUid()));
    for (RuntimePod rp : runtime.getPods(true)) {
      deleteContainersInPod(
          "",
          runtime.getPodStatus(rp.uid(), rp.name(), rp.namespace()),
          !active.contains(rp.uid()));
    }
  }

  // ---- syncPod
  // -----------------------------------------------------------------------------------

  /** Upstream {@code syncPod}, in outline. */
  private CompletionStage<Void> syncPod(PodWorkers.SyncPodOptions o) {
    Pod pod = o.pod();
    PodStatus podStatus = o.podStatus();
    if (o.type() == PodWorkers.SyncPodType.KILL) {
      statusManager.setPodStatus(pod, o.killPodOptions().podStatusFunc().apply(pod, podStatus));
      return killPod(pod, podStatus, o.killPodOptions().gracePeriodOverride());
    }
    io.fabric8.kubernetes.api.model.PodStatus apiPodStatus = generateApiPodStatus(pod, podStatus);
    statusManager.setPodStatus(pod, apiPodStatus);
    if (pod.getMetadata().getDeletionTimestamp() != null
        || "Failed".equals(apiPodStatus.getPhase())) {
      return killPod(pod, podStatus, null);
    }
    return runtimeManager
        .syncPod(pod, podStatus, backOff)
        .thenAccept(
            result -> {
              reasonCache.update(pod.getMetadata().getUid(), result);
              if (result.error() != null && !result.onlyBackOffFailures()) {
                throw new SyncPodException(result.error());
              }
            });
  }

  /** Upstream {@code killPod}: every running container and the sandboxes. */
  private CompletionStage<Void> killPod(Pod pod, PodStatus podStatus, Long gracePeriodOverride) {
    return runtimeManager
        .killPod(pod, RuntimeManager.runningPod(podStatus), gracePeriodOverride)
        .thenAccept(
            (PodSyncResult result) -> {
              if (result.error() != null) {
                events.record(
                    podEvent(
                        pod,
                        Event.WARNING,
                        "FailedKillPod",
                        "error killing pod: " + result.error()));
                throw new SyncPodException("error killing pod: " + result.error());
              }
            });
  }

  /**
   * Upstream {@code killPodNow}, the eviction manager's kill: a kill update through the pod's
   * worker, which completes when the pod is killed, or fails after its grace period and a half (at
   * least 10 s).
   */
  private CompletionStage<Void> killPodNow(
      Pod pod, io.fabric8.kubernetes.api.model.PodStatus status, long gracePeriodOverride) {
    long timeout = Math.max(10, gracePeriodOverride + gracePeriodOverride / 2);
    CompletableFuture<Void> done = new CompletableFuture<>();
    Clock.Timer timer =
        clock.schedule(
            Duration.ofSeconds(timeout),
            () -> {
              if (done.completeExceptionally(
                  new IllegalStateException("timeout waiting to kill pod"))) {
                events.record(
                    podEvent(
                        pod,
                        Event.WARNING,
                        "ExceededGracePeriod",
                        "Container runtime did not kill the pod within specified grace period."));
              }
            });
    podWorkers.updatePod(
        new PodWorkers.UpdatePodOptions(
            pod,
            PodWorkers.SyncPodType.KILL,
            new PodWorkers.KillPodOptions((p, s) -> status, gracePeriodOverride),
            err -> {
              timer.close();
              if (err == null) {
                done.complete(null);
              } else {
                done.completeExceptionally(err);
              }
            }));
    return done;
  }

  /** A sync that failed: the pod worker backs off. */
  static final class SyncPodException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SyncPodException(String message) {
      super(message);
    }
  }

  // ---- status
  // ------------------------------------------------------------------------------------

  /** Upstream {@code generateAPIPodStatus} / {@code convertStatusToAPIStatus}. */
  io.fabric8.kubernetes.api.model.PodStatus generateApiPodStatus(Pod pod, PodStatus podStatus) {
    io.fabric8.kubernetes.api.model.PodStatus old = statusOf(pod);
    List<PodIP> ips = new ArrayList<>();
    podStatus.ips().forEach(ip -> ips.add(new PodIP(ip)));
    boolean hasInit = !pod.getSpec().getInitContainers().isEmpty();
    var s =
        new PodStatusBuilder()
            .withPodIPs(ips)
            .withPodIP(ips.isEmpty() ? null : ips.get(0).getIp())
            .withQosClass(QosClasses.getPodQos(pod).toString())
            .withContainerStatuses(
                PodStatuses.convertToApiContainerStatuses(
                    pod,
                    podStatus,
                    old.getContainerStatuses(),
                    pod.getSpec().getContainers(),
                    hasInit,
                    false,
                    reasonCache))
            .withInitContainerStatuses(
                PodStatuses.convertToApiContainerStatuses(
                    pod,
                    podStatus,
                    old.getInitContainerStatuses(),
                    pod.getSpec().getInitContainers(),
                    hasInit,
                    true,
                    reasonCache))
            .build();
    List<PodCondition> conditions = new ArrayList<>();
    if (pod.getStatus() != null) {
      for (PodCondition c : pod.getStatus().getConditions()) {
        if (!PodConditions.ownedByKubelet(c.getType())) {
          conditions.add(c);
        }
      }
    }
    List<io.fabric8.kubernetes.api.model.ContainerStatus> all =
        new ArrayList<>(s.getContainerStatuses());
    all.addAll(s.getInitContainerStatuses());
    String phase = PodStatuses.getPhase(pod.getSpec(), all);
    String current = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if (("Failed".equals(current) || "Succeeded".equals(current)) && !phase.equals(current)) {
      LOG.log(
          Level.ERROR, "Pod attempted illegal phase transition from " + current + " to " + phase);
      phase = current;
    }
    s.setPhase(phase);
    probeManager.updatePodStatus(pod.getMetadata().getUid(), s);
    conditions.add(PodConditions.initialized(pod.getSpec(), s.getInitContainerStatuses(), phase));
    conditions.add(
        PodConditions.podReady(pod.getSpec(), conditions, s.getContainerStatuses(), phase));
    conditions.add(PodConditions.containersReady(pod.getSpec(), s.getContainerStatuses(), phase));
    conditions.add(
        new PodConditionBuilder().withType(PodConditions.POD_SCHEDULED).withStatus("True").build());
    s.setConditions(conditions);
    return s;
  }

  /** The cached status, else the API's (a kubelet restarted has none cached). */
  private io.fabric8.kubernetes.api.model.PodStatus statusOf(Pod pod) {
    return statusManager
        .getPodStatus(pod.getMetadata().getUid())
        .orElseGet(
            () ->
                pod.getStatus() == null
                    ? new io.fabric8.kubernetes.api.model.PodStatus()
                    : pod.getStatus());
  }

  /**
   * The cached status itself, not a copy, for checks that only read it (the status manager never
   * mutates a status once stored). Housekeeping asks this of every pod every 2 s.
   */
  private io.fabric8.kubernetes.api.model.PodStatus statusView(Pod pod) {
    return statusManager
        .getVersioned(pod.getMetadata().getUid())
        .map(VersionedPodStatus::status)
        .orElseGet(
            () ->
                pod.getStatus() == null
                    ? new io.fabric8.kubernetes.api.model.PodStatus()
                    : pod.getStatus());
  }

  /** Upstream {@code podIsTerminated}: failed, succeeded, or deleted with nothing running. */
  boolean podIsTerminated(Pod pod) {
    var status = statusView(pod);
    return "Failed".equals(status.getPhase())
        || "Succeeded".equals(status.getPhase())
        || (pod.getMetadata().getDeletionTimestamp() != null
            && PodStatuses.notRunning(status.getContainerStatuses()));
  }

  private List<Pod> filterOutTerminatedPods(List<Pod> pods) {
    List<Pod> out = new ArrayList<>();
    for (Pod p : pods) {
      if (!podIsTerminated(p)) {
        out.add(p);
      }
    }
    return out;
  }

  /** Upstream {@code GetActivePods}: what the eviction manager may rank. */
  public List<Pod> activePods() {
    return filterOutTerminatedPods(podManager.getPods());
  }

  private PodAdmitHandler.Result canAdmitPod(List<Pod> active, Pod pod) {
    for (PodAdmitHandler h : admitHandlers) {
      PodAdmitHandler.Result r = h.admit(new PodAdmitHandler.Attributes(pod, active));
      if (!r.admit()) {
        return r;
      }
    }
    return PodAdmitHandler.Result.ADMIT;
  }

  /** Upstream {@code rejectPod}: an event and a Failed status with the reason. */
  private void rejectPod(Pod pod, String reason, String message) {
    events.record(podEvent(pod, Event.WARNING, reason, message));
    statusManager.setPodStatus(
        pod,
        new PodStatusBuilder()
            .withPhase("Failed")
            .withReason(reason)
            .withMessage("Pod " + message)
            .build());
  }

  /** Upstream {@code PodResourcesAreReclaimed}: nothing runs and the runtime holds no container. */
  boolean podResourcesAreReclaimed(Pod pod, io.fabric8.kubernetes.api.model.PodStatus status) {
    if (!PodStatuses.notRunning(status.getContainerStatuses())) {
      return false;
    }
    Cache.Snapshot runtimeStatus = podCache.get(pod.getMetadata().getUid());
    return runtimeStatus.error() == null && runtimeStatus.status().containerStatuses().isEmpty();
  }

  private boolean podResourcesAreReclaimed(Pod pod) {
    return podResourcesAreReclaimed(pod, statusView(pod));
  }

  /** Upstream {@code eviction.PodIsEvicted}. */
  static boolean podIsEvicted(io.fabric8.kubernetes.api.model.PodStatus status) {
    return status != null
        && "Failed".equals(status.getPhase())
        && EvictionManager.REASON.equals(status.getReason());
  }

  /** Upstream {@code status.NeedToReconcilePodReadiness}. */
  private static boolean needToReconcilePodReadiness(Pod pod) {
    if (pod.getSpec().getReadinessGates().isEmpty() || pod.getStatus() == null) {
      return false;
    }
    var status = pod.getStatus();
    PodCondition expected =
        PodConditions.podReady(
            pod.getSpec(),
            status.getConditions(),
            status.getContainerStatuses(),
            status.getPhase());
    for (PodCondition c : status.getConditions()) {
      if (PodConditions.READY.equals(c.getType())) {
        return !java.util.Objects.equals(c.getStatus(), expected.getStatus())
            || !java.util.Objects.equals(c.getMessage(), expected.getMessage());
      }
    }
    return false;
  }

  private static Event podEvent(Pod pod, String type, String reason, String message) {
    return new Event(
        "Pod",
        pod.getMetadata().getNamespace(),
        pod.getMetadata().getName(),
        type,
        reason,
        message,
        null);
  }

  private static String format(Pod pod) {
    return pod.getMetadata().getName()
        + "_"
        + pod.getMetadata().getNamespace()
        + "("
        + pod.getMetadata().getUid()
        + ")";
  }

  // ---- accessors
  // ---------------------------------------------------------------------------------

  public String nodeName() {
    return nodeName;
  }

  public StatusManager statusManager() {
    return statusManager;
  }

  public BasicPodManager podManager() {
    return podManager;
  }

  public EvictionManager evictionManager() {
    return evictionManager;
  }

  public ProberManager probeManager() {
    return probeManager;
  }

  public GenericPleg pleg() {
    return pleg;
  }

  /** The runtime's view of a pod, as the runtime cache holds it. */
  public PodStatus runtimeStatus(String uid) {
    return podCache.get(uid).status();
  }

  /** Whether the pod's worker is busy (for tests). */
  boolean podWorkerBusy(String uid) {
    return podWorkers.isWorking(uid);
  }

  /** The container back-off window of a pod's container (for tests). */
  Duration backOff(Pod pod, String container) {
    return backOff.get(
        pod.getMetadata().getName()
            + "_"
            + pod.getMetadata().getNamespace()
            + "_"
            + pod.getMetadata().getUid()
            + "_"
            + container);
  }

  // ---- builder
  // -----------------------------------------------------------------------------------

  /** A kubelet for {@code node}, over {@code runtime}, on {@code clock}. */
  public static Builder builder(Node node, Runtime runtime, Clock clock) {
    return new Builder(node, runtime, clock);
  }

  /** Everything a kubelet is wired to; defaults suit a simulation on a {@code FakeClock}. */
  public static final class Builder {
    private final Node node;
    private final String nodeName;
    private final Runtime runtime;
    private final Clock clock;
    private PodSource podSource = updates -> () -> {};
    private PodStatusClient statusClient;
    private SummaryProvider summaryProvider;
    private EventSink events = EventSink.NONE;
    private EvictionConfig evictionConfig = EvictionConfig.defaults();
    private KubeletExecutors executors;
    private Random random = new Random(0);
    private boolean startupProbeEnabled = true;
    private Duration syncFrequency = DEFAULT_SYNC_FREQUENCY;
    private Consumer<PodLifecycleEvent> plegObserver = e -> {};
    private DeviceManager deviceManager;

    private Builder(Node node, Runtime runtime, Clock clock) {
      if (node == null || node.getMetadata() == null || node.getMetadata().getName() == null) {
        throw new IllegalArgumentException("Kubelet: the node must have a metadata.name");
      }
      this.node = node;
      this.nodeName = node.getMetadata().getName();
      this.runtime = runtime;
      this.clock = clock;
    }

    public Builder podSource(PodSource s) {
      this.podSource = s;
      return this;
    }

    /** Where pod statuses are written (upstream: the API server). Required. */
    public Builder statusClient(PodStatusClient c) {
      this.statusClient = c;
      return this;
    }

    /**
     * Resource statistics for the eviction manager. Default: none, and then the eviction loop does
     * not run (admission still consults the eviction manager, which never sees pressure).
     */
    public Builder summaryProvider(SummaryProvider p) {
      this.summaryProvider = p;
      return this;
    }

    public Builder events(EventSink e) {
      this.events = e;
      return this;
    }

    public Builder evictionConfig(EvictionConfig c) {
      this.evictionConfig = c;
      return this;
    }

    /** Default: {@link KubeletExecutors#inline()}. The caller closes them. */
    public Builder executors(KubeletExecutors e) {
      this.executors = e;
      return this;
    }

    /** The source of jitter for probe and resync delays; seed it for reproducible runs. */
    public Builder random(Random r) {
      this.random = r;
      return this;
    }

    public Builder startupProbeEnabled(boolean enabled) {
      this.startupProbeEnabled = enabled;
      return this;
    }

    public Builder syncFrequency(Duration d) {
      this.syncFrequency = d;
      return this;
    }

    /**
     * The device manager (not started): the kubelet starts it with itself, adds its devices to the
     * node's capacity and allocatable, and allocates devices at admission.
     */
    public Builder deviceManager(DeviceManager m) {
      this.deviceManager = m;
      return this;
    }

    /** Sees every PLEG event the sync loop takes (for the simulation's report). */
    public Builder plegObserver(Consumer<PodLifecycleEvent> o) {
      this.plegObserver = o;
      return this;
    }

    public Kubelet build() {
      if (statusClient == null) {
        throw new IllegalArgumentException("Kubelet " + nodeName + ": a status client is required");
      }
      if (executors == null) {
        executors = KubeletExecutors.inline();
      }
      return new Kubelet(this);
    }
  }
}
