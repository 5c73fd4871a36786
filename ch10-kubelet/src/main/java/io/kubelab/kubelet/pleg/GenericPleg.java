package io.kubelab.kubelet.pleg;

import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.kubelet.container.Cache;
import io.kubelab.kubelet.container.Container;
import io.kubelab.kubelet.container.ContainerId;
import io.kubelab.kubelet.container.ContainerRuntimeException;
import io.kubelab.kubelet.container.PodStatus;
import io.kubelab.kubelet.container.Runtime;
import io.kubelab.kubelet.container.RuntimePod;
import io.kubelab.kubelet.container.SandboxStatus;
import io.kubelab.kubelet.util.GoDurations;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The generic pod lifecycle event generator: every second it lists all containers, compares each
 * with what it saw last time, turns the differences into {@link PodLifecycleEvent}s for the sync
 * loop, and refreshes the runtime {@link Cache} for the pods that changed.
 *
 * <p>Upstream: {@code pkg/kubelet/pleg/generic.go} ({@code GenericPLEG}); constants from {@code
 * pkg/kubelet/kubelet.go} ({@code plegRelistPeriod}, {@code plegChannelCapacity}). Relisting is
 * upstream's {@code wait.Until(relist, 1s)}: a sliding {@link Clock#until} loop, so a slow relist
 * delays the next one by a full period after it ends, on the executor the owner passes (the runtime
 * calls can block). With a {@code FakeClock} a test drives it by stepping time, or calls {@link
 * #relist()} directly.
 *
 * <p>Not thread-safe against itself: relists must not overlap, which the loop guarantees. {@link
 * #healthy()} and {@link #discardedEvents()} may be read from any thread.
 */
public final class GenericPleg implements AutoCloseable {

  /** Upstream {@code plegRelistPeriod}. */
  public static final Duration RELIST_PERIOD = Duration.ofSeconds(1);

  /** Upstream {@code plegChannelCapacity}. */
  public static final int CHANNEL_CAPACITY = 1000;

  /**
   * Upstream {@code relistThreshold}: longer than this without a relist and the PLEG is unhealthy.
   */
  public static final Duration RELIST_THRESHOLD = Duration.ofMinutes(3);

  private static final System.Logger LOG = System.getLogger(GenericPleg.class.getName());

  /** The answer of {@link #healthy()}: upstream returns {@code (bool, error)}. */
  public record Health(boolean healthy, String message) {}

  private final Runtime runtime;
  private final Cache cache;
  private final Clock clock;
  private final Duration relistPeriod;
  private final BlockingQueue<PodLifecycleEvent> eventChannel;
  private final Map<String, PodRecord> podRecords = new LinkedHashMap<>();
  private final AtomicLong discarded = new AtomicLong();
  private volatile Instant relistTime;
  private Map<String, RuntimePod> podsToReinspect = new LinkedHashMap<>();
  private final Executor executor;
  private volatile Runnable eventListener = () -> {};
  private Clock.Timer timer;

  /** Old and current listing of one pod; null means "not listed". */
  private static final class PodRecord {
    RuntimePod old;
    RuntimePod current;
  }

  /**
   * A PLEG with upstream's period and channel capacity. {@code cache} may be null, as upstream
   * allows, in which case no pod is inspected. Relists run on {@code executor}.
   */
  public GenericPleg(Runtime runtime, Cache cache, Clock clock, Executor executor) {
    this(runtime, cache, clock, executor, CHANNEL_CAPACITY, RELIST_PERIOD);
  }

  public GenericPleg(
      Runtime runtime,
      Cache cache,
      Clock clock,
      Executor executor,
      int channelCapacity,
      Duration relistPeriod) {
    if (channelCapacity < 1) {
      throw new IllegalArgumentException(
          "GenericPleg: channelCapacity must be >= 1, got " + channelCapacity);
    }
    Clock.checkPeriod(relistPeriod);
    this.runtime = runtime;
    this.cache = cache;
    this.clock = clock;
    this.relistPeriod = relistPeriod;
    this.executor = executor;
    this.eventChannel = new ArrayBlockingQueue<>(channelCapacity);
  }

  /** The events for the sync loop (upstream {@code Watch}). One consumer. */
  public BlockingQueue<PodLifecycleEvent> watch() {
    return eventChannel;
  }

  /**
   * Called after every relist that put events on the channel, so that a consumer that does not
   * block on {@link #watch()} knows to drain it. Must not block.
   */
  public void onEvents(Runnable listener) {
    this.eventListener = listener == null ? () -> {} : listener;
  }

  /** Starts relisting now and then a period after each relist ends (upstream {@code Start}). */
  public synchronized void start() {
    if (timer != null) {
      throw new IllegalStateException("GenericPleg already started");
    }
    timer = clock.until(Duration.ZERO, relistPeriod, executor, this::relist);
  }

  /** Stops relisting. */
  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.close();
    }
  }

  /** Events dropped because the channel was full (upstream metric {@code PLEGDiscardEvents}). */
  public long discardedEvents() {
    return discarded.get();
  }

  /**
   * False until the first successful relist, and again once the last one is more than {@link
   * #RELIST_THRESHOLD} ago. The kubelet reports this as "PLEG is not healthy: " + message.
   */
  public Health healthy() {
    Instant last = relistTime;
    if (last == null) {
      return new Health(false, "pleg has yet to be successful");
    }
    Duration elapsed = clock.since(last);
    if (elapsed.compareTo(RELIST_THRESHOLD) > 0) {
      return new Health(
          false,
          "pleg was last seen active "
              + GoDurations.format(elapsed)
              + " ago; threshold is "
              + GoDurations.format(RELIST_THRESHOLD));
    }
    return new Health(true, "");
  }

  /**
   * Lists all containers once, computes and sends events, and updates the cache. Called by the
   * timer; tests call it directly.
   */
  public void relist() {
    // Taken before listing: the cache may only vouch for what was true when the listing began.
    Instant timestamp = cache.timestamp(clock.now());
    List<RuntimePod> pods;
    try {
      pods = runtime.getPods(true);
    } catch (ContainerRuntimeException e) {
      LOG.log(Level.ERROR, "GenericPLEG: Unable to retrieve pods: " + e.getMessage());
      return;
    }
    relistTime = timestamp;

    setCurrent(pods);

    Map<String, List<PodLifecycleEvent>> eventsByPodId = new LinkedHashMap<>();
    for (Map.Entry<String, PodRecord> e : podRecords.entrySet()) {
      List<PodLifecycleEvent> events = computePodEvents(e.getValue().old, e.getValue().current);
      if (!events.isEmpty()) {
        eventsByPodId.put(e.getKey(), events);
      }
    }

    Map<String, RuntimePod> needsReinspection = new LinkedHashMap<>();
    boolean sent = false;
    for (Map.Entry<String, List<PodLifecycleEvent>> e : eventsByPodId.entrySet()) {
      String pid = e.getKey();
      RuntimePod pod = podRecords.get(pid).current;
      if (cache != null) {
        if (!updateCache(pod, pid)) {
          // The record is not advanced, so the same difference is found again next relist.
          needsReinspection.put(pid, pod);
          continue;
        }
        podsToReinspect.remove(pid);
      }
      updateRecord(pid);
      for (PodLifecycleEvent event : e.getValue()) {
        if (event.type() == PodLifeCycleEventType.CONTAINER_CHANGED) {
          continue;
        }
        // Never block the relist on a slow consumer; the pod's periodic resync is the safety net.
        if (eventChannel.offer(event)) {
          sent = true;
        } else {
          discarded.incrementAndGet();
          LOG.log(Level.ERROR, "event channel is full, discard this relist() cycle event");
        }
      }
    }

    if (cache != null) {
      for (Map.Entry<String, RuntimePod> e : podsToReinspect.entrySet()) {
        if (!updateCache(e.getValue(), e.getKey())) {
          needsReinspection.put(e.getKey(), e.getValue());
        }
      }
      // After every Set, so that readers woken by the global time see this relist's statuses.
      cache.updateTime(timestamp);
    }
    podsToReinspect = needsReinspection;
    if (sent) {
      eventListener.run();
    }
  }

  /** Pods whose inspection failed and will be retried next relist. */
  Set<String> podsToReinspect() {
    return Set.copyOf(podsToReinspect.keySet());
  }

  private void setCurrent(List<RuntimePod> pods) {
    for (PodRecord r : podRecords.values()) {
      r.current = null;
    }
    for (RuntimePod p : pods) {
      podRecords.computeIfAbsent(p.uid(), k -> new PodRecord()).current = p;
    }
  }

  private void updateRecord(String pid) {
    PodRecord r = podRecords.get(pid);
    if (r.current == null) {
      podRecords.remove(pid);
      return;
    }
    r.old = r.current;
    r.current = null;
  }

  /** Inspects the pod and stores the result; false when inspection failed. */
  private boolean updateCache(RuntimePod pod, String pid) {
    if (pod == null) {
      // Not listed at all: the pod has no containers left, so the cache forgets it.
      cache.delete(pid);
      return true;
    }
    Instant timestamp = cache.timestamp(clock.now());
    try {
      PodStatus status = runtime.getPodStatus(pod.uid(), pod.name(), pod.namespace());
      status = status.withIps(podIps(pid, status));
      cache.set(pod.uid(), status, null, timestamp);
      return true;
    } catch (ContainerRuntimeException e) {
      // The error is cached too, so a pod worker sees why it cannot sync.
      cache.set(pod.uid(), PodStatus.empty(pod.uid()), e, timestamp);
      return false;
    }
  }

  /**
   * A torn-down pod often reports no IP, but the API must keep showing a dead pod's IP: keep the
   * cached IPs unless the new status has some or a sandbox is ready.
   */
  private List<String> podIps(String pid, PodStatus status) {
    if (!status.ips().isEmpty()) {
      return status.ips();
    }
    Cache.Snapshot old = cache.get(pid);
    if (old.error() != null || old.status().ips().isEmpty()) {
      return List.of();
    }
    for (SandboxStatus s : status.sandboxStatuses()) {
      if (s.ready()) {
        return status.ips();
      }
    }
    return old.status().ips();
  }

  /**
   * Events for every container and sandbox of either listing, each once, old listing first (the
   * order of upstream's {@code getContainersFromPods}). Pods have a handful of containers, so
   * linear scans beat hashing here, and a relist without changes allocates nothing per container.
   */
  private static List<PodLifecycleEvent> computePodEvents(RuntimePod oldPod, RuntimePod newPod) {
    if (oldPod != null && oldPod.equals(newPod)) {
      return List.of(); // same containers in the same states: nothing happened
    }
    String pid = oldPod != null ? oldPod.uid() : newPod.uid();
    List<PodLifecycleEvent> events = List.of();
    if (oldPod != null) {
      events = addEvents(events, pid, oldPod.containers(), oldPod, newPod, null);
      events = addEvents(events, pid, oldPod.sandboxes(), oldPod, newPod, null);
    }
    if (newPod != null) {
      events = addEvents(events, pid, newPod.containers(), oldPod, newPod, oldPod);
      events = addEvents(events, pid, newPod.sandboxes(), oldPod, newPod, oldPod);
    }
    return events;
  }

  private static List<PodLifecycleEvent> addEvents(
      List<PodLifecycleEvent> events,
      String pid,
      List<Container> containers,
      RuntimePod oldPod,
      RuntimePod newPod,
      RuntimePod alreadySeenIn) {
    for (Container c : containers) {
      if (alreadySeenIn != null && find(alreadySeenIn, c.id()) != null) {
        continue; // handled while walking the old listing
      }
      List<PodLifecycleEvent> more =
          generateEvents(pid, c.id().id(), stateIn(oldPod, c.id()), stateIn(newPod, c.id()));
      if (!more.isEmpty()) {
        if (events.isEmpty()) {
          events = new ArrayList<>();
        }
        events.addAll(more);
      }
    }
    return events;
  }

  private static PlegContainerState stateIn(RuntimePod pod, ContainerId id) {
    Container c = pod == null ? null : find(pod, id);
    return c == null ? PlegContainerState.NON_EXISTENT : PlegContainerState.convert(c.state());
  }

  private static Container find(RuntimePod pod, ContainerId id) {
    for (Container c : pod.containers()) {
      if (c.id().equals(id)) {
        return c;
      }
    }
    for (Container c : pod.sandboxes()) {
      if (c.id().equals(id)) {
        return c;
      }
    }
    return null;
  }

  /**
   * The events one container's state change yields. Only the new state matters, except for a
   * disappearance: a container that vanishes without having been seen exited also died.
   */
  static List<PodLifecycleEvent> generateEvents(
      String podId, String cid, PlegContainerState oldState, PlegContainerState newState) {
    if (newState == oldState) {
      return List.of();
    }
    return switch (newState) {
      case RUNNING ->
          List.of(new PodLifecycleEvent(podId, PodLifeCycleEventType.CONTAINER_STARTED, cid));
      case EXITED ->
          List.of(new PodLifecycleEvent(podId, PodLifeCycleEventType.CONTAINER_DIED, cid));
      case UNKNOWN ->
          List.of(new PodLifecycleEvent(podId, PodLifeCycleEventType.CONTAINER_CHANGED, cid));
      case NON_EXISTENT ->
          oldState == PlegContainerState.EXITED
              ? List.of(new PodLifecycleEvent(podId, PodLifeCycleEventType.CONTAINER_REMOVED, cid))
              : List.of(
                  new PodLifecycleEvent(podId, PodLifeCycleEventType.CONTAINER_DIED, cid),
                  new PodLifecycleEvent(podId, PodLifeCycleEventType.CONTAINER_REMOVED, cid));
    };
  }
}
