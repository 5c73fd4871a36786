package io.kubelab.scheduler;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.apimachinery.objects.ShallowCopy;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.scheduler.algorithm.SchedulerExtender;
import io.kubelab.scheduler.algorithm.SchedulingError;
import io.kubelab.scheduler.cache.Cache;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.Code;
import io.kubelab.scheduler.framework.CycleRecorder;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.PodInfo;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.framework.WaitingPod;
import io.kubelab.scheduler.framework.core.FitError;
import io.kubelab.scheduler.framework.core.FrameworkGenericScheduler;
import io.kubelab.scheduler.framework.core.FrameworkPreemption;
import io.kubelab.scheduler.framework.plugins.DefaultBinder;
import io.kubelab.scheduler.metrics.SchedulerMetrics;
import io.kubelab.scheduler.preemption.EventRecorder;
import io.kubelab.scheduler.preemption.PdbLister;
import io.kubelab.scheduler.preemption.PodPreemptor;
import io.kubelab.scheduler.preemption.PreemptionResult;
import io.kubelab.scheduler.preemption.SchedulerPreemption;
import io.kubelab.scheduler.queue.SchedulingQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;

/**
 * The scheduler: informer events feed the cache and the queue; one loop takes pods from the queue
 * and decides where each runs; a binding cycle per pod writes the decision, asynchronously.
 *
 * <p>Upstream: {@code Scheduler}, {@code scheduleOne}, {@code assume}, {@code bind}, {@code
 * finishBinding}, {@code preempt}, {@code recordSchedulingFailure} and {@code skipPodSchedule} in
 * {@code pkg/scheduler/scheduler.go} (v1.18). The scheduling cycle of {@link #scheduleOne}, in
 * upstream's order:
 *
 * <ol>
 *   <li>pop a pod; pick the profile its {@code schedulerName} names; skip it when it is being
 *       deleted ({@code FailedScheduling: skip schedule deleting pod: ns/name}) or is an assumed
 *       pod's redundant update;
 *   <li>schedule it on a fresh snapshot; on a {@link FitError} try preemption (unless disabled) and
 *       record the failure with reason {@code Unschedulable} (every scheduling error gets that
 *       reason in v1.18);
 *   <li>Reserve, then assume it into the cache with {@code spec.nodeName} set (upstream v1.18 runs
 *       Reserve before assume), dropping its nomination; then Permit;
 *   <li>hand the binding cycle to the binding executor: wait on Permit, PreBind, bind (through the
 *       first interested binder extender, else the Bind plugins), FinishBinding, PostBind.
 * </ol>
 *
 * Every failure after assume forgets the pod in the cache and runs Unreserve; every failure records
 * a {@code FailedScheduling} event, a {@code PodScheduled=False} condition, and hands the pod to
 * the error func ({@link DefaultErrorFunc}), which puts it back in the queue. Volume binding
 * ({@code AssumePodVolumes}, {@code bindVolumes}) is not modelled: no plugin here binds volumes.
 *
 * <p>Threads: {@link #run()} starts the queue's flushes and the {@code scheduler-loop} thread;
 * binding cycles run on {@code scheduler-binding-N} threads (one per pod in flight, as upstream's
 * goroutines; a Permit wait holds its thread). Tests may instead call {@link #scheduleOne} on their
 * own thread. {@link #close()} stops the loop, rejects the pods waiting at Permit, joins every
 * thread and closes the queue; the cache and the frameworks belong to the caller.
 */
