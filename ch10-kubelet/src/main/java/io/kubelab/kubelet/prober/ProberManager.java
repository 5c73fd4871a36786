package io.kubelab.kubelet.prober;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.kubelet.container.ContainerId;
import io.kubelab.kubelet.prober.results.Result;
import io.kubelab.kubelet.prober.results.ResultsManager;
import io.kubelab.kubelet.prober.results.Update;
import io.kubelab.kubelet.status.Manager;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Owns one probe {@link Worker} per (pod, container, probe type) and folds their results into the
 * pod status.
 *
 * <p>Upstream: {@code pkg/kubelet/prober/prober_manager.go} ({@code Manager}, {@code manager}).
 * Readiness results are private to this manager; liveness and startup results managers are
 * injected, because the kubelet's sync loop consumes liveness updates to restart containers. {@link
 * #start()} starts two named threads that forward readiness and startup changes to the status
 * manager; {@link #close()} stops them and every worker.
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
  private final List<Thread> threads = new ArrayList<>();

  /**
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
  }

  /**
   * Starts forwarding readiness and startup changes to the status manager (upstream {@code Start}).
   */
  public synchronized void start() {
    if (!threads.isEmpty()) {
      throw new IllegalStateException("ProberManager already started");
    }
    threads.add(
        forwarder(
            "prober-readiness-updates", readinessManager, statusManager::setContainerReadiness));
    threads.add(
        forwarder("prober-startup-updates", startupManager, statusManager::setContainerStartup));
    threads.forEach(Thread::start);
  }

  private static Thread forwarder(String name, ResultsManager source, Forward sink) {
    Thread t =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                Update u;
                try {
                  u = source.updates().take();
                } catch (InterruptedException e) {
                  return;
                }
                try {
                  sink.accept(u.podUid(), u.containerId(), u.result() == Result.SUCCESS);
                } catch (RuntimeException e) {
                  LOG.log(Level.ERROR, name + ": failed to apply " + u + ": " + e, e);
                }
              }
            },
            name);
    t.setDaemon(true);
    return t;
  }

  @FunctionalInterface
  private interface Forward {
    void accept(String podUid, ContainerId id, boolean value);
  }

  /**
   * Creates workers for the probes of the pod's app containers (init containers are never probed),
   * in upstream's order per container: startup, readiness, liveness. A worker that already exists
   * is an error that stops the walk, as upstream returns there.
   *
   * @throws IllegalArgumentException for a probe with invalid settings, naming pod and field
   */
  public void addPod(Pod pod) {
    String uid = pod.getMetadata().getUid();
    List<Worker> created = new ArrayList<>();
    synchronized (this) {
      List<Container> containers = pod.getSpec().getContainers();
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
        for (ProbeType type : List.of(ProbeType.STARTUP, ProbeType.READINESS, ProbeType.LIVENESS)) {
          var spec =
              switch (type) {
                case STARTUP -> startupProbeEnabled ? c.getStartupProbe() : null;
                case READINESS -> c.getReadinessProbe();
                case LIVENESS -> c.getLivenessProbe();
              };
          if (spec == null) {
            continue;
          }
          ProbeSpecs.validate(spec, type, where);
          ProbeKey key = new ProbeKey(uid, c.getName(), type);
          if (workers.containsKey(key)) {
            LOG.log(
                Level.ERROR,
                type + " probe already exists! " + Pods.format(pod) + " - " + c.getName());
            startAll(created);
            return;
          }
          Worker w = new Worker(this, type, pod, c, resultsManager(type), clock);
          workers.put(key, w);
          created.add(w);
        }
      }
    }
    startAll(created);
  }

  private void startAll(List<Worker> created) {
    for (Worker w : created) {
      long periodNanos = Duration.ofSeconds(ProbeSpecs.periodSeconds(w.spec())).toNanos();
      double r;
      synchronized (jitter) {
        r = jitter.nextDouble();
      }
      w.start(Duration.ofNanos((long) (r * periodNanos)));
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
    if (c.getContainerID() == null || c.getContainerID().isEmpty()) {
      return Optional.empty();
    }
    return m.get(ContainerId.parse(c.getContainerID()));
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

  /** The readiness results this manager owns. */
  public ResultsManager readinessManager() {
    return readinessManager;
  }

  private ResultsManager resultsManager(ProbeType type) {
    return switch (type) {
      case READINESS -> readinessManager;
      case LIVENESS -> livenessManager;
      case STARTUP -> startupManager;
    };
  }

  /** Stops every worker and the forwarding threads. */
  @Override
  public void close() {
    List<Worker> all;
    List<Thread> ts;
    synchronized (this) {
      all = new ArrayList<>(workers.values());
      ts = new ArrayList<>(threads);
      threads.clear();
    }
    all.forEach(Worker::stop);
    for (Thread t : ts) {
      t.interrupt();
    }
    for (Thread t : ts) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
