package io.kubelab.kubelet.container;

import io.kubelab.apimachinery.clock.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * An in-memory container runtime whose containers are started, crashed and deleted on command.
 * Tests and benchmarks drive it; the PLEG, the prober and the runtime cache read it through {@link
 * Runtime}.
 *
 * <p>Upstream: {@code pkg/kubelet/container/testing/fake_runtime.go} plays the same role. Every pod
 * gets a ready sandbox when it is added. Container IDs are {@code fake://<pod>-<name>-<n>} and
 * never reused, so a restart is visible as a new ID, as it is with real runtimes. Thread-safe.
 */
public final class FakeRuntime implements Runtime {

  private static final String TYPE = "fake";

  private final Clock clock;
  private final Map<String, FakePod> pods = new LinkedHashMap<>();
  // Index for O(1) lookups: exec probes at scale look containers up by ID.
  private final Map<ContainerId, FakePod> podOf = new HashMap<>();
  private final Set<String> failingStatus = new HashSet<>();
  private long nextId;
  private boolean failGetPods;
  private long podStatusCalls;
  private BiFunction<ContainerId, List<String>, ExecResult> execHandler =
      (id, cmd) -> new ExecResult(0, "");

  public FakeRuntime(Clock clock) {
    this.clock = clock;
  }

  /** Adds a pod with a ready sandbox and the given IPs, and no containers yet. */
  public synchronized void addPod(String uid, String name, String namespace, String... ips) {
    if (pods.containsKey(uid)) {
      throw new IllegalArgumentException("FakeRuntime: pod " + uid + " already exists");
    }
    FakePod p = new FakePod(uid, name, namespace, List.of(ips));
    p.sandbox = new ContainerId(TYPE, uid + "-sandbox-" + nextId++);
    pods.put(uid, p);
  }

  /** Changes the IPs the runtime reports for the pod (an empty list: the network is torn down). */
  public synchronized void setIps(String uid, String... ips) {
    pod(uid).ips = List.of(ips);
  }

  /** Marks the pod's sandbox ready or not ready. */
  public synchronized void setSandboxReady(String uid, boolean ready) {
    pod(uid).sandboxReady = ready;
  }

  /** Forgets a pod and all its containers at once (the runtime garbage-collected it). */
  public synchronized void removePod(String uid) {
    FakePod p = pod(uid);
    p.containers.keySet().forEach(podOf::remove);
    pods.remove(uid);
  }

  /** Creates a container in state created, not yet started. */
  public synchronized ContainerId createContainer(String podUid, String containerName) {
    FakePod p = pod(podUid);
    ContainerId id = new ContainerId(TYPE, podUid + "-" + containerName + "-" + nextId++);
    int restarts =
        (int) p.containers.values().stream().filter(c -> c.name.equals(containerName)).count();
    FakeContainer c = new FakeContainer(id, containerName, restarts, clock.now());
    p.containers.put(id, c);
    p.listedAll = null;
    podOf.put(id, p);
    return id;
  }

  @Override
  public synchronized ContainerId startContainer(String podUid, String containerName) {
    ContainerId id = createContainer(podUid, containerName);
    FakeContainer c = mutable(id);
    c.state = ContainerState.RUNNING;
    c.startedAt = clock.now();
    return id;
  }

  /** The container exits on its own with {@code exitCode}. */
  public synchronized void crash(ContainerId id, int exitCode) {
    FakeContainer c = mutable(id);
    c.state = ContainerState.EXITED;
    c.exitCode = exitCode;
    c.finishedAt = clock.now();
  }

  @Override
  public synchronized void killContainer(ContainerId id) {
    // SIGKILL's exit status, as a runtime reports a killed container.
    crash(id, 137);
  }

  /** Removes a container, as container garbage collection does. */
  public synchronized void deleteContainer(ContainerId id) {
    FakePod p = podOf.remove(id);
    if (p == null) {
      throw new IllegalArgumentException("FakeRuntime: no container " + id);
    }
    p.containers.remove(id);
    p.listedAll = null;
  }

  /** Forces any state, including transitions no real runtime makes; for PLEG tables. */
  public synchronized void setState(ContainerId id, ContainerState state) {
    mutable(id).state = state;
  }

  /** The newest container of that name in the pod. */
  public synchronized ContainerId containerId(String podUid, String containerName) {
    FakeContainer newest = null;
    for (FakeContainer c : pod(podUid).containers.values()) {
      if (c.name.equals(containerName)) {
        newest = c;
      }
    }
    if (newest == null) {
      throw new IllegalArgumentException(
          "FakeRuntime: pod " + podUid + " has no container " + containerName);
    }
    return newest.id;
  }

  /** Makes {@link #getPods(boolean)} fail until called with false. */
  public synchronized void failGetPods(boolean fail) {
    failGetPods = fail;
  }

  /** Makes {@link #getPodStatus} fail for one pod until called with false. */
  public synchronized void failPodStatus(String uid, boolean fail) {
    if (fail) {
      failingStatus.add(uid);
    } else {
      failingStatus.remove(uid);
    }
  }

  /** Decides what {@link #runInContainer} returns or throws. */
  public synchronized void onExec(BiFunction<ContainerId, List<String>, ExecResult> handler) {
    execHandler = handler;
  }

  /** How many times {@link #getPodStatus} was called. */
  public synchronized long podStatusCalls() {
    return podStatusCalls;
  }

  @Override
  public synchronized List<RuntimePod> getPods(boolean all) {
    if (failGetPods) {
      throw new ContainerRuntimeException("FakeRuntime: GetPods failed (injected)");
    }
    List<RuntimePod> out = new ArrayList<>(pods.size());
    for (FakePod p : pods.values()) {
      if (all && p.listedAll != null) {
        out.add(p.listedAll);
        continue;
      }
      List<Container> cs = new ArrayList<>(p.containers.size());
      for (FakeContainer c : p.containers.values()) {
        if (all || c.state == ContainerState.RUNNING) {
          cs.add(new Container(c.id, c.name, "image-of-" + c.name, c.state));
        }
      }
      List<Container> sandboxes =
          List.of(new Container(p.sandbox, "POD", "pause", ContainerState.RUNNING));
      RuntimePod listed = new RuntimePod(p.uid, p.name, p.namespace, cs, sandboxes);
      if (all) {
        p.listedAll = listed;
      }
      out.add(listed);
    }
    return out;
  }

  @Override
  public synchronized PodStatus getPodStatus(String uid, String name, String namespace) {
    podStatusCalls++;
    if (failingStatus.contains(uid)) {
      throw new ContainerRuntimeException("FakeRuntime: cannot inspect pod " + uid + " (injected)");
    }
    FakePod p = pods.get(uid);
    if (p == null) {
      return new PodStatus(uid, name, namespace, List.of(), List.of(), List.of());
    }
    List<ContainerStatus> statuses = new ArrayList<>();
    for (FakeContainer c : p.containers.values()) {
      // Newest first, as runtimes list them and FindContainerStatusByName expects.
      statuses.add(
          0,
          new ContainerStatus(
              c.id,
              c.name,
              c.state,
              c.createdAt,
              c.startedAt,
              c.finishedAt,
              c.exitCode,
              c.restartCount,
              "",
              ""));
    }
    return new PodStatus(
        uid,
        p.name,
        p.namespace,
        p.ips,
        statuses,
        List.of(new SandboxStatus(p.sandbox, p.sandboxReady)));
  }

  @Override
  public ExecResult runInContainer(ContainerId id, List<String> command, Duration timeout) {
    BiFunction<ContainerId, List<String>, ExecResult> handler;
    synchronized (this) {
      FakeContainer c = container(id);
      if (c.state != ContainerState.RUNNING) {
        throw new ContainerRuntimeException("container " + id + " is not running");
      }
      handler = execHandler;
    }
    // Outside the lock: a handler may block like a slow command does.
    return handler.apply(id, command);
  }

  private FakePod pod(String uid) {
    FakePod p = pods.get(uid);
    if (p == null) {
      throw new IllegalArgumentException("FakeRuntime: no pod " + uid);
    }
    return p;
  }

  /** The container, about to change: the pod's cached listing is dropped. */
  private FakeContainer mutable(ContainerId id) {
    FakeContainer c = container(id);
    podOf.get(id).listedAll = null;
    return c;
  }

  private FakeContainer container(ContainerId id) {
    FakePod p = podOf.get(id);
    if (p == null) {
      throw new IllegalArgumentException("FakeRuntime: no container " + id);
    }
    return p.containers.get(id);
  }

  private static final class FakePod {
    final String uid;
    final String name;
    final String namespace;
    List<String> ips;
    boolean sandboxReady = true;
    final Map<ContainerId, FakeContainer> containers = new LinkedHashMap<>();
    ContainerId sandbox;
    // The last listing of this pod, rebuilt only after a change: keeps the fake's own cost out
    // of PLEG measurements.
    RuntimePod listedAll;

    FakePod(String uid, String name, String namespace, List<String> ips) {
      this.uid = uid;
      this.name = name;
      this.namespace = namespace;
      this.ips = ips;
    }
  }

  private static final class FakeContainer {
    final ContainerId id;
    final String name;
    final int restartCount;
    final Instant createdAt;
    ContainerState state = ContainerState.CREATED;
    Instant startedAt;
    Instant finishedAt;
    int exitCode;

    FakeContainer(ContainerId id, String name, int restartCount, Instant createdAt) {
      this.id = id;
      this.name = name;
      this.restartCount = restartCount;
      this.createdAt = createdAt;
    }
  }
}