public final class Scheduler implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(Scheduler.class.getName());

  /** {@code SchedulerError}: the reason of failures that are not the pod's fault. */
  public static final String SCHEDULER_ERROR = "SchedulerError";

  /** {@code validation.NoteLengthLimit}: events' notes are cut to this many characters. */
  public static final int NOTE_LENGTH_LIMIT = 1024;

  /** The reason of the failure events. */
  public static final String REASON_FAILED_SCHEDULING = "FailedScheduling";

  /** The reason of the success event. */
  public static final String REASON_SCHEDULED = "Scheduled";

  /** {@code v1.EventTypeWarning}. */
  public static final String EVENT_TYPE_WARNING = "Warning";

  /** How long the loop waits in one pop before it checks whether it was closed. */
  static final Duration LOOP_POP_TIMEOUT = Duration.ofMillis(200);

  private final Clock clock;
  private final Cache cache;
  private final SchedulingQueue queue;
  private final Map<String, FrameworkImpl> profiles;
  private final FrameworkGenericScheduler algorithm;
  private final FrameworkPreemption preemption;
  private final List<SchedulerExtender> extenders;
  private final PodPreemptor podPreemptor;
  private final PodConditionUpdater podConditionUpdater;
  private final EventRecorder recorder;
  private final PdbLister pdbLister;
  private final boolean disablePreemption;
  private final ExecutorService bindingExecutor;
  private final DefaultErrorFunc errorFunc;
  private final EventHandlers handlers;
  private final Function<Pod, CycleRecorder> cycleRecorders;
  private final SchedulerMetrics metrics;

  private final Object inFlightLock = new Object();
  private int inFlight;
  private Thread loop;
  private volatile boolean closed;

  private Scheduler(Builder b) {
    this.clock = b.clock;
    this.cache = b.cache;
    this.queue = b.queue;
    this.profiles = Map.copyOf(b.profiles);
    this.extenders = List.copyOf(b.extenders);
    this.podPreemptor = b.podPreemptor;
    this.podConditionUpdater = b.podConditionUpdater;
    this.recorder = b.recorder;
    this.pdbLister = b.pdbLister;
    this.disablePreemption = b.disablePreemption;
    this.cycleRecorders = b.cycleRecorders;
    this.metrics = b.metrics;
    this.algorithm =
        new FrameworkGenericScheduler(
            b.cache,
            b.snapshot,
            b.parallelizer,
            b.queue,
            b.percentageOfNodesToScore,
            b.random,
            this.extenders,
            b.metrics);
    this.preemption =
        new FrameworkPreemption(
            algorithm, b.snapshot, b.parallelizer, b.queue, b.enableNonPreempting);
    this.bindingExecutor = Executors.newCachedThreadPool(named("scheduler-binding-"));
    this.errorFunc = new DefaultErrorFunc(b.podGetter, b.queue, b.clock, bindingExecutor);
    this.handlers = new EventHandlers(b.cache, b.queue, this.profiles);
  }

  /** A builder; every component without a default must be given. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@code addAllEventHandlers}: the scheduler starts hearing the informers' events. */
  public void addAllEventHandlers(InformerSource informers) {
    handlers.register(informers);
  }

  /** {@code Run}: starts the queue's flushes and the scheduling loop. */
  public void run() {
    synchronized (this) {
      if (loop != null || closed) {
        throw new IllegalStateException("the scheduler was already started or closed");
      }
      queue.run();
      loop = new Thread(this::loop, "scheduler-loop");
      loop.start();
    }
  }

  private void loop() {
    while (!closed) {
      try {
        scheduleOne(LOOP_POP_TIMEOUT);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "scheduling cycle failed", e);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The scheduling cycle

  /**
   * {@code scheduleOne}: one scheduling cycle, on the calling thread; its binding cycle, if it gets
   * that far, runs on the binding executor.
   *
   * @param popTimeout how long to wait for a pod
   * @return false when no pod came (timeout or closed queue)
   * @throws InterruptedException when interrupted while waiting for a pod
   */
  public boolean scheduleOne(Duration popTimeout) throws InterruptedException {
    PodInfo podInfo = queue.pop(popTimeout);
    if (podInfo == null) {
      return false;
    }
    Pod pod = podInfo.pod();
    FrameworkImpl prof = profiles.get(pod.getSpec().getSchedulerName());
    if (prof == null) {
      // Only pods naming a profile are queued; this would be a bug.
      LOG.severe(
          () ->
              "profile not found for scheduler name \"" + pod.getSpec().getSchedulerName() + "\"");
      return true;
    }
    if (skipPodSchedule(pod)) {
      return true;
    }
    long start = metrics == null ? 0 : metrics.start();
    CycleState state = new CycleState();
    state.setRecorder(cycleRecorders.apply(pod));
    String host;
    try {
      host = algorithm.schedule(prof, state, pod).suggestedHost();
    } catch (FitError fitError) {
      if (!disablePreemption) {
        long preemptionStart = metrics == null ? 0 : metrics.start();
        preempt(prof, state, pod, fitError);
        if (metrics != null) {
          metrics.observeSince(SchedulerMetrics.PREEMPTION_EVALUATION, preemptionStart);
        }
      }
      recordSchedulingFailure(
          state, podInfo, fitError, PodConditions.REASON_UNSCHEDULABLE, fitError.getMessage());
      return true;
    } catch (RuntimeException e) {
      if (!(e instanceof SchedulingError.NoNodesAvailable)) {
        LOG.severe(() -> "error selecting node for pod: " + e.getMessage());
      }
      recordSchedulingFailure(
          state, podInfo, e, PodConditions.REASON_UNSCHEDULABLE, e.getMessage());
      return true;
    }
    if (metrics != null) {
      metrics.observeSince(SchedulerMetrics.SCHEDULING_ALGORITHM, start);
    }

    // The assumed pod is a copy (upstream's DeepCopy) with its own spec, the one part assume
    // changes: the queue's and the informer's objects stay as they are.
    Pod assumedPod = ShallowCopy.of(pod);
    assumedPod.setSpec(ShallowCopy.of(pod.getSpec()));
    PodInfo assumedPodInfo =
        new PodInfo(
            assumedPod, podInfo.timestamp(), podInfo.attempts(), podInfo.initialAttemptTimestamp());

    Status reserve = prof.runReservePlugins(state, assumedPod, host);
    if (!reserve.isSuccess()) {
      recordSchedulingFailure(
          state, assumedPodInfo, reserve.asError(), SCHEDULER_ERROR, reserve.message());
      return true;
    }
    try {
      assume(assumedPod, host);
    } catch (RuntimeException e) {
      // A bug in the retry logic, most likely. The error func does not re-queue a pod that is
      // bound by now, so this cannot loop forever.
      recordSchedulingFailure(
          state, assumedPodInfo, e, SCHEDULER_ERROR, "AssumePod failed: " + e.getMessage());
      prof.runUnreservePlugins(state, assumedPod, host);
      return true;
    }
    Status permit = prof.runPermitPlugins(state, assumedPod, host);
    if (permit.code() != Code.WAIT && !permit.isSuccess()) {
      String reason =
          permit.isUnschedulable() ? PodConditions.REASON_UNSCHEDULABLE : SCHEDULER_ERROR;
      forget(assumedPod);
      prof.runUnreservePlugins(state, assumedPod, host);
      recordSchedulingFailure(state, assumedPodInfo, permit.asError(), reason, permit.message());
      return true;
    }

    synchronized (inFlightLock) {
      inFlight++;
    }
    try {
      bindingExecutor.execute(
          () -> {
            try {
              bindingCycle(prof, state, assumedPodInfo, host, start);
            } catch (RuntimeException e) {
              LOG.log(Level.SEVERE, "binding cycle failed", e);
            } finally {
              bindingDone();
            }
          });
    } catch (RuntimeException e) {
      // The executor is shut down: the scheduler is closing. Give the pod back.
      bindingDone();
      forget(assumedPod);
      prof.runUnreservePlugins(state, assumedPod, host);
    }
    return true;
  }

  /** {@code skipPodSchedule}. */
  private boolean skipPodSchedule(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      recorder.eventf(
          pod,
          null,
          EVENT_TYPE_WARNING,
          REASON_FAILED_SCHEDULING,
          "Scheduling",
          "skip schedule deleting pod: "
              + pod.getMetadata().getNamespace()
              + "/"
              + pod.getMetadata().getName());
      return true;
    }
    // An assumed pod can come back into the queue when it was updated during its previous
    // scheduling cycle, before it was assumed.
    return EventHandlers.skipPodUpdate(cache, pod);
  }

  /** {@code assume}: the cache holds the pod on {@code host} from now on; its nomination goes. */
  private void assume(Pod assumed, String host) {
    assumed.getSpec().setNodeName(host);
    cache.assumePod(assumed);
    queue.deleteNominatedPodIfExists(assumed);
  }

  // ---------------------------------------------------------------------------------------------
  // The binding cycle

  private void bindingCycle(
      FrameworkImpl prof, CycleState state, PodInfo assumedInfo, String host, long start) {
    Pod assumed = assumedInfo.pod();
    Status waitOnPermit = prof.waitOnPermit(assumed);
    if (!waitOnPermit.isSuccess()) {
      String reason =
          waitOnPermit.isUnschedulable() ? PodConditions.REASON_UNSCHEDULABLE : SCHEDULER_ERROR;
      forget(assumed);
      prof.runUnreservePlugins(state, assumed, host);
      recordSchedulingFailure(
          state, assumedInfo, waitOnPermit.asError(), reason, waitOnPermit.message());
      return;
    }
    Status preBind = prof.runPreBindPlugins(state, assumed, host);
    if (!preBind.isSuccess()) {
      forget(assumed);
      prof.runUnreservePlugins(state, assumed, host);
      recordSchedulingFailure(
          state, assumedInfo, preBind.asError(), SCHEDULER_ERROR, preBind.message());
      return;
    }
    RuntimeException err = bind(prof, state, assumed, host);
    if (metrics != null) {
      metrics.observeSince(SchedulerMetrics.E2E_SCHEDULING, start);
    }
    if (err != null) {
      prof.runUnreservePlugins(state, assumed, host);
      recordSchedulingFailure(
          state, assumedInfo, err, SCHEDULER_ERROR, "Binding rejected: " + err.getMessage());
      return;
    }
    // From the first attempt, an instant on the Clock (a PodInfo built without one has none).
    if (metrics != null && assumedInfo.initialAttemptTimestamp() != null) {
      metrics.observe(
          SchedulerMetrics.POD_SCHEDULING,
          clock.since(assumedInfo.initialAttemptTimestamp()).toNanos() / 1e9);
    }
    prof.runPostBindPlugins(state, assumed, host);
  }

  /**
   * {@code bind}: an extender that binds and is interested in the pod binds it; otherwise the Bind
   * plugins. Then {@code finishBinding}, whatever happened.
   *
   * @return the error, or null when the pod is bound
   */
  private RuntimeException bind(FrameworkImpl prof, CycleState state, Pod assumed, String host) {
    long bindingStart = metrics == null ? 0 : metrics.start();
    RuntimeException err = null;
    try {
      err = extendersOrPluginsBind(prof, state, assumed, host);
    } catch (RuntimeException e) {
      err = e;
    }
    finishBinding(assumed, host, err);
    // Upstream returns on a failed binding before it observes the binding latency.
    if (metrics != null && err == null) {
      metrics.observeSince(SchedulerMetrics.BINDING, bindingStart);
    }
    return err;
  }

  private RuntimeException extendersOrPluginsBind(
      FrameworkImpl prof, CycleState state, Pod assumed, String host) {
    for (SchedulerExtender extender : extenders) {
      if (!extender.isBinder() || !extender.isInterested(assumed)) {
        continue;
      }
      Binding binding = DefaultBinder.binding(assumed, host);
      CycleRecorder rec = state.recorder();
      try {
        extender.bind(binding);
        if (rec != null) {
          rec.bind(extender.name(), Status.SUCCESS);
        }
        return null;
      } catch (RuntimeException e) {
        if (rec != null) {
          rec.bind(extender.name(), Status.error(e.getMessage()));
        }
        return e;
      }
    }
    Status bindStatus = prof.runBindPlugins(state, assumed, host);
    if (bindStatus.isSuccess()) {
      return null;
    }
    if (bindStatus.code() == Code.ERROR) {
      return bindStatus.asError();
    }
    return new BindingException("bind status: " + bindStatus.code() + ", " + bindStatus.message());
  }

  /** {@code finishBinding}. */
  private void finishBinding(Pod assumed, String host, RuntimeException err) {
    try {
      cache.finishBinding(assumed);
    } catch (RuntimeException e) {
      LOG.severe(() -> "scheduler cache FinishBinding failed: " + e.getMessage());
    }
    if (err != null) {
      LOG.fine(
          () ->
              "Failed to bind pod: "
                  + assumed.getMetadata().getNamespace()
                  + "/"
                  + assumed.getMetadata().getName());
      forget(assumed);
      return;
    }
    recorder.eventf(
        assumed,
        null,
        EventRecorder.EVENT_TYPE_NORMAL,
        REASON_SCHEDULED,
        "Binding",
        "Successfully assigned "
            + assumed.getMetadata().getNamespace()
            + "/"
            + assumed.getMetadata().getName()
            + " to "
            + host);
  }

  private void forget(Pod assumed) {
    try {
      cache.forgetPod(assumed);
    } catch (RuntimeException e) {
      LOG.severe(() -> "scheduler cache ForgetPod failed: " + e.getMessage());
    }
  }

  /** A Bind plugin's status that is neither a success nor an error (for example Skip). */
  static final class BindingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BindingException(String message) {
      super(message);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Failures and preemption

  /**
   * {@code recordSchedulingFailure}: the error func first, then a {@code FailedScheduling} event
   * with {@code message} (cut to {@value #NOTE_LENGTH_LIMIT} characters), then {@code
   * PodScheduled=False} with {@code reason} and the error's message.
   */
  private void recordSchedulingFailure(
      CycleState state, PodInfo podInfo, RuntimeException err, String reason, String message) {
    if (state.recorder() != null) {
      state.recorder().schedulingFailed(reason, message);
    }
    errorFunc.handle(podInfo, err);
    Pod pod = podInfo.pod();
    recorder.eventf(
        pod, null, EVENT_TYPE_WARNING, REASON_FAILED_SCHEDULING, "Scheduling", truncate(message));
    PodCondition condition =
        new PodConditionBuilder()
            .withType(PodConditions.POD_SCHEDULED)
            .withStatus("False")
            .withReason(reason)
            .withMessage(err.getMessage())
            .build();
    try {
      podConditionUpdater.update(pod, condition);
    } catch (RuntimeException e) {
      LOG.severe(
          () ->
              "Error updating the condition of the pod "
                  + pod.getMetadata().getNamespace()
                  + "/"
                  + pod.getMetadata().getName()
                  + ": "
                  + e.getMessage());
    }
  }

  /** {@code truncateMessage}. */
  static String truncate(String message) {
    if (message == null || message.length() <= NOTE_LENGTH_LIMIT) {
      return message;
    }
    String suffix = " ...";
    return message.substring(0, NOTE_LENGTH_LIMIT - suffix.length()) + suffix;
  }

  /**
   * {@code preempt}: makes room for a pod that did not fit. The nomination goes into the queue
   * first (the next cycle must already hold the room), then into the pod's status; the victims are
   * deleted, rejected if they wait at Permit, and each gets a {@code Preempted} event; finally the
   * nominations preemption invalidated are cleared. Errors are logged; the pod is retried anyway.
   * Upstream returns the nominated node, which {@code scheduleOne} does not use.
   */
  void preempt(FrameworkImpl prof, CycleState state, Pod pod, FitError fitError) {
    Pod preemptor;
    try {
      preemptor = podPreemptor.getUpdatedPod(pod);
    } catch (RuntimeException e) {
      LOG.severe(() -> "Error getting the updated preemptor pod object: " + e.getMessage());
      return;
    }
    PreemptionResult result;
    try {
      result = preemption.preempt(prof, state, preemptor, fitError, pdbLister.list(), clock.now());
    } catch (RuntimeException e) {
      LOG.severe(
          () ->
              "Error preempting victims to make room for "
                  + preemptor.getMetadata().getNamespace()
                  + "/"
                  + preemptor.getMetadata().getName()
                  + ": "
                  + e.getMessage());
      return;
    }
    String nodeName = result.nodeName();
    if (result.node().isPresent()) {
      queue.updateNominatedPodForNode(preemptor, nodeName);
      try {
        podPreemptor.setNominatedNodeName(preemptor, nodeName);
      } catch (RuntimeException e) {
        LOG.severe(
            () ->
                "Error in preemption process. Cannot set 'NominatedPod' on pod "
                    + preemptor.getMetadata().getNamespace()
                    + "/"
                    + preemptor.getMetadata().getName()
                    + ": "
                    + e.getMessage());
        queue.deleteNominatedPodIfExists(preemptor);
        return;
      }
      for (Pod victim : result.victims()) {
        try {
          podPreemptor.deletePod(victim);
        } catch (RuntimeException e) {
          LOG.severe(
              () ->
                  "Error preempting pod "
                      + victim.getMetadata().getNamespace()
                      + "/"
                      + victim.getMetadata().getName()
                      + ": "
                      + e.getMessage());
          return;
        }
        WaitingPod waiting = prof.getWaitingPod(victim.getMetadata().getUid());
        if (waiting != null) {
          waiting.reject(SchedulerPreemption.WAITING_POD_REJECT_MESSAGE);
        }
        recorder.eventf(
            victim,
            preemptor,
            EventRecorder.EVENT_TYPE_NORMAL,
            SchedulerPreemption.REASON_PREEMPTED,
            SchedulerPreemption.ACTION_PREEMPTING,
            SchedulerPreemption.preemptedMessage(preemptor, nodeName));
      }
    }
    // Outside the branch above: a nominated pod that may preempt again but finds no node gets
    // itself back here, so that its stale nomination goes.
    for (Pod p : result.nominatedPodsToClear()) {
      try {
        podPreemptor.removeNominatedNodeName(p);
      } catch (RuntimeException e) {
        LOG.warning(() -> "Cannot remove 'NominatedPod' field of pod: " + e.getMessage());
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle

  private void bindingDone() {
    synchronized (inFlightLock) {
      inFlight--;
      inFlightLock.notifyAll();
    }
  }

  /**
   * Waits until no binding cycle is running, for at most {@code timeout} of real time.
   *
   * @return true when none is running
   */
  public boolean awaitBindings(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (inFlightLock) {
      while (inFlight > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(inFlightLock, left);
      }
      return true;
    }
  }

  /** The number of binding cycles running now. */
  public int bindingsInFlight() {
    synchronized (inFlightLock) {
      return inFlight;
    }
  }

  /** The profiles by scheduler name. */
  public Map<String, FrameworkImpl> profiles() {
    return profiles;
  }

  /** The queue. */
  public SchedulingQueue queue() {
    return queue;
  }

  /**
   * Stops the loop, rejects every pod waiting at Permit, waits for the binding cycles to end (at
   * most 30 s) and closes the queue.
   */
  @Override
  public void close() {
    Thread l;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      l = loop;
    }
    queue.close();
    boolean interrupted = false;
    if (l != null) {
      try {
        l.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    for (FrameworkImpl prof : profiles.values()) {
      List<WaitingPod> waiting = new ArrayList<>();
      prof.iterateOverWaitingPods(waiting::add);
      for (WaitingPod wp : waiting) {
        wp.reject("scheduler closed");
      }
    }
    bindingExecutor.shutdown();
    try {
      if (!bindingExecutor.awaitTermination(30, TimeUnit.SECONDS)) {
        bindingExecutor.shutdownNow();
        bindingExecutor.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      bindingExecutor.shutdownNow();
      interrupted = true;
    }
    errorFunc.close();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Configures a {@link Scheduler}; {@link #build()} checks every required part. */
  public static final class Builder {
    private Clock clock;
    private Cache cache;
    private Snapshot snapshot;
    private Parallelizer parallelizer;
    private SchedulingQueue queue;
    private final Map<String, FrameworkImpl> profiles = new LinkedHashMap<>();
    private final List<SchedulerExtender> extenders = new ArrayList<>();
    private PodPreemptor podPreemptor;
    private PodConditionUpdater podConditionUpdater;
    private PodGetter podGetter;
    private EventRecorder recorder;
    private PdbLister pdbLister = PdbLister.NONE;
    private boolean disablePreemption;
    private boolean enableNonPreempting;
    private int percentageOfNodesToScore;
    private RandomGenerator random = new Random();
    private Function<Pod, CycleRecorder> cycleRecorders = pod -> null;
    private SchedulerMetrics metrics;

    private Builder() {}

    /**
     * Where the scheduler observes its latencies (the scheduling algorithm, predicate, priority and
     * preemption evaluation, binding, end to end, and each pod from its first attempt to bound);
     * none when unset. Give the profiles' frameworks the same metrics for the extension points.
     */
    public Builder metrics(SchedulerMetrics metrics) {
      this.metrics = metrics;
      return this;
    }

    /**
     * Where each scheduling cycle reports: called with the popped pod at the start of every cycle;
     * the recorder it returns (null for none) hears that cycle and its binding cycle. Not in
     * upstream: what {@code kubelab schedule --explain} is built from.
     */
    public Builder cycleRecorders(Function<Pod, CycleRecorder> cycleRecorders) {
      this.cycleRecorders = Objects.requireNonNull(cycleRecorders, "cycleRecorders");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The cache the informers fill and the pods are assumed into; the caller closes it. */
    public Builder cache(Cache cache) {
      this.cache = Objects.requireNonNull(cache, "cache");
      return this;
    }

    /** The snapshot the profiles' frameworks were built with; refreshed every cycle. */
    public Builder snapshot(Snapshot snapshot) {
      this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
      return this;
    }

    /** Where Filter and preemption run in parallel; the caller closes it. */
    public Builder parallelizer(Parallelizer parallelizer) {
      this.parallelizer = Objects.requireNonNull(parallelizer, "parallelizer");
      return this;
    }

    /** The queue; the scheduler runs and closes it. It is also the nominator. */
    public Builder queue(SchedulingQueue queue) {
      this.queue = Objects.requireNonNull(queue, "queue");
      return this;
    }

    /** The profiles by scheduler name ({@code profile.Map}). */
    public Builder profiles(Map<String, FrameworkImpl> profiles) {
      this.profiles.putAll(profiles);
      return this;
    }

    /**
     * Extenders, in configuration order: called after the Filter and Score plugins, in preemption
     * (those with a preempt verb) and, for the pods they are interested in, to bind (the one with a
     * bind verb).
     */
    public Builder extenders(List<? extends SchedulerExtender> extenders) {
      this.extenders.addAll(extenders);
      return this;
    }

    /** The API calls of preemption: re-read the pod, nominate it, delete victims. */
    public Builder podPreemptor(PodPreemptor podPreemptor) {
      this.podPreemptor = Objects.requireNonNull(podPreemptor, "podPreemptor");
      return this;
    }

    public Builder podConditionUpdater(PodConditionUpdater podConditionUpdater) {
      this.podConditionUpdater = Objects.requireNonNull(podConditionUpdater, "podConditionUpdater");
      return this;
    }

    /** The error func's read of a failed pod. */
    public Builder podGetter(PodGetter podGetter) {
      this.podGetter = Objects.requireNonNull(podGetter, "podGetter");
      return this;
    }

    /** One client for all three API roles (an {@link InMemoryCluster}, say). */
    public <C extends PodPreemptor & PodConditionUpdater & PodGetter> Builder client(C client) {
      return podPreemptor(client).podConditionUpdater(client).podGetter(client);
    }

    public Builder eventRecorder(EventRecorder recorder) {
      this.recorder = Objects.requireNonNull(recorder, "recorder");
      return this;
    }

    public Builder pdbLister(PdbLister pdbLister) {
      this.pdbLister = Objects.requireNonNull(pdbLister, "pdbLister");
      return this;
    }

    /** {@code DisablePreemption}. */
    public Builder disablePreemption(boolean disablePreemption) {
      this.disablePreemption = disablePreemption;
      return this;
    }

    /** The NonPreemptingPriority gate (alpha, off, in v1.18). */
    public Builder enableNonPreempting(boolean enableNonPreempting) {
      this.enableNonPreempting = enableNonPreempting;
      return this;
    }

    /** {@code percentageOfNodesToScore}; 0 for the adaptive default. */
    public Builder percentageOfNodesToScore(int percentageOfNodesToScore) {
      if (percentageOfNodesToScore < 0 || percentageOfNodesToScore > 100) {
        throw new IllegalArgumentException(
            "percentageOfNodesToScore: Invalid value: "
                + percentageOfNodesToScore
                + ": not in valid range [0-100]");
      }
      this.percentageOfNodesToScore = percentageOfNodesToScore;
      return this;
    }

    /** The random source of the tie-break among the best nodes. */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    public Scheduler build() {
      require(clock, "clock");
      require(cache, "cache");
      require(snapshot, "snapshot");
      require(parallelizer, "parallelizer");
      require(queue, "queue");
      require(podPreemptor, "podPreemptor");
      require(podConditionUpdater, "podConditionUpdater");
      require(podGetter, "podGetter");
      require(recorder, "eventRecorder");
      if (profiles.isEmpty()) {
        throw new IllegalStateException("the scheduler needs at least one profile");
      }
      return new Scheduler(this);
    }

    private static void require(Object o, String what) {
      if (o == null) {
        throw new IllegalStateException("the scheduler needs a " + what);
      }
    }
  }
}
