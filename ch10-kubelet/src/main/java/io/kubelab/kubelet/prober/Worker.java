package io.kubelab.kubelet.prober;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Probe;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.kubelet.container.ContainerId;
import io.kubelab.kubelet.prober.results.Result;
import io.kubelab.kubelet.prober.results.ResultsManager;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Probes one container with one probe type, periodically, and keeps its result in a {@link
 * ResultsManager}.
 *
 * <p>Upstream: {@code pkg/kubelet/prober/worker.go} ({@code worker}, {@code run}, {@code doProbe}).
 * Upstream runs each worker in its own goroutine that sleeps a random part of the period, probes,
 * and then probes on every tick of a {@code time.NewTicker}. Here the worker is a {@link
 * Clock#ticker} with the same random first delay: the same grid, and a probe that overruns its
 * period leaves at most one tick waiting. The probes themselves run on the manager's executor, so
 * 10,000 workers are 10,000 timer entries, and a slow probe holds an executor thread, never a timer
 * thread.
 *
 * <p>{@link #doProbe()} follows upstream's order step by step; see the chapter for the state
 * machine. Runs of one worker never overlap (the ticker's guarantee). {@link #stop()} may be called
 * from any thread and does not wait for a probe in flight: as upstream's deferred cleanup, the
 * result is forgotten and the worker unregistered once that probe has finished.
 */
final class Worker {

  private static final System.Logger LOG = System.getLogger(Worker.class.getName());

  private final ProberManager manager;
  private final ProbeType probeType;
  private final Pod pod;
  private final Container container;
  private final Probe spec;
  private final Result initialValue;
  private final ResultsManager resultsManager;
  private final Clock clock;

  // Touched only by probe runs (which never overlap); read after the last one by the cleanup.
  private ContainerId containerId;
  private Result lastResult = Result.UNKNOWN;
  private int resultRun;
  private boolean onHold;
  // Guarded by the worker's monitor.
  private boolean stopped;
  private boolean probing;
  private Clock.Timer timer;

  Worker(
      ProberManager manager,
      ProbeType probeType,
      Pod pod,
      Container container,
      ResultsManager resultsManager,
      Clock clock) {
    this.manager = manager;
    this.probeType = probeType;
    this.pod = pod;
    this.container = container;
    this.resultsManager = resultsManager;
    this.clock = clock;
    this.spec =
        switch (probeType) {
          case READINESS -> container.getReadinessProbe();
          case LIVENESS -> container.getLivenessProbe();
          case STARTUP -> container.getStartupProbe();
        };
    // Until the first probe says otherwise: not ready, alive, start-up undecided.
    this.initialValue =
        switch (probeType) {
          case READINESS -> Result.FAILURE;
          case LIVENESS -> Result.SUCCESS;
          case STARTUP -> Result.UNKNOWN;
        };
  }

  /**
   * Probes first after {@code jitter} (a random part of the period, so that a kubelet restart does
   * not probe everything at once) and then on every tick of the period, on {@code executor}.
   */
  synchronized void start(Duration jitter, Executor executor) {
    Duration period = Duration.ofSeconds(ProbeSpecs.periodSeconds(spec));
    timer = clock.ticker(jitter, period, executor, this::tick);
  }

  private void tick() {
    synchronized (this) {
      if (stopped) {
        return;
      }
      probing = true;
    }
    boolean keepGoing = doProbeGuarded();
    boolean cleanup;
    synchronized (this) {
      probing = false;
      if (!keepGoing && !stopped) {
        stopped = true;
        timer.close();
      }
      cleanup = stopped;
    }
    if (cleanup) {
      cleanup();
    }
  }

  /** Stops probing; the result is forgotten now, or when the probe in flight ends. Idempotent. */
  void stop() {
    synchronized (this) {
      if (stopped) {
        return;
      }
      stopped = true;
      if (timer != null) {
        timer.close();
      }
      if (probing) {
        return; // tick() cleans up after its probe
      }
    }
    cleanup();
  }

  private void cleanup() {
    if (containerId != null) {
      resultsManager.remove(containerId);
    }
    manager.removeWorker(pod.getMetadata().getUid(), container.getName(), probeType, this);
  }

  private boolean doProbeGuarded() {
    try {
      return doProbe();
    } catch (RuntimeException e) {
      // Upstream recovers a panicking probe and keeps the worker alive.
      LOG.log(Level.ERROR, "probe worker " + describe() + " crashed: " + e, e);
      return true;
    }
  }

  /** One probe step; returns whether the worker should keep going. */
  boolean doProbe() {
    String podUid = pod.getMetadata().getUid();
    Optional<PodStatus> maybeStatus = manager.statusManager().getPodStatus(podUid);
    if (maybeStatus.isEmpty()) {
      // The pod is not created yet, or already deleted.
      return true;
    }
    PodStatus status = maybeStatus.get();
    if ("Failed".equals(status.getPhase()) || "Succeeded".equals(status.getPhase())) {
      return false;
    }
    ContainerStatus c = findContainerStatus(status, container.getName());
    if (c == null || c.getContainerID() == null || c.getContainerID().isEmpty()) {
      return true;
    }
    Optional<ContainerId> parsed = ContainerId.parseLenient(c.getContainerID());
    if (parsed.isEmpty()) {
      return true; // a malformed ID names no container we could probe
    }
    ContainerId seen = parsed.get();
    if (!seen.equals(containerId)) {
      // A new container (first sight or a restart): start over from the initial value.
      if (containerId != null) {
        resultsManager.remove(containerId);
      }
      containerId = seen;
      resultsManager.set(containerId, initialValue, podUid);
      onHold = false;
    }
    if (onHold) {
      // After a liveness or startup failure the container is about to be killed; probing it (an
      // exec into a dying container above all) only causes trouble (kubernetes#21751).
      return true;
    }
    if (c.getState() == null || c.getState().getRunning() == null) {
      resultsManager.set(containerId, Result.FAILURE, podUid);
      boolean terminated = c.getState() != null && c.getState().getTerminated() != null;
      return !terminated || !"Never".equals(pod.getSpec().getRestartPolicy());
    }
    Instant startedAt = parseTime(c.getState().getRunning().getStartedAt());
    if (startedAt != null
        && clock.since(startedAt).getSeconds() < ProbeSpecs.initialDelaySeconds(spec)) {
      return true;
    }
    if (Boolean.TRUE.equals(c.getStarted())) {
      if (probeType == ProbeType.STARTUP) {
        return true; // started: the startup probe has done its job
      }
    } else if (probeType != ProbeType.STARTUP) {
      return true; // not started yet: liveness and readiness wait
    }

    Prober.Outcome outcome =
        manager.prober().probe(probeType, spec, pod, status, container, containerId);
    if (outcome.error() != null) {
      return true; // the probe could not run: this run says nothing
    }
    Result result = outcome.result();
    if (lastResult == result) {
      resultRun++;
    } else {
      lastResult = result;
      resultRun = 1;
    }
    if ((result == Result.FAILURE && resultRun < ProbeSpecs.failureThreshold(spec))
        || (result == Result.SUCCESS && resultRun < ProbeSpecs.successThreshold(spec))) {
      return true; // below the threshold: the published result stays
    }
    resultsManager.set(containerId, result, podUid);
    if ((probeType == ProbeType.LIVENESS || probeType == ProbeType.STARTUP)
        && result == Result.FAILURE) {
      onHold = true;
      resultRun = 0;
    }
    return true;
  }

  private static ContainerStatus findContainerStatus(PodStatus status, String name) {
    for (ContainerStatus s : status.getContainerStatuses()) {
      if (name.equals(s.getName())) {
        return s;
      }
    }
    return null;
  }

  private static Instant parseTime(String s) {
    if (s == null || s.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "containerStatus.state.running.startedAt \"" + s + "\" is not RFC 3339", e);
    }
  }

  Probe spec() {
    return spec;
  }

  synchronized boolean onHold() {
    return onHold;
  }

  synchronized int resultRun() {
    return resultRun;
  }

  synchronized boolean isStopped() {
    return stopped;
  }

  String describe() {
    return probeType.toString().toLowerCase(java.util.Locale.ROOT)
        + "-"
        + pod.getMetadata().getName()
        + "/"
        + container.getName();
  }
}
