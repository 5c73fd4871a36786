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
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * An in-memory container runtime whose containers are started, crashed, stopped and removed on
 * command, on the injected {@link Clock}. Tests, benchmarks and the simulation drive it; the PLEG,
 * the prober and the pod workers read and change it through {@link Runtime}.
 *
 * <p>Upstream: {@code pkg/kubelet/container/testing/fake_runtime.go} plays the same role. Container
 * IDs are {@code fake://<pod>-<name>-<n>} and never reused, so a restart is a new ID, as with real
 * runtimes. A sandbox gets an IP from {@code 10.244.0.0/16}. How a container behaves is decided by
 * two hooks: {@link #onStart} (does it exit by itself, when, with what code; by default it runs
 * until stopped) and {@link #onStop} (how long it takes to exit after SIGTERM; by default at once,
 * with 143; one that takes longer than its grace period is killed, 137). Thread-safe.
 */
public final class FakeRuntime implements Runtime {

  private static final String TYPE = "fake";

  /** How a container ends by itself: after {@code after}, with {@code exitCode}. */
  public record Exit(Duration after, int exitCode) {}

  /** One call to {@link #stopContainer}: for tests of grace periods. */
  public record Stop(ContainerId id, long gracePeriodSeconds) {}

  private final Clock clock;
  private final Map<String, FakePod> pods = new LinkedHashMap<>();
  // Index for O(1) lookups: exec probes at scale look containers up by ID.
  private final Map<ContainerId, FakePod> podOf = new HashMap<>();
  private final Set<String> failingStatus = new HashSet<>();
  private final List<Stop> stops = new ArrayList<>();
  private long nextId;
  private int nextIp;
  private final TreeSet<Integer> freeHosts = new TreeSet<>(); // given back by torn-down networks
  private String ipPrefix = null; // "A.B.C." of a /24 given by podCidr, or null: 10.244.0.0/16
  private boolean failGetPods;
  private long podStatusCalls;
  private BiFunction<ContainerId, List<String>, ExecResult> execHandler =
      (id, cmd) -> new ExecResult(0, "");
  private BiFunction<String, ContainerConfig, Exit> onStart = (pod, config) -> null;
  private Function<ContainerId, Duration> onStop = id -> Duration.ZERO;

  public FakeRuntime(Clock clock) {
    this.clock = clock;
  }

  /**
   * Gives new sandboxes their IPs from {@code cidr}, a node's pod range ({@code spec.podCIDR}),
   * which must be an IPv4 {@code /24} such as {@code 10.244.3.0/24}: {@code .2}, {@code .3}, and so
   * on to {@code .254}, as a node's network plugin hands them out; an address comes back when the
   * pod's network is torn down (its last ready sandbox stopped, or the pod removed), and the lowest
   * such address is handed out first. Without it, IPs come from {@code 10.244.0.0/16}.
   *
   * @throws IllegalArgumentException if {@code cidr} is not an IPv4 /24 network
   */
  public synchronized void podCidr(String cidr) {
    if (cidr == null || !cidr.matches("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.0/24")) {
      throw new IllegalArgumentException(
          "FakeRuntime: pod CIDR " + cidr + " is not an IPv4 /24 network (such as 10.244.3.0/24)");
    }
    for (String octet : cidr.substring(0, cidr.indexOf('/')).split("\\.")) {
      if (Integer.parseInt(octet) > 255) {
        throw new IllegalArgumentException("FakeRuntime: pod CIDR " + cidr + " is not an address");
      }
    }
    ipPrefix = cidr.substring(0, cidr.lastIndexOf('.') + 1);
  }

  /** Adds a pod with a ready sandbox and the given IPs, and no containers yet. */
  public synchronized void addPod(String uid, String name, String namespace, String... ips) {
    if (pods.containsKey(uid)) {
      throw new IllegalArgumentException("FakeRuntime: pod " + uid + " already exists");
    }
    FakePod p = new FakePod(uid, name, namespace, List.of(ips));
    ContainerId sandbox = new ContainerId(TYPE, uid + "-sandbox-" + nextId++);
    p.sandboxes.add(0, new FakeSandbox(sandbox, 0));
    pods.put(uid, p);
    podOf.put(sandbox, p);
  }

  @Override
  public synchronized ContainerId runPodSandbox(
      String podUid, String name, String namespace, int attempt) {
    FakePod existing = pods.get(podUid);
    List<String> ips = existing == null ? List.of() : existing.ips;
    if (ips.isEmpty()) { // the address first: a pod CIDR that is full fails before anything changes
      if (ipPrefix != null) {
        // the lowest address a torn-down network gave back, else the next one: .2 to .254
        int host = freeHosts.isEmpty() ? nextIp + 2 : freeHosts.first();
        if (host > 254) {
          throw new ContainerRuntimeException(
              "FakeRuntime: no IP left in " + ipPrefix + "0/24 for pod " + namespace + "/" + name);
        }
        if (!freeHosts.remove(host)) {
          nextIp++;
        }
        ips = List.of(ipPrefix + host);
      } else {
        int n = nextIp++;
        ips = List.of("10.244." + (n / 250) + "." + (n % 250 + 2));
      }
    }
    FakePod p = pods.computeIfAbsent(podUid, k -> new FakePod(podUid, name, namespace, List.of()));
    p.ips = ips;
    ContainerId id = new ContainerId(TYPE, podUid + "-sandbox-" + nextId++);
    p.sandboxes.add(0, new FakeSandbox(id, attempt));
    podOf.put(id, p);
    p.listedAll = null;
    return id;
  }

  @Override
  public synchronized void stopPodSandbox(ContainerId sandbox) {
    FakePod p = podOf.get(sandbox);
    if (p == null) {
      throw new ContainerRuntimeException("FakeRuntime: no sandbox " + sandbox);
    }
    for (FakeSandbox s : p.sandboxes) {
      if (s.id.equals(sandbox)) {
        s.ready = false;
      }
    }
    if (p.sandboxes.stream().noneMatch(s -> s.ready)) {
      release(p);
      p.ips = List.of(); // the network is torn down with the last ready sandbox
    }
    p.listedAll = null;
  }

  /** Changes the IPs the runtime reports for the pod (an empty list: the network is torn down). */
  public synchronized void setIps(String uid, String... ips) {
    pod(uid).ips = List.of(ips);
  }

  /** Marks the pod's newest sandbox ready or not ready. */
  public synchronized void setSandboxReady(String uid, boolean ready) {
    FakePod p = pod(uid);
    p.sandboxes.get(0).ready = ready;
    p.listedAll = null;
  }

  /** Gives a pod's address back to the pod CIDR, if it came from there. */
  private void release(FakePod p) {
    for (String ip : p.ips) {
      if (ipPrefix != null && ip.startsWith(ipPrefix)) {
        freeHosts.add(Integer.parseInt(ip.substring(ipPrefix.length())));
      }
    }
  }

  /** Forgets a pod and all its containers at once (the runtime garbage-collected it). */
  public synchronized void removePod(String uid) {
    FakePod p = pod(uid);
    release(p);
    p.containers.keySet().forEach(podOf::remove);
    p.sandboxes.forEach(s -> podOf.remove(s.id));
    pods.remove(uid);
  }

  /** Creates a container in state created, not yet started. */
  public synchronized ContainerId createContainer(String podUid, String containerName) {
    return create(podUid, defaultConfig(podUid, containerName));
  }

  /** A config whose attempt counts the pod's earlier containers of that name. */
  private synchronized ContainerConfig defaultConfig(String podUid, String containerName) {
    int earlier =
        (int)
            pod(podUid).containers.values().stream()
                .filter(c -> c.name.equals(containerName))
                .count();
    return new ContainerConfig(containerName, "image-of-" + containerName, earlier, 0);
  }

  private ContainerId create(String podUid, ContainerConfig config) {
    FakePod p = pod(podUid);
    ContainerId id = new ContainerId(TYPE, podUid + "-" + config.name() + "-" + nextId++);
    // The restart count is the attempt the kubelet passed, as CRI runtimes report it.
    FakeContainer c = new FakeContainer(id, config, config.attempt(), clock.now());
    p.containers.put(id, c);
    p.listedAll = null;
    podOf.put(id, p);
    return id;
  }

  /** Starts a container with a default config: a shorthand for tests. */
  public ContainerId startContainer(String podUid, String containerName) {
    return startContainer(
        podUid, new ContainerConfig(containerName, "image-of-" + containerName, 0, 0));
  }

  @Override
  public ContainerId startContainer(String podUid, ContainerConfig config) {
    ContainerId id;
    Exit exit;
    synchronized (this) {
      id = create(podUid, config);
      FakeContainer c = mutable(id);
      c.state = ContainerState.RUNNING;
      c.startedAt = clock.now();
      exit = onStart.apply(podUid, config);
    }
    if (exit != null) {
      if (exit.after().isZero()) {
        crash(id, exit.exitCode());
      } else {
        clock.schedule(exit.after(), () -> crashIfRunning(id, exit.exitCode()));
      }
    }
    return id;
  }

  /** The container exits on its own with {@code exitCode}. */
  public void crash(ContainerId id, int exitCode) {
    CompletableFuture<Void> stopped;
    synchronized (this) {
      FakeContainer c = mutable(id);
      c.state = ContainerState.EXITED;
      c.exitCode = exitCode;
      c.finishedAt = clock.now();
      stopped = c.stopped;
      c.stopped = null;
    }
    if (stopped != null) {
      stopped.complete(null); // outside the lock: whoever waited continues freely
    }
  }

  private void crashIfRunning(ContainerId id, int exitCode) {
    synchronized (this) {
      FakePod p = podOf.get(id);
      FakeContainer c = p == null ? null : p.containers.get(id);
      if (c == null || c.state != ContainerState.RUNNING) {
        return;
      }
    }
    crash(id, exitCode);
  }

  @Override
  public CompletionStage<Void> stopContainer(ContainerId id, long gracePeriodSeconds) {
    CompletableFuture<Void> done;
    Duration exitAfter;
    synchronized (this) {
      stops.add(new Stop(id, gracePeriodSeconds));
      FakeContainer c = container(id);
      if (c.state != ContainerState.RUNNING) {
        return CompletableFuture.completedFuture(null);
      }
      if (c.stopped != null) {
        return c.stopped; // already stopping
      }
      done = new CompletableFuture<>();
      c.stopped = done;
      exitAfter = onStop.apply(id);
    }
    Duration grace = Duration.ofSeconds(gracePeriodSeconds);
    if (exitAfter.compareTo(grace) > 0) {
      clock.schedule(grace, () -> crashIfRunning(id, 137)); // SIGKILL
    } else if (exitAfter.isZero()) {
      crash(id, 143); // SIGTERM's exit status
    } else {
      clock.schedule(exitAfter, () -> crashIfRunning(id, 143));
    }
    return done;
  }

  @Override
  public synchronized void removeContainer(ContainerId id) {
    FakeContainer c = container(id);
    if (c.state == ContainerState.RUNNING) {
      throw new ContainerRuntimeException("FakeRuntime: container " + id + " is running");
    }
    deleteContainer(id);
  }

  /** Removes a container in any state, as container garbage collection does. */
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

  /** The config a container was started with (its {@code oom_score_adj} among others). */
  public synchronized ContainerConfig config(ContainerId id) {
    return container(id).config;
  }

  /** Every {@link #stopContainer} call, in order. */
  public synchronized List<Stop> stops() {
    return List.copyOf(stops);
  }

  /** Whether the runtime knows the pod (has a sandbox or container for it). */
  public synchronized boolean hasPod(String uid) {
    return pods.containsKey(uid);
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

  /**
   * Decides, for each container started (pod UID and config), whether and when it exits by itself;
   * null means it runs until stopped.
   */
  public synchronized void onStart(BiFunction<String, ContainerConfig, Exit> behaviour) {
    onStart = behaviour;
  }

  /** Decides how long a container takes to exit after SIGTERM. */
  public synchronized void onStop(Function<ContainerId, Duration> behaviour) {
    onStop = behaviour;
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
          cs.add(new Container(c.id, c.name, c.config.image(), c.state));
        }
      }
      List<Container> sandboxes = new ArrayList<>(p.sandboxes.size());
      for (FakeSandbox s : p.sandboxes) {
        if (all || s.ready) {
          sandboxes.add(
              new Container(
                  s.id, "POD", "pause", s.ready ? ContainerState.RUNNING : ContainerState.EXITED));
        }
      }
      if (!all && cs.isEmpty() && sandboxes.isEmpty()) {
        continue; // as kuberuntime's GetPods(false): only pods with something running
      }
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
              exitReason(c),
              ""));
    }
    List<SandboxStatus> sandboxes = new ArrayList<>();
    for (FakeSandbox s : p.sandboxes) {
      sandboxes.add(new SandboxStatus(s.id, s.ready, s.attempt));
    }
    return new PodStatus(uid, p.name, p.namespace, p.ips, statuses, sandboxes);
  }

  /** As containerd reports an exited container: {@code Completed} for 0, else {@code Error}. */
  private static String exitReason(FakeContainer c) {
    if (c.state != ContainerState.EXITED) {
      return "";
    }
    return c.exitCode == 0 ? "Completed" : "Error";
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
    FakeContainer c = p == null ? null : p.containers.get(id);
    if (c == null) {
      throw new IllegalArgumentException("FakeRuntime: no container " + id);
    }
    return c;
  }

  private static final class FakePod {
    final String uid;
    final String name;
    final String namespace;
    List<String> ips;
    final List<FakeSandbox> sandboxes = new ArrayList<>(1); // newest first
    final Map<ContainerId, FakeContainer> containers = new LinkedHashMap<>();
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

  private static final class FakeSandbox {
    final ContainerId id;
    final int attempt;
    boolean ready = true;

    FakeSandbox(ContainerId id, int attempt) {
      this.id = id;
      this.attempt = attempt;
    }
  }

  private static final class FakeContainer {
    final ContainerId id;
    final String name;
    final ContainerConfig config;
    final int restartCount;
    final Instant createdAt;
    ContainerState state = ContainerState.CREATED;
    Instant startedAt;
    Instant finishedAt;
    int exitCode;
    CompletableFuture<Void> stopped;

    FakeContainer(ContainerId id, ContainerConfig config, int restartCount, Instant createdAt) {
      this.id = id;
      this.name = config.name();
      this.config = config;
      this.restartCount = restartCount;
      this.createdAt = createdAt;
    }
  }
}
