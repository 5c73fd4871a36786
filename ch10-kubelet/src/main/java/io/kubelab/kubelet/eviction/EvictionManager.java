package io.kubelab.kubelet.eviction;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.apimachinery.resource.ResourceNames;
import io.kubelab.apimachinery.taints.Tolerations;
import io.kubelab.kubelet.events.Event;
import io.kubelab.kubelet.events.EventSink;
import io.kubelab.kubelet.lifecycle.PodAdmitHandler;
import io.kubelab.kubelet.qos.QosClass;
import io.kubelab.kubelet.qos.QosClasses;
import io.kubelab.kubelet.stats.Summary;
import io.kubelab.kubelet.stats.SummaryProvider;
import io.kubelab.kubelet.types.PodUpdateTypes;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The kubelet's eviction manager: watches resource signals against thresholds, reports pressure
 * conditions on the node, reclaims node-level resources, and when that is not enough evicts at most
 * one pod per pass, ranked for the starved resource.
 *
 * <p>Upstream: {@code pkg/kubelet/eviction/eviction_manager.go} ({@code managerImpl}, {@code
 * synchronize}, {@code Start}, {@code waitForPodsCleanup}, {@code reclaimNodeLevelResources},
 * {@code evictPod}, {@code Admit}) and {@code helpers.go}. One pass ({@link #synchronize}):
 *
 * <ol>
 *   <li>thresholds met now (ignoring grace periods), plus thresholds met last pass that are still
 *       met once their minimum reclaim is added (so pressure lasts until enough is freed);
 *   <li>when each was first observed; the node conditions they imply, each remembered as last seen
 *       now and reported until {@code pressureTransitionPeriod} (5 min) after it was last seen;
 *   <li>thresholds whose grace period has passed, kept only if their statistics are new;
 *   <li>the first with a resource (memory first) is reclaimed: node-level reclaim (image and
 *       container garbage collection for disk), and if any threshold is still met, the active pods
 *       are ranked and the first that may be evicted (never a critical pod) is killed with status
 *       Failed / {@code Evicted}, grace period 0 for a hard threshold.
 * </ol>
 *
 * <p>The loop ({@link #start}) runs a pass every {@code monitoringInterval} (10 s) on the executor
 * the owner passes; after an eviction it waits for the kill and then for the pod to be cleaned up
 * (polled every second, at most 30 s) before the next pass. The memcg threshold notifier and local
 * storage eviction ({@code LocalStorageCapacityIsolation}) are not modelled.
 */
public final class EvictionManager implements PodAdmitHandler, AutoCloseable {

  private static final System.Logger LOG = System.getLogger(EvictionManager.class.getName());

  /** Upstream {@code Reason}: the pod status reason and event reason of an eviction. */
  public static final String REASON = "Evicted";

  /** Upstream annotation keys of the eviction event. */
  public static final String OFFENDING_CONTAINERS_KEY = "offending_containers";

  public static final String OFFENDING_CONTAINERS_USAGE_KEY = "offending_containers_usage";
  public static final String STARVED_RESOURCE_KEY = "starved_resource";

  /** Upstream {@code TaintNodeMemoryPressure}. */
  public static final String TAINT_NODE_MEMORY_PRESSURE = "node.kubernetes.io/memory-pressure";

  /** Kills a pod with the given status and grace period; completes when the kill is done. */
  @FunctionalInterface
  public interface KillPodFunc {
    CompletionStage<Void> killPod(Pod pod, PodStatus status, long gracePeriodSeconds);
  }

  /** Upstream {@code ImageGC} and {@code ContainerGC}: node-level reclaim. */
  @FunctionalInterface
  public interface NodeReclaimFunc {
    void reclaim();
  }

  /** Upstream {@code DiskInfoProvider}. */
  @FunctionalInterface
  public interface DiskInfoProvider {
    boolean hasDedicatedImageFs();
  }

  /** What one pass did: the pods it evicted (zero or one) and the kill it started. */
  public record Evicted(List<Pod> pods, CompletionStage<Void> kill) {
    static final Evicted NONE = new Evicted(List.of(), CompletableFuture.completedFuture(null));
  }

  private final Clock clock;
  private final EvictionConfig config;
  private final SummaryProvider summaryProvider;
  private final KillPodFunc killPodFunc;
  private final NodeReclaimFunc imageGc;
  private final NodeReclaimFunc containerGc;
  private final EventSink events;
  private final String nodeName;

  private final Object lock = new Object();
  // Guarded by lock: read by admission and the node status from other threads.
  private List<NodeCondition> nodeConditions = List.of();
  // Touched only by the pass.
  private Map<NodeCondition, Instant> nodeConditionsLastObservedAt =
      new EnumMap<>(NodeCondition.class);
  private Map<Threshold, Instant> thresholdsFirstObservedAt = new LinkedHashMap<>();
  private List<Threshold> thresholdsMet = List.of();
  private Map<Signal, SignalObservation> lastObservations = Map.of();
  private Boolean dedicatedImageFs;
  private Map<Signal, Rankers.RankFunc> signalToRankFunc = Map.of();
  private Map<Signal, List<NodeReclaimFunc>> signalToNodeReclaimFuncs = Map.of();

  private Clock.Timer next;
  private boolean closed;

  public EvictionManager(
      String nodeName,
      EvictionConfig config,
      SummaryProvider summaryProvider,
      KillPodFunc killPodFunc,
      NodeReclaimFunc imageGc,
      NodeReclaimFunc containerGc,
      EventSink events,
      Clock clock) {
    this.nodeName = nodeName;
    this.config = config;
    this.summaryProvider = summaryProvider;
    this.killPodFunc = killPodFunc;
    this.imageGc = imageGc;
    this.containerGc = containerGc;
    this.events = events;
    this.clock = clock;
  }

  // ---- admission -------------------------------------------------------------------------------

  /**
   * Upstream {@code Admit}: any pod when the node has no pressure condition, and critical pods
   * always; under memory pressure alone, pods that are not BestEffort, or that tolerate the
   * memory-pressure taint; otherwise refused with {@code The node had condition: [..]. }.
   */
  @Override
  public Result admit(Attributes attrs) {
    List<NodeCondition> conditions = nodeConditions();
    if (conditions.isEmpty() || PodUpdateTypes.isCriticalPod(attrs.pod())) {
      return Result.ADMIT;
    }
    if (conditions.equals(List.of(NodeCondition.MEMORY_PRESSURE))) {
      if (QosClasses.getPodQos(attrs.pod()) != QosClass.BEST_EFFORT) {
        return Result.ADMIT;
      }
      Taint memoryPressure =
          new TaintBuilder()
              .withKey(TAINT_NODE_MEMORY_PRESSURE)
              .withEffect(Tolerations.EFFECT_NO_SCHEDULE)
              .build();
      if (Tolerations.tolerationsTolerateTaint(
          attrs.pod().getSpec().getTolerations(), memoryPressure)) {
        return Result.ADMIT;
      }
    }
    LOG.log(
        Level.WARNING,
        "Failed to admit pod "
            + format(attrs.pod())
            + " - node has conditions: "
            + goList(conditions));
    return Result.reject(REASON, "The node had condition: " + goList(conditions) + ". ");
  }

  /** The pressure conditions the node reports now. */
  public List<NodeCondition> nodeConditions() {
    synchronized (lock) {
      return nodeConditions;
    }
  }

  public boolean isUnderMemoryPressure() {
    return nodeConditions().contains(NodeCondition.MEMORY_PRESSURE);
  }

  public boolean isUnderDiskPressure() {
    return nodeConditions().contains(NodeCondition.DISK_PRESSURE);
  }

  public boolean isUnderPidPressure() {
    return nodeConditions().contains(NodeCondition.PID_PRESSURE);
  }

  // ---- the loop --------------------------------------------------------------------------------

  /**
   * Starts the monitoring loop (upstream {@code Start}): a pass now, then a pass {@code
   * monitoringInterval} after each pass that evicted nothing, or once an evicted pod is killed and
   * cleaned up (or 30 s have passed).
   */
  public void start(
      DiskInfoProvider diskInfo,
      Supplier<List<Pod>> activePods,
      Predicate<Pod> podCleanedUp,
      Executor executor) {
    schedule(Duration.ZERO, () -> loop(diskInfo, activePods, podCleanedUp, executor), executor);
  }

  private void loop(
      DiskInfoProvider diskInfo,
      Supplier<List<Pod>> activePods,
      Predicate<Pod> podCleanedUp,
      Executor executor) {
    Runnable again = () -> loop(diskInfo, activePods, podCleanedUp, executor);
    Evicted evicted;
    try {
      evicted = synchronize(diskInfo, activePods);
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "eviction manager: synchronize failed: " + e, e);
      evicted = Evicted.NONE;
    }
    if (evicted.pods().isEmpty()) {
      schedule(config.monitoringInterval(), again, executor);
      return;
    }
    List<Pod> pods = evicted.pods();
    LOG.log(
        Level.INFO,
        "eviction manager: pods "
            + formatPods(pods)
            + " evicted, waiting for pod to be cleaned up");
    // synchronize returns once the kill is done upstream; then waitForPodsCleanup.
    evicted
        .kill()
        .whenComplete(
            (v, err) ->
                executor.execute(() -> waitForPodsCleanup(pods, podCleanedUp, again, executor)));
  }

  /** Upstream {@code waitForPodsCleanup}: poll every second, give up after 30 s. */
  private void waitForPodsCleanup(
      List<Pod> pods, Predicate<Pod> podCleanedUp, Runnable then, Executor executor) {
    Instant deadline = clock.now().plus(EvictionConfig.POD_CLEANUP_TIMEOUT);
    poll(pods, podCleanedUp, then, executor, deadline);
  }

  private void poll(
      List<Pod> pods,
      Predicate<Pod> podCleanedUp,
      Runnable then,
      Executor executor,
      Instant deadline) {
    schedule(
        EvictionConfig.POD_CLEANUP_POLL_FREQ,
        () -> {
          if (!clock.now().isBefore(deadline)) {
            LOG.log(
                Level.WARNING,
                "eviction manager: timed out waiting for pods "
                    + formatPods(pods)
                    + " to be cleaned up");
            then.run();
            return;
          }
          if (pods.stream().allMatch(podCleanedUp)) {
            LOG.log(
                Level.INFO,
                "eviction manager: pods " + formatPods(pods) + " successfully cleaned up");
            then.run();
            return;
          }
          poll(pods, podCleanedUp, then, executor, deadline);
        },
        executor);
  }

  private void schedule(Duration delay, Runnable task, Executor executor) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      next = clock.schedule(delay, () -> executor.execute(task));
    }
  }

  /** Stops the loop. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      if (next != null) {
        next.close();
      }
    }
  }

  // ---- one pass --------------------------------------------------------------------------------

  /** Upstream {@code synchronize}: one pass; returns the pod it evicted, if any. */
  public Evicted synchronize(DiskInfoProvider diskInfo, Supplier<List<Pod>> activePodsFunc) {
    List<Threshold> thresholds = config.thresholds();
    if (thresholds.isEmpty()) {
      return Evicted.NONE;
    }
    if (dedicatedImageFs == null) {
      boolean hasImageFs;
      try {
        hasImageFs = diskInfo.hasDedicatedImageFs();
      } catch (RuntimeException e) {
        return Evicted.NONE;
      }
      dedicatedImageFs = hasImageFs;
      signalToRankFunc = Rankers.forSignals(hasImageFs);
      signalToNodeReclaimFuncs = nodeReclaimFuncs(hasImageFs);
    }
    List<Pod> activePods = new ArrayList<>(activePodsFunc.get());
    Summary summary;
    try {
      summary = summaryProvider.get(true);
    } catch (SummaryProvider.StatsException e) {
      LOG.log(Level.ERROR, "eviction manager: failed to get summary stats: " + e.getMessage());
      return Evicted.NONE;
    }
    Map<Signal, SignalObservation> observations = SignalObservation.of(summary);
    Map<String, Summary.PodStats> stats = new HashMap<>();
    for (Summary.PodStats p : summary.pods()) {
      stats.put(p.podRef().uid(), p);
    }

    List<Threshold> met = thresholdsMet(thresholds, observations, false);
    if (!thresholdsMet.isEmpty()) {
      // Until the minimum reclaim is satisfied, the pressure is not resolved.
      met = mergeThresholds(met, thresholdsMet(thresholdsMet, observations, true));
    }
    Instant now = clock.now();
    Map<Threshold, Instant> firstObservedAt = new LinkedHashMap<>();
    for (Threshold t : met) {
      firstObservedAt.put(t, thresholdsFirstObservedAt.getOrDefault(t, now));
    }
    Map<NodeCondition, Instant> lastObservedAt = new EnumMap<>(NodeCondition.class);
    for (Threshold t : met) {
      lastObservedAt.put(t.signal().nodeCondition(), now);
    }
    nodeConditionsLastObservedAt.forEach(lastObservedAt::putIfAbsent);
    List<NodeCondition> conditions = new ArrayList<>();
    lastObservedAt.forEach(
        (condition, at) -> {
          if (Duration.between(at, now).compareTo(config.pressureTransitionPeriod()) < 0) {
            conditions.add(condition);
          }
        });
    List<Threshold> graceMet = new ArrayList<>();
    firstObservedAt.forEach(
        (t, at) -> {
          if (Duration.between(at, now).compareTo(t.gracePeriod()) >= 0) {
            graceMet.add(t);
          }
        });
    synchronized (lock) {
      nodeConditions = List.copyOf(conditions);
    }
    thresholdsFirstObservedAt = firstObservedAt;
    nodeConditionsLastObservedAt = lastObservedAt;
    thresholdsMet = List.copyOf(graceMet);
    List<Threshold> updated = thresholdsUpdatedStats(graceMet, observations, lastObservations);
    lastObservations = observations;

    if (updated.isEmpty()) {
      return Evicted.NONE; // no resources are starved
    }
    // byEvictionPriority: memory first, signals without a resource last.
    List<Threshold> byPriority = new ArrayList<>(updated);
    byPriority.sort((a, b) -> Boolean.compare(!a.signal().isMemory(), !b.signal().isMemory()));
    Threshold toReclaim = byPriority.get(0);
    String resource = toReclaim.signal().resource();
    LOG.log(Level.WARNING, "eviction manager: attempting to reclaim " + resource);
    events.record(
        new Event(
            "Node",
            "",
            nodeName,
            Event.WARNING,
            "EvictionThresholdMet",
            "Attempting to reclaim " + resource,
            Map.of()));
    if (reclaimNodeLevelResources(toReclaim.signal(), resource)) {
      LOG.log(
          Level.INFO,
          "eviction manager: able to reduce " + resource + " pressure without evicting pods.");
      return Evicted.NONE;
    }
    Rankers.RankFunc rank = signalToRankFunc.get(toReclaim.signal());
    if (activePods.isEmpty()) {
      LOG.log(
          Level.ERROR,
          "eviction manager: eviction thresholds have been met, but no pods are active to evict");
      return Evicted.NONE;
    }
    rank.rank(activePods, stats);
    for (Pod pod : activePods) {
      long gracePeriodOverride = toReclaim.isHard() ? 0 : config.maxPodGracePeriodSeconds();
      String message = evictionMessage(resource, pod, stats);
      Map<String, String> annotations = evictionAnnotations(resource, pod, stats);
      CompletionStage<Void> kill = evictPod(pod, gracePeriodOverride, message, annotations);
      if (kill != null) {
        return new Evicted(List.of(pod), kill);
      }
    }
    LOG.log(Level.INFO, "eviction manager: unable to evict any pods from the node");
    return Evicted.NONE;
  }

  /** Upstream {@code thresholdsMet}: available below the threshold (plus min reclaim). */
  static List<Threshold> thresholdsMet(
      List<Threshold> thresholds,
      Map<Signal, SignalObservation> observations,
      boolean enforceMinReclaim) {
    List<Threshold> results = new ArrayList<>();
    for (Threshold t : thresholds) {
      SignalObservation observed = observations.get(t.signal());
      if (observed == null) {
        LOG.log(
            Level.WARNING,
            "eviction manager: no observation found for eviction signal " + t.signal());
        continue;
      }
      long quantity = t.value().thresholdQuantity(observed.capacity());
      if (enforceMinReclaim && t.minReclaim() != null) {
        quantity += t.minReclaim().thresholdQuantity(observed.capacity());
      }
      if (Signal.OP_LESS_THAN.equals(t.operator()) && quantity > observed.available()) {
        results.add(t);
      }
    }
    return results;
  }

  /** Upstream {@code mergeThresholds}: A, then the thresholds of B not already in A. */
  static List<Threshold> mergeThresholds(List<Threshold> a, List<Threshold> b) {
    List<Threshold> results = new ArrayList<>(a);
    for (Threshold t : b) {
      if (results.stream().noneMatch(t::sameAs)) {
        results.add(t);
      }
    }
    return results;
  }

  /** Upstream {@code thresholdsUpdatedStats}: only thresholds whose signal was measured anew. */
  static List<Threshold> thresholdsUpdatedStats(
      List<Threshold> thresholds,
      Map<Signal, SignalObservation> observations,
      Map<Signal, SignalObservation> lastObservations) {
    List<Threshold> results = new ArrayList<>();
    for (Threshold t : thresholds) {
      SignalObservation observed = observations.get(t.signal());
      if (observed == null) {
        continue;
      }
      SignalObservation last = lastObservations.get(t.signal());
      if (last == null
          || observed.time() == null
          || (last.time() == null || observed.time().isAfter(last.time()))) {
        results.add(t);
      }
    }
    return results;
  }

  /** Upstream {@code reclaimNodeLevelResources}: true when no threshold is met afterwards. */
  private boolean reclaimNodeLevelResources(Signal signal, String resource) {
    List<NodeReclaimFunc> funcs = signalToNodeReclaimFuncs.getOrDefault(signal, List.of());
    for (NodeReclaimFunc f : funcs) {
      try {
        f.reclaim();
      } catch (RuntimeException e) {
        LOG.log(
            Level.WARNING,
            "eviction manager: unexpected error when attempting to reduce "
                + resource
                + " pressure: "
                + e.getMessage());
      }
    }
    if (funcs.isEmpty()) {
      return false;
    }
    Summary summary;
    try {
      summary = summaryProvider.get(true);
    } catch (SummaryProvider.StatsException e) {
      LOG.log(
          Level.ERROR,
          "eviction manager: failed to get summary stats after resource reclaim: "
              + e.getMessage());
      return false;
    }
    return thresholdsMet(config.thresholds(), SignalObservation.of(summary), false).isEmpty();
  }

  /** Upstream {@code buildSignalToNodeReclaimFuncs}. */
  private Map<Signal, List<NodeReclaimFunc>> nodeReclaimFuncs(boolean withImageFs) {
    List<NodeReclaimFunc> both = List.of(containerGc, imageGc);
    Map<Signal, List<NodeReclaimFunc>> m = new EnumMap<>(Signal.class);
    m.put(Signal.NODE_FS_AVAILABLE, withImageFs ? List.of() : both);
    m.put(Signal.NODE_FS_INODES_FREE, withImageFs ? List.of() : both);
    m.put(Signal.IMAGE_FS_AVAILABLE, both);
    m.put(Signal.IMAGE_FS_INODES_FREE, both);
    return m;
  }

  /**
   * Upstream {@code evictPod}: never a critical pod; otherwise an annotated {@code Evicted} event
   * and a kill with status Failed. Returns the kill, or null when the pod may not be evicted.
   */
  private CompletionStage<Void> evictPod(
      Pod pod, long gracePeriodOverride, String message, Map<String, String> annotations) {
    if (PodUpdateTypes.isCriticalPod(pod)) {
      LOG.log(Level.ERROR, "eviction manager: cannot evict a critical pod " + format(pod));
      return null;
    }
    PodStatus status =
        new PodStatusBuilder().withPhase("Failed").withMessage(message).withReason(REASON).build();
    events.record(
        new Event(
            "Pod",
            pod.getMetadata().getNamespace(),
            pod.getMetadata().getName(),
            Event.WARNING,
            REASON,
            message,
            annotations));
    CompletionStage<Void> kill = killPodFunc.killPod(pod, status, gracePeriodOverride);
    return kill.whenComplete(
        (v, err) -> {
          if (err != null) {
            LOG.log(
                Level.ERROR, "eviction manager: pod " + format(pod) + " failed to evict " + err);
          } else {
            LOG.log(
                Level.INFO, "eviction manager: pod " + format(pod) + " is evicted successfully");
          }
        });
  }

  /**
   * Upstream {@code evictionMessage}: "The node was low on resource: memory. " and, for each
   * container using more than its request, "Container app was using 300Mi, which exceeds its
   * request of 100Mi. ".
   */
  static String evictionMessage(String resource, Pod pod, Map<String, Summary.PodStats> stats) {
    StringBuilder message = new StringBuilder("The node was low on resource: " + resource + ". ");
    for (Offender o : offenders(resource, pod, stats)) {
      message
          .append("Container ")
          .append(o.name)
          .append(" was using ")
          .append(o.usage)
          .append(", which exceeds its request of ")
          .append(o.request)
          .append(". ");
    }
    return message.toString();
  }

  /** The event's annotations: offending containers, their usage, the starved resource. */
  static Map<String, String> evictionAnnotations(
      String resource, Pod pod, Map<String, Summary.PodStats> stats) {
    Map<String, String> a = new LinkedHashMap<>();
    if (!stats.containsKey(pod.getMetadata().getUid())) {
      return a; // upstream returns before setting any
    }
    List<Offender> offenders = offenders(resource, pod, stats);
    a.put(OFFENDING_CONTAINERS_KEY, String.join(",", offenders.stream().map(o -> o.name).toList()));
    a.put(
        OFFENDING_CONTAINERS_USAGE_KEY,
        String.join(",", offenders.stream().map(o -> o.usage).toList()));
    a.put(STARVED_RESOURCE_KEY, resource);
    return a;
  }

  private record Offender(String name, String usage, String request) {}

  private static List<Offender> offenders(
      String resource, Pod pod, Map<String, Summary.PodStats> stats) {
    List<Offender> out = new ArrayList<>();
    Summary.PodStats podStats = stats.get(pod.getMetadata().getUid());
    if (podStats == null) {
      return out;
    }
    for (Summary.ContainerStats cs : podStats.containers()) {
      for (Container c : pod.getSpec().getContainers()) {
        if (!c.getName().equals(cs.name())) {
          continue;
        }
        Long usage = null;
        if (resource.equals(ResourceNames.EPHEMERAL_STORAGE)) {
          if (cs.rootfs() != null
              && cs.rootfs().usedBytes() != null
              && cs.logs() != null
              && cs.logs().usedBytes() != null) {
            usage = cs.rootfs().usedBytes() + cs.logs().usedBytes();
          }
        } else if (resource.equals(ResourceNames.MEMORY)) {
          if (cs.memory() != null && cs.memory().workingSetBytes() != null) {
            usage = cs.memory().workingSetBytes();
          }
        }
        long request = Rankers.requestOf(pod, c, resource);
        if (usage != null && usage > request) {
          Map<String, Quantity> requests =
              c.getResources() == null ? null : c.getResources().getRequests();
          String requestText =
              QuantityText.of(
                  requests == null ? null : requests.get(resource),
                  Rankers.describe(pod)
                      + ": container "
                      + c.getName()
                      + " resources.requests."
                      + resource);
          out.add(new Offender(c.getName(), QuantityText.binarySi(usage), requestText));
        }
      }
    }
    return out;
  }

  /** Go's {@code %v} of a slice: {@code [MemoryPressure DiskPressure]}. */
  private static String goList(List<?> items) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < items.size(); i++) {
      b.append(i == 0 ? "" : " ").append(items.get(i));
    }
    return b.append(']').toString();
  }

  private static String format(Pod pod) {
    return pod.getMetadata().getName()
        + "_"
        + pod.getMetadata().getNamespace()
        + "("
        + pod.getMetadata().getUid()
        + ")";
  }

  private static String formatPods(List<Pod> pods) {
    List<String> names = new ArrayList<>();
    pods.forEach(p -> names.add(format(p)));
    return String.join(", ", names);
  }
}
