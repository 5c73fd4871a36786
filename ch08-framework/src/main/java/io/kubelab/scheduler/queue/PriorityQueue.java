package io.kubelab.scheduler.queue;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.apimachinery.labels.LabelSelectors;
import io.kubelab.apimachinery.labels.Selector;
import io.kubelab.scheduler.framework.Framework;
import io.kubelab.scheduler.framework.PodInfo;
import io.kubelab.scheduler.predicates.AffinityTerms;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The scheduling queue: three sub-queues that hold every pod waiting to be scheduled.
 *
 * <ul>
 *   <li><b>activeQ</b>, a heap ordered by the profile's QueueSort {@code less} (PrioritySort:
 *       higher priority first, then earlier timestamp): the pods the scheduler tries next.
 *   <li><b>podBackoffQ</b>, a heap ordered by backoff expiry: pods that failed recently and may not
 *       be tried again until {@code timestamp + backoff(attempts)}.
 *   <li><b>unschedulableQ</b>, a map: pods that failed and wait for a cluster event (or 60 s).
 * </ul>
 *
 * <p>Upstream: {@code PriorityQueue} in {@code pkg/scheduler/internal/queue/scheduling_queue.go}
 * (v1.18), with {@code nominatedPodMap} ({@link Nominator}) and the heap of {@code
 * pkg/scheduler/internal/heap} ({@link PodHeap}). Backoff is computed from the pod's attempts
 * ({@code calculateBackoffDuration}), as v1.18 does since the {@code PodBackoffMap} was removed.
 *
 * <p>Thread-safe: one read-write lock with one condition on its write lock, as upstream's {@code
 * sync.RWMutex} and {@code sync.Cond}. The two flushes are {@link Clock} timers started by {@link
 * #run()}; on a {@code FakeClock} they fire when the test steps the clock.
 */
public final class PriorityQueue implements SchedulingQueue {

  /** {@code DefaultPodInitialBackoffDuration}. */
  public static final Duration DEFAULT_POD_INITIAL_BACKOFF_DURATION = Duration.ofSeconds(1);

  /** {@code DefaultPodMaxBackoffDuration}. */
  public static final Duration DEFAULT_POD_MAX_BACKOFF_DURATION = Duration.ofSeconds(10);

  /** {@code unschedulableQTimeInterval}: a pod unschedulable longer than this is retried. */
  public static final Duration UNSCHEDULABLE_Q_TIME_INTERVAL = Duration.ofSeconds(60);

  /** How often {@code Run} flushes the pods whose backoff completed. */
  public static final Duration BACKOFF_FLUSH_PERIOD = Duration.ofSeconds(1);

  /** How often {@code Run} looks for pods unschedulable for too long. */
  public static final Duration UNSCHEDULABLE_FLUSH_PERIOD = Duration.ofSeconds(30);

  /** {@code queueClosed}: upstream's Pop returns this error after Close; ours returns null. */
  public static final String QUEUE_CLOSED = "scheduling queue is closed";

  /** The sub-queues, by the names upstream's metrics use. */
  public enum SubQueue {
    ACTIVE("active"),
    BACKOFF("backoff"),
    UNSCHEDULABLE("unschedulable");

    private final String metricName;

    SubQueue(String metricName) {
      this.metricName = metricName;
    }

    /** The {@code queue} label of upstream's {@code pending_pods} and incoming-pods metrics. */
    public String metricName() {
      return metricName;
    }
  }

  private final Clock clock;
  private final Duration podInitialBackoffDuration;
  private final Duration podMaxBackoffDuration;

  private final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
  private final Lock readLock = rw.readLock();
  private final Lock lock = rw.writeLock();
  private final Condition cond = lock.newCondition();

  // Everything below is guarded by the lock (the nominator is written under it and read without
  // it, see Nominator).
  private final PodHeap activeQ;
  private final PodHeap podBackoffQ;
  private final Map<String, PodInfo> unschedulableQ = new LinkedHashMap<>();
  private final Nominator nominatedPods = new Nominator();
  private long schedulingCycle;
  private long moveRequestCycle = -1;
  private boolean closed;
  private final Map<String, Long> incomingPods = new HashMap<>();

  private final Object timerLock = new Object();
  private Clock.Timer backoffFlush; // guarded by timerLock
  private Clock.Timer unschedulableFlush; // guarded by timerLock
  private boolean timersDone; // guarded by timerLock: run() once, never after close()

  /** {@code NewPriorityQueue(lessFn, WithClock(clock))} with the default backoff of 1 s to 10 s. */
  public PriorityQueue(Framework.LessFunc lessFn, Clock clock) {
    this(lessFn, clock, DEFAULT_POD_INITIAL_BACKOFF_DURATION, DEFAULT_POD_MAX_BACKOFF_DURATION);
  }

  /**
   * {@code NewPriorityQueue} with {@code WithPodInitialBackoffDuration} and {@code
   * WithPodMaxBackoffDuration} ({@code podInitialBackoffSeconds}, {@code podMaxBackoffSeconds}).
   *
   * @throws IllegalArgumentException when an argument is null or a duration is not positive
   */
  public PriorityQueue(
      Framework.LessFunc lessFn,
      Clock clock,
      Duration podInitialBackoffDuration,
      Duration podMaxBackoffDuration) {
    if (lessFn == null) {
      throw new IllegalArgumentException("lessFn must not be null");
    }
    if (clock == null) {
      throw new IllegalArgumentException("clock must not be null");
    }
    this.podInitialBackoffDuration = positive(podInitialBackoffDuration, "podInitialBackoff");
    this.podMaxBackoffDuration = positive(podMaxBackoffDuration, "podMaxBackoff");
    this.clock = clock;
    this.activeQ = new PodHeap(lessFn::less);
    this.podBackoffQ = new PodHeap(this::podsCompareBackoffCompleted);
  }

  private static Duration positive(Duration d, String what) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be a positive duration, got " + d);
    }
    return d;
  }

  /**
   * {@code Run}: flushes completed backoffs every second and leftover unschedulable pods every 30
   * seconds, each first at once as {@code wait.Until} does. A second call, or a call after {@link
   * #close()}, does nothing.
   */
  @Override
  public void run() {
    synchronized (timerLock) {
      if (timersDone) {
        return;
      }
      timersDone = true;
      backoffFlush = clock.every(Duration.ZERO, BACKOFF_FLUSH_PERIOD, this::flushBackoffQCompleted);
      unschedulableFlush =
          clock.every(Duration.ZERO, UNSCHEDULABLE_FLUSH_PERIOD, this::flushUnschedulableQLeftover);
    }
  }

  /** {@code Add}: a new pod goes to activeQ and leaves the other two queues. */
  @Override
  public void add(Pod pod) {
    String key = PodKeys.key(pod);
    lock.lock();
    try {
      PodInfo pInfo = newPodInfo(pod);
      activeQ.add(pInfo);
      // Upstream logs these as errors: an added pod should be in no queue yet.
      unschedulableQ.remove(key);
      podBackoffQ.delete(key);
      count(SubQueue.ACTIVE, QueueEvents.POD_ADD);
      nominatedPods.add(pod, "");
      cond.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * {@code AddUnschedulableIfNotPresent}: the pod failed the cycle {@code podSchedulingCycle}. Its
   * timestamp is refreshed; it goes to podBackoffQ when a move request came in that cycle or later
   * ({@code moveRequestCycle >= podSchedulingCycle}: the event may have made it schedulable while
   * it was being tried), else to unschedulableQ.
   *
   * @throws IllegalStateException with upstream's message when the pod is already queued
   */
  @Override
  public void addUnschedulableIfNotPresent(PodInfo podInfo, long podSchedulingCycle) {
    if (podInfo == null) {
      throw new IllegalArgumentException("podInfo must not be null");
    }
    Pod pod = podInfo.pod();
    String key = PodKeys.key(pod);
    lock.lock();
    try {
      if (unschedulableQ.containsKey(key)) {
        throw new IllegalStateException(
            "pod: " + PodKeys.nsName(pod) + " is already present in unschedulable queue");
      }
      if (activeQ.contains(key)) {
        throw new IllegalStateException(
            "pod: " + PodKeys.nsName(pod) + " is already present in the active queue");
      }
      if (podBackoffQ.contains(key)) {
        throw new IllegalStateException(
            "pod " + PodKeys.nsName(pod) + " is already present in the backoff queue");
      }
      // Refresh the timestamp since the pod is re-added.
      PodInfo pInfo =
          new PodInfo(pod, clock.now(), podInfo.attempts(), podInfo.initialAttemptTimestamp());
      if (moveRequestCycle >= podSchedulingCycle) {
        podBackoffQ.add(pInfo);
        count(SubQueue.BACKOFF, QueueEvents.SCHEDULE_ATTEMPT_FAILURE);
      } else {
        unschedulableQ.put(key, pInfo);
        count(SubQueue.UNSCHEDULABLE, QueueEvents.SCHEDULE_ATTEMPT_FAILURE);
      }
      nominatedPods.add(pod, "");
    } finally {
      lock.unlock();
    }
  }

  /** {@code SchedulingCycle}: the number of pods popped so far. */
  @Override
  public long schedulingCycle() {
    readLock.lock();
    try {
      return schedulingCycle;
    } finally {
      readLock.unlock();
    }
  }

  /**
   * {@code Pop}: waits until activeQ holds a pod, then removes its head, counts one more attempt
   * for it and advances the scheduling cycle. Pods still in activeQ are handed out after {@link
   * #close()}; only a pop that would wait returns null once the queue is closed.
   *
   * @param timeout how long to wait at most, in real time (like {@code BlockingQueue.poll})
   * @return the pod, or null when the queue is closed and empty or the wait timed out
   */
  @Override
  public PodInfo pop(Duration timeout) throws InterruptedException {
    if (timeout == null) {
      throw new IllegalArgumentException("timeout must not be null");
    }
    long nanos = saturatedNanos(timeout);
    lock.lockInterruptibly();
    try {
      while (activeQ.size() == 0) {
        if (closed || nanos <= 0) {
          return null;
        }
        nanos = cond.awaitNanos(nanos);
      }
      PodInfo head = activeQ.pop();
      schedulingCycle++;
      return new PodInfo(
          head.pod(), head.timestamp(), head.attempts() + 1, head.initialAttemptTimestamp());
    } finally {
      lock.unlock();
    }
  }

  private static long saturatedNanos(Duration d) {
    if (d.isNegative()) {
      return 0;
    }
    return d.compareTo(Duration.ofDays(365)) > 0 ? TimeUnit.DAYS.toNanos(365) : d.toNanos();
  }

  /**
   * {@code Update}: a pod in activeQ is replaced in place; a pod in podBackoffQ goes to activeQ at
   * once (the update may be what it waited for); a pod in unschedulableQ goes to activeQ only if
   * {@link #isPodUpdated} sees a change that could matter, else it is replaced in place; a pod in
   * no queue is added to activeQ. Timestamp and attempts survive every move.
   *
   * @param oldPod the pod before the update; null when unknown (then the update counts as a change)
   */
  @Override
  public void update(Pod oldPod, Pod newPod) {
    String newKey = PodKeys.key(newPod);
    String oldKey = oldPod == null ? null : PodKeys.key(oldPod);
    lock.lock();
    try {
      if (oldPod != null) {
        PodInfo inActive = activeQ.get(oldKey);
        if (inActive != null) {
          nominatedPods.update(oldPod, newPod);
          activeQ.add(withPod(inActive, newPod));
          return;
        }
        PodInfo inBackoff = podBackoffQ.get(oldKey);
        if (inBackoff != null) {
          nominatedPods.update(oldPod, newPod);
          podBackoffQ.delete(oldKey);
          activeQ.add(withPod(inBackoff, newPod));
          cond.signalAll();
          return;
        }
      }
      PodInfo unschedulable = unschedulableQ.get(newKey);
      if (unschedulable != null) {
        nominatedPods.update(oldPod == null ? newPod : oldPod, newPod);
        if (oldPod == null || isPodUpdated(oldPod, newPod)) {
          unschedulableQ.remove(newKey);
          activeQ.add(withPod(unschedulable, newPod));
          cond.signalAll();
          return;
        }
        // Not changed in a way that matters: no need to try it again yet.
        unschedulableQ.put(newKey, withPod(unschedulable, newPod));
        return;
      }
      activeQ.add(newPodInfo(newPod));
      nominatedPods.add(newPod, "");
      cond.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** {@code Delete}: the pod leaves the nominator and whichever queue holds it. */
  @Override
  public void delete(Pod pod) {
    String key = PodKeys.key(pod);
    lock.lock();
    try {
      nominatedPods.delete(pod);
      // Upstream looks in the other two only when activeQ did not hold it; a pod is in one.
      activeQ.delete(key);
      podBackoffQ.delete(key);
      unschedulableQ.remove(key);
    } finally {
      lock.unlock();
    }
  }

  /** {@code MoveAllToActiveOrBackoffQueue}: every unschedulable pod moves, then a move request. */
  @Override
  public void moveAllToActiveOrBackoffQueue(String event) {
    lock.lock();
    try {
      movePodsToActiveOrBackoffQueue(new ArrayList<>(unschedulableQ.values()), event);
    } finally {
      lock.unlock();
    }
  }

  /**
   * {@code AssignedPodAdded}: a pod was bound; the unschedulable pods whose required pod affinity
   * it may satisfy move. Even when none does, the move request is recorded, as upstream records it.
   */
  @Override
  public void assignedPodAdded(Pod pod) {
    lock.lock();
    try {
      movePodsToActiveOrBackoffQueue(
          getUnschedulablePodsWithMatchingAffinityTerm(pod), QueueEvents.ASSIGNED_POD_ADD);
    } finally {
      lock.unlock();
    }
  }

  /** {@code AssignedPodUpdated}: as {@link #assignedPodAdded}, for an updated bound pod. */
  @Override
  public void assignedPodUpdated(Pod pod) {
    lock.lock();
    try {
      movePodsToActiveOrBackoffQueue(
          getUnschedulablePodsWithMatchingAffinityTerm(pod), QueueEvents.ASSIGNED_POD_UPDATE);
    } finally {
      lock.unlock();
    }
  }

  /** {@code PendingPods}: activeQ, then podBackoffQ, then unschedulableQ. */
  @Override
  public List<Pod> pendingPods() {
    readLock.lock();
    try {
      List<Pod> result = new ArrayList<>();
      for (PodInfo p : activeQ.list()) {
        result.add(p.pod());
      }
      for (PodInfo p : podBackoffQ.list()) {
        result.add(p.pod());
      }
      for (PodInfo p : unschedulableQ.values()) {
        result.add(p.pod());
      }
      return result;
    } finally {
      readLock.unlock();
    }
  }

  @Override
  public int numUnschedulablePods() {
    readLock.lock();
    try {
      return unschedulableQ.size();
    } finally {
      readLock.unlock();
    }
  }

  /** {@code Close}: stops the flushes and wakes every waiting {@link #pop}. */
  @Override
  public void close() {
    synchronized (timerLock) {
      timersDone = true;
      if (backoffFlush != null) {
        backoffFlush.close();
        unschedulableFlush.close();
      }
    }
    lock.lock();
    try {
      closed = true;
      cond.signalAll();
    } finally {
      lock.unlock();
    }
  }

  // ---- the nominator ----

  /**
   * {@code NominatedPodsForNode}: the pods nominated to run on the node, unmodifiable, as they were
   * when asked.
   */
  @Override
  public List<Pod> nominatedPodsForNode(String nodeName) {
    if (nominatedPods.isEmpty()) {
      return List.of(); // see Nominator.isEmpty
    }
    // Without the lock: each node's list is replaced, never changed (Nominator.podsForNode).
    return nominatedPods.podsForNode(nodeName);
  }

  /** {@code UpdateNominatedPodForNode}: preemption nominated the pod to the node. */
  @Override
  public void updateNominatedPodForNode(Pod pod, String nodeName) {
    PodKeys.key(pod);
    lock.lock();
    try {
      nominatedPods.add(pod, nodeName);
    } finally {
      lock.unlock();
    }
  }

  /** {@code DeleteNominatedPodIfExists}: the pod was assumed (or deleted); its room is freed. */
  @Override
  public void deleteNominatedPodIfExists(Pod pod) {
    PodKeys.key(pod);
    lock.lock();
    try {
      nominatedPods.delete(pod);
    } finally {
      lock.unlock();
    }
  }

  // ---- looking inside, for the scheduler's tests and explanations ----

  /** Which sub-queue holds the pod (by namespace and name), if any. */
  public Optional<SubQueue> queueOf(Pod pod) {
    String key = PodKeys.key(pod);
    readLock.lock();
    try {
      if (activeQ.contains(key)) {
        return Optional.of(SubQueue.ACTIVE);
      }
      if (podBackoffQ.contains(key)) {
        return Optional.of(SubQueue.BACKOFF);
      }
      if (unschedulableQ.containsKey(key)) {
        return Optional.of(SubQueue.UNSCHEDULABLE);
      }
      return Optional.empty();
    } finally {
      readLock.unlock();
    }
  }

  /** The queued entry of the pod (timestamp, attempts), if a sub-queue holds it. */
  public Optional<PodInfo> podInfoOf(Pod pod) {
    String key = PodKeys.key(pod);
    readLock.lock();
    try {
      PodInfo p = activeQ.get(key);
      if (p == null) {
        p = podBackoffQ.get(key);
      }
      if (p == null) {
        p = unschedulableQ.get(key);
      }
      return Optional.ofNullable(p);
    } finally {
      readLock.unlock();
    }
  }

  /**
   * Upstream's {@code pending_pods} gauge: how many pods each sub-queue holds now, by {@link
   * SubQueue#metricName()}.
   */
  public Map<String, Integer> pendingPodsByQueue() {
    readLock.lock();
    try {
      Map<String, Integer> m = new LinkedHashMap<>();
      m.put(SubQueue.ACTIVE.metricName(), activeQ.size());
      m.put(SubQueue.BACKOFF.metricName(), podBackoffQ.size());
      m.put(SubQueue.UNSCHEDULABLE.metricName(), unschedulableQ.size());
      return m;
    } finally {
      readLock.unlock();
    }
  }

  /**
   * Upstream's {@code queue_incoming_pods_total} counter: how many pods entered {@code queue} on
   * {@code event} ({@link QueueEvents}) since the queue was made.
   */
  public long incomingPods(SubQueue queue, String event) {
    readLock.lock();
    try {
      return incomingPods.getOrDefault(queue.metricName() + "/" + event, 0L);
    } finally {
      readLock.unlock();
    }
  }

  /** The time the pod's backoff completes: {@code timestamp + backoff(attempts)}. */
  public Instant getBackoffTime(PodInfo podInfo) {
    return podInfo.timestamp().plus(calculateBackoffDuration(podInfo.attempts()));
  }

  /**
   * {@code calculateBackoffDuration}: the initial backoff, doubled once for each attempt after the
   * first, capped at the maximum (1, 2, 4, 8, 10, 10 ... s by default).
   */
  public Duration calculateBackoffDuration(int attempts) {
    return calculateBackoffDuration(attempts, podInitialBackoffDuration, podMaxBackoffDuration);
  }

  static Duration calculateBackoffDuration(int attempts, Duration initial, Duration max) {
    Duration duration = initial;
    for (int i = 1; i < attempts; i++) {
      duration = duration.multipliedBy(2);
      if (duration.compareTo(max) > 0) {
        return max;
      }
    }
    return duration;
  }

  // ---- the flushes and moves (all with the lock held) ----

  /** {@code flushBackoffQCompleted}: moves every pod whose backoff is over to activeQ. */
  void flushBackoffQCompleted() {
    lock.lock();
    try {
      boolean moved = false;
      while (true) {
        PodInfo head = podBackoffQ.peek();
        if (head == null || getBackoffTime(head).isAfter(clock.now())) {
          break;
        }
        podBackoffQ.pop();
        activeQ.add(head);
        count(SubQueue.ACTIVE, QueueEvents.BACKOFF_COMPLETE);
        moved = true;
      }
      if (moved) {
        cond.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** {@code flushUnschedulableQLeftover}: moves pods unschedulable for more than 60 s. */
  void flushUnschedulableQLeftover() {
    lock.lock();
    try {
      Instant now = clock.now();
      List<PodInfo> podsToMove = new ArrayList<>();
      for (PodInfo p : unschedulableQ.values()) {
        if (Duration.between(p.timestamp(), now).compareTo(UNSCHEDULABLE_Q_TIME_INTERVAL) > 0) {
          podsToMove.add(p);
        }
      }
      if (!podsToMove.isEmpty()) {
        movePodsToActiveOrBackoffQueue(podsToMove, QueueEvents.UNSCHEDULABLE_TIMEOUT);
      }
    } finally {
      lock.unlock();
    }
  }

  /** {@code isPodBackingoff}: the pod's backoff has not completed yet. */
  boolean isPodBackingoff(PodInfo podInfo) {
    return getBackoffTime(podInfo).isAfter(clock.now());
  }

  /** {@code movePodsToActiveOrBackoffQueue}: must hold the lock. */
  private void movePodsToActiveOrBackoffQueue(List<PodInfo> podInfoList, String event) {
    for (PodInfo pInfo : podInfoList) {
      String key = PodKeys.key(pInfo.pod());
      if (isPodBackingoff(pInfo)) {
        podBackoffQ.add(pInfo);
        count(SubQueue.BACKOFF, event);
      } else {
        activeQ.add(pInfo);
        count(SubQueue.ACTIVE, event);
      }
      unschedulableQ.remove(key);
    }
    moveRequestCycle = schedulingCycle;
    cond.signalAll();
  }

  /**
   * {@code getUnschedulablePodsWithMatchingAffinityTerm}: the unschedulable pods with a required
   * pod affinity term that {@code pod} matches: in one of the term's namespaces (by default the
   * unschedulable pod's own) and selected by its label selector. Anti-affinity and preferred terms
   * do not count.
   */
  private List<PodInfo> getUnschedulablePodsWithMatchingAffinityTerm(Pod pod) {
    PodKeys.key(pod);
    List<PodInfo> podsToMove = new ArrayList<>();
    for (PodInfo pInfo : unschedulableQ.values()) {
      Pod up = pInfo.pod();
      if (up.getSpec() == null) {
        continue;
      }
      for (PodAffinityTerm term : AffinityTerms.requiredAffinityTerms(up)) {
        Set<String> namespaces = AffinityTerms.namespaces(up, term);
        Selector selector;
        try {
          selector = LabelSelectors.compileCached(term.getLabelSelector(), "");
        } catch (LabelSelectors.InvalidSelectorException e) {
          // Upstream logs "Error getting label selectors for pod"; the API server rejects such
          // a pod, so one built by hand simply has a term nothing matches.
          continue;
        }
        if (AffinityTerms.podMatchesTermsNamespaceAndSelector(pod, namespaces, selector)) {
          podsToMove.add(pInfo);
          break;
        }
      }
    }
    return podsToMove;
  }

  /**
   * Puts an entry straight into one sub-queue, as upstream's table tests do ({@code
   * queue.activeQ.Add(pInfo)}, {@code queue.unschedulableQ.addOrUpdate(pInfo)}): only for the tests
   * in this package that port them.
   */
  void addDirectly(SubQueue queue, PodInfo info) {
    lock.lock();
    try {
      switch (queue) {
        case ACTIVE -> activeQ.add(info);
        case BACKOFF -> podBackoffQ.add(info);
        case UNSCHEDULABLE -> unschedulableQ.put(PodKeys.key(info.pod()), info);
      }
    } finally {
      lock.unlock();
    }
  }

  // ---- helpers ----

  /** {@code podsCompareBackoffCompleted}: the earlier backoff expiry first. */
  private boolean podsCompareBackoffCompleted(PodInfo a, PodInfo b) {
    return getBackoffTime(a).isBefore(getBackoffTime(b));
  }

  /** {@code newPodInfo}: stamped now, never tried. */
  private PodInfo newPodInfo(Pod pod) {
    return PodInfo.of(pod, clock.now());
  }

  /** {@code updatePod}: the queued entry with the new pod object, timestamp and attempts kept. */
  private static PodInfo withPod(PodInfo old, Pod newPod) {
    return new PodInfo(newPod, old.timestamp(), old.attempts(), old.initialAttemptTimestamp());
  }

  private void count(SubQueue queue, String event) {
    incomingPods.merge(queue.metricName() + "/" + event, 1L, Long::sum);
  }

  /**
   * {@code isPodUpdated}: whether the update may have made the pod schedulable. The pods are
   * compared whole except {@code metadata.resourceVersion}, {@code metadata.generation} and {@code
   * status}, which change without changing what the pod asks for.
   */
  static boolean isPodUpdated(Pod oldPod, Pod newPod) {
    return !strip(oldPod).equals(strip(newPod));
  }

  /** The queue only holds pods with metadata (it keys them by name). */
  private static Pod strip(Pod pod) {
    ObjectMeta meta =
        new ObjectMetaBuilder(pod.getMetadata())
            .withResourceVersion(null)
            .withGeneration(null)
            .build();
    return new Pod(pod.getApiVersion(), pod.getKind(), meta, pod.getSpec(), null);
  }
}
