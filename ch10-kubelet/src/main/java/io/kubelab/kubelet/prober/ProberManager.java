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
import io.kubelab.kubelet.prober.results.Update;
import io.kubelab.kubelet.status.Manager;
import io.kubelab.kubelet.util.SerialExecutor;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Owns one probe {@link Worker} per (pod, container, probe type) and folds their results into the
 * pod status.
 *
 * <p>Upstream: {@code pkg/kubelet/prober/prober_manager.go} ({@code Manager}, {@code manager}).
 * Readiness results are private to this manager; liveness and startup results managers are
 * injected, because the kubelet's sync loop consumes liveness updates to restart containers.
 *
 * <p>Probes run on the executor the owner passes (a pool of named threads, or in place on a {@code
 * FakeClock}'s stepping thread), never on the clock's timer threads: a probe can take its whole
 * timeout. {@link #start()} forwards readiness and startup changes to the status manager, on that
 * executor too, one at a time (upstream's {@code updateReadiness} and {@code updateStartup}
 * goroutines); {@link #close()} stops the forwarding and every worker.
 *
 * <p>The {@code StartupProbe} feature gate is beta and on by default in 1.18; it is a constructor
 * argument here.
 */
public final class ProberManager implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(ProberManager.class.getName());

  /** A worker's key, upstream {@code probeKey}. */
  record ProbeKey(String podUid, String containerName, ProbeType probeType) {}

  private final Manager statusManager;
  private final ResultsManager readinessManager;
  private final ResultsManager livenessManager;
  private final ResultsManager startupManager;
  private final Prober prober;
  private final Clock clock;
  private final Random jitter;
  private final boolean startupProbeEnabled;
  private final Map<ProbeKey, Worker> workers = new HashMap<>();
  private final Executor probeExecutor;
  private final SerialExecutor forwarder;
  private boolean started;

  /**
   * @param probeExecutor where probes run; with real probes, threads of their own
   * @param jitter the source of each worker's random initial delay; pass a seeded {@link Random}
   *     for reproducible runs
   */
  public ProberManager(
      Manager statusManager,
      ResultsManager readinessManager,
      ResultsManager livenessManager,
      ResultsManager startupManager,
      Prober prober,
      Clock clock,
      Executor probeExecutor,
      Random jitter,
      boolean startupProbeEnabled) {
    this.statusManager = statusManager;
    this.readinessManager = readinessManager;
    this.livenessManager = livenessManager;
    this.startupManager = startupManager;
    this.prober = prober;
    this.clock = clock;
    this.jitter = jitter;
    this.startupProbeEnabled = startupProbeEnabled;
    this.probeExecutor = probeExecutor;
    this.forwarder = new SerialExecutor(probeExecutor);
  }

  /**
   * Starts forwarding readiness and startup changes to the status manager (upstream {@code Start}).
   */
  public synchronized void start() {
    if (started) {
      throw new IllegalStateException("ProberManager already started");
    }
    started = true;
    readinessManager.onUpdate(
        () ->
            forwarder.execute(
                () -> forward(readinessManager, statusManager::setContainerReadiness)));
    startupManager.onUpdate(
        () -> forwarder.execute(() -> forward(startupManager, statusManager::setContainerStartup)));
  }

  private static void forward(ResultsManager source, Forward sink) {
    Update u;
    while ((u = source.updates().poll()) != null) {
      try {
        sink.accept(u.podUid(), u.containerId(), u.result() == Result.SUCCESS);
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "prober: failed to apply " + u + ": " + e, e);
      }
    }
  }

  @FunctionalInterface
  private interface Forward {
    void accept(String podUid, ContainerId id, boolean value);
  }

  /**
   * Creates and starts workers for the probes of the pod's app containers (init containers are
   * never probed), in upstream's order per container: startup, readiness, liveness. A worker that
   * already exists is an error that stops the walk, as upstream returns there (the workers made
   * before it keep running).
   *
   * @throws IllegalArgumentException if a probe has settings the API server would refuse, naming
   *     pod and field; nothing is registered then
   */
  public void addPod(Pod pod) {
    String uid = pod.getMetadata().getUid();
    List<Container> containers = pod.getSpec().getContainers();
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < containers.size(); i++) {
      Container c = containers.get(i);
      String where =
          "Pod "
              + pod.getMetadata().getNamespace()
              + "/"
              + pod.getMetadata().getName()
              + ": spec.containers["
              + i
              + "]";
      for (ProbeType type : PROBE_ORDER) {
        Probe spec = spec(c, type);
        if (spec != null) {
          errors.addAll(ProbeSpecs.validate(spec, type, where));
        }
      }
    }
    if (!errors.isEmpty()) {
      // field.ErrorList.ToAggregate().Error(): one error as is, several as [a, b].
      throw new IllegalArgumentException(
          errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]");
    }
    List<Worker> created = new ArrayList<>();
    synchronized (this) {
      walk:
      for (Container c : containers) {
        for (ProbeType type : PROBE_ORDER) {
          if (spec(c, type) == null) {
            continue;
          }
          ProbeKey key = new ProbeKey(uid, c.getName(), type);
          if (workers.containsKey(key)) {
            LOG.log(
                Level.ERROR,
                type + " probe already exists! " + Pods.format(pod) + " - " + c.getName());
            break walk;
          }
          Worker w = new Worker(this, type, pod, c, resultsManager(type), clock);
          workers.put(key, w);
          created.add(w);
        }
      }
    }
    startAll(created);
  }

  private static final List<ProbeType> PROBE_ORDER =
      List.of(ProbeType.STARTUP, ProbeType.READINESS, ProbeType.LIVENESS);

  private Probe spec(Container c, ProbeType type) {
    return switch (type) {
      case STARTUP -> startupProbeEnabled ? c.getStartupProbe() : null;
      case READINESS -> c.getReadinessProbe();
      case LIVENESS -> c.getLivenessProbe();
    };
  }

  private void startAll(List<Worker> created) {
    for (Worker w : created) {
      long periodNanos = Duration.ofSeconds(ProbeSpecs.periodSeconds(w.spec())).toNanos();
      double r;
      synchronized (jitter) {
        r = jitter.nextDouble();
      }
      w.start(Duration.ofNanos((long) (r * periodNanos)), probeExecutor);
    }
  }

  /** Stops every worker of the pod's containers. */
  public void removePod(Pod pod) {
    String uid = pod.getMetadata().getUid();
    List<Worker> toStop = new ArrayList<>();
    synchronized (this) {
      for (Container c : pod.getSpec().getContainers()) {
        for (ProbeType t : ProbeType.values()) {
          Worker w = workers.get(new ProbeKey(uid, c.getName(), t));
          if (w != null) {
            toStop.add(w);
          }
        }
      }
    }
    toStop.forEach(Worker::stop);
  }

  /** Stops workers of pods not in {@code desiredPodUids}. */
  public void cleanupPods(Set<String> desiredPodUids) {
    List<Worker> toStop = new ArrayList<>();
    synchronized (this) {
      workers.forEach(
          (k, w) -> {
            if (!desiredPodUids.contains(k.podUid())) {
              toStop.add(w);
            }
          });
    }
    toStop.forEach(Worker::stop);
  }

  /**
   * Sets {@code started} and {@code ready} of the generated status from the probe results (upstream
   * {@code UpdatePodStatus}). Readiness is only decided for started containers; an init container
   * is ready when it exited with code 0.
   */
  public void updatePodStatus(String podUid, PodStatus podStatus) {
    for (ContainerStatus c : podStatus.getContainerStatuses()) {
      boolean running = c.getState() != null && c.getState().getRunning() != null;
      boolean started;
      if (!running) {
        started = false;
      } else if (!startupProbeEnabled) {
        started = true;
      } else {
        Optional<Result> r = resultOf(startupManager, c);
        started =
            r.isPresent()
                ? r.get() == Result.SUCCESS
                : !hasWorker(podUid, c.getName(), ProbeType.STARTUP);
      }
      c.setStarted(started);
      if (started) {
        Optional<Result> r = resultOf(readinessManager, c);
        boolean ready =
            r.isPresent()
                ? r.get() == Result.SUCCESS
                : !hasWorker(podUid, c.getName(), ProbeType.READINESS);
        c.setReady(ready);
      }
    }
    for (ContainerStatus c : podStatus.getInitContainerStatuses()) {
      c.setReady(
          c.getState() != null
              && c.getState().getTerminated() != null
              && Integer.valueOf(0).equals(c.getState().getTerminated().getExitCode()));
    }
  }

  private static Optional<Result> resultOf(ResultsManager m, ContainerStatus c) {
    // Upstream's ParseContainerID logs a malformed ID and returns an empty one, which has no
    // result.
    return ContainerId.parseLenient(c.getContainerID()).flatMap(m::get);
  }

  /** How many workers exist. */
  public synchronized int workerCount() {
    return workers.size();
  }

  synchronized boolean hasWorker(String podUid, String containerName, ProbeType type) {
    return workers.containsKey(new ProbeKey(podUid, containerName, type));
  }

  synchronized Worker worker(String podUid, String containerName, ProbeType type) {
    return workers.get(new ProbeKey(podUid, containerName, type));
  }

  synchronized void removeWorker(String podUid, String containerName, ProbeType type, Worker w) {
    // Only the worker itself: a new worker for the same key may already have replaced it.
    workers.remove(new ProbeKey(podUid, containerName, type), w);
  }

  Manager statusManager() {
    return statusManager;
  }

  Prober prober() {
    return prober;
  }

  private ResultsManager resultsManager(ProbeType type) {
    return switch (type) {
      case READINESS -> readinessManager;
      case LIVENESS -> livenessManager;
      case STARTUP -> startupManager;
    };
  }

  /** Stops every worker and the forwarding of results. */
  @Override
  public void close() {
    List<Worker> all;
    synchronized (this) {
      all = new ArrayList<>(workers.values());
      if (started) {
        readinessManager.onUpdate(null);
        startupManager.onUpdate(null);
      }
    }
    all.forEach(Worker::stop);
  }
}
