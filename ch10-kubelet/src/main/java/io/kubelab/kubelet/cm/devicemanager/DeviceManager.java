package io.kubelab.kubelet.cm.devicemanager;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.apimachinery.resource.Quantities;
import io.kubelab.apimachinery.resource.ResourceNames;
import io.kubelab.kubelet.deviceplugin.v1beta1.AllocateResponse;
import io.kubelab.kubelet.deviceplugin.v1beta1.Device;
import io.kubelab.kubelet.deviceplugin.v1beta1.DevicePluginOptions;
import io.kubelab.kubelet.deviceplugin.v1beta1.Empty;
import io.kubelab.kubelet.deviceplugin.v1beta1.RegisterRequest;
import io.kubelab.kubelet.deviceplugin.v1beta1.RegistrationGrpc;
import io.kubelab.kubelet.lifecycle.PodAdmitHandler;
import io.kubelab.kubelet.pluginmanager.PluginHandler;
import io.kubelab.kubelet.util.NamedThreads;
import io.kubelab.kubelet.util.UnixGrpc;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The kubelet's device manager: serves the Registration service on {@code kubelet.sock}, keeps one
 * {@link Endpoint} per resource streaming ListAndWatch, reports capacity and allocatable, allocates
 * devices to containers at admission (init containers' devices reused by app containers), calls
 * Allocate and PreStartContainer, and checkpoints its allocations.
 *
 * <p>Upstream: {@code pkg/kubelet/cm/devicemanager/manager.go} ({@code ManagerImpl}, v1.18), with
 * {@code resourceAllocator} from {@code pkg/kubelet/cm/container_manager_linux.go}. Not modelled:
 * the topology manager's hints (every device is "without affinity") and the pod resources API.
 */
public final class DeviceManager implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(DeviceManager.class.getName());

  /**
   * Where the sockets live and how long the RPCs may take.
   *
   * @param socketDir upstream's {@link DevicePlugins#DEVICE_PLUGIN_PATH}; a temporary directory in
   *     tests
   * @param dialTimeout the blocking dial's limit (upstream 10 s)
   * @param allocateTimeout the Allocate RPC's deadline; null for none, as upstream
   * @param preStartTimeout the PreStartContainer RPC's deadline (upstream 30 s)
   */
  public record Config(
      Path socketDir, Duration dialTimeout, Duration allocateTimeout, Duration preStartTimeout) {
    public Config {
      Objects.requireNonNull(socketDir, "DeviceManager.Config: socketDir is required");
      Objects.requireNonNull(dialTimeout, "DeviceManager.Config: dialTimeout is required");
      Objects.requireNonNull(preStartTimeout, "DeviceManager.Config: preStartTimeout is required");
    }

    /** Upstream's timeouts with the given socket directory. */
    public static Config of(Path socketDir) {
      return new Config(
          socketDir, DevicePlugins.DIAL_TIMEOUT, null, DevicePlugins.PRE_START_CONTAINER_TIMEOUT);
    }
  }

  /**
   * What {@link #getCapacity()} reports: device counts per resource, and the resources dropped
   * since the last call (their plugin gone for longer than the grace period).
   */
  public record Capacity(
      Map<String, Long> capacity, Map<String, Long> allocatable, List<String> deleted) {
    public Capacity {
      capacity = Map.copyOf(capacity);
      allocatable = Map.copyOf(allocatable);
      deleted = List.copyOf(deleted);
    }
  }

  private record EndpointInfo(Endpoint e, DevicePluginOptions opts) {}

  private final Config config;
  private final Clock clock;
  private final Path checkpointFile;
  private final UnixGrpc grpc = new UnixGrpc("device-manager");
  private final NamedThreads executor = new NamedThreads("device-manager", 4);
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  // Held across a checkpoint's snapshot and its write, taken before lock (never inside it).
  private final Object checkpointLock = new Object();

  /**
   * Writes a checkpoint file: {@link Checkpoint#write}; tests substitute one that holds a write.
   */
  @FunctionalInterface
  interface CheckpointWriter {
    void write(Path file, Checkpoint.Data data) throws IOException;
  }

  private volatile CheckpointWriter checkpointWriter = Checkpoint::write;

  // Guarded by lock (upstream's m.mutex).
  private final Object lock = new Object();
  private final Map<String, EndpointInfo> endpoints = new HashMap<>();
  private final Set<Endpoint> open = new HashSet<>(); // every endpoint whose connection is open
  private final Map<String, Map<String, Device>> allDevices = new HashMap<>();
  private final Map<String, Set<String>> healthyDevices = new HashMap<>();
  private final Map<String, Set<String>> unhealthyDevices = new HashMap<>();
  private Map<String, Set<String>> allocatedDevices = new HashMap<>();
  private final PodDevices podDevices = new PodDevices();
  private final Map<String, Map<String, Set<String>>> devicesToReuse = new HashMap<>();
  private Server server;
  private boolean closed;

  private volatile Supplier<List<Pod>> activePods = List::of;
  private volatile BooleanSupplier sourcesReady = () -> false;

  public DeviceManager(Config config, Clock clock) {
    this.config = Objects.requireNonNull(config, "DeviceManager: config is required");
    this.clock = Objects.requireNonNull(clock, "DeviceManager: clock is required");
    this.checkpointFile = config.socketDir().resolve(DevicePlugins.CHECKPOINT);
  }

  /** The registration socket: {@code <socketDir>/kubelet.sock}. */
  public Path kubeletSocket() {
    return config.socketDir().resolve(DevicePlugins.KUBELET_SOCKET);
  }

  public Path socketDir() {
    return config.socketDir();
  }

  /**
   * Runs after every change of a resource's devices or endpoint (a ListAndWatch response, an
   * endpoint that ended, a registration); a kubelab hook for the node status and for tests.
   */
  public void addUpdateListener(Runnable listener) {
    listeners.add(listener);
  }

  private void changed() {
    for (Runnable r : listeners) {
      r.run();
    }
  }

  /**
   * Upstream {@code Start}: reads the checkpoint, creates the socket directory, removes every stale
   * file in it but the checkpoint (which tells running plugins to register again), and serves the
   * Registration service on {@code kubelet.sock}.
   *
   * @param activePods the pods whose devices are kept; the others' are freed at the next allocation
   * @param sourcesReady whether every pod source has been seen (nothing is freed before)
   */
  public void start(Supplier<List<Pod>> activePods, BooleanSupplier sourcesReady)
      throws IOException {
    this.activePods = Objects.requireNonNull(activePods);
    this.sourcesReady = Objects.requireNonNull(sourcesReady);
    try {
      readCheckpoint();
    } catch (IOException e) {
      LOG.log(
          Level.WARNING,
          "Continue after failing to read checkpoint file. Device allocation info may NOT be"
              + " up-to-date. Err: "
              + e.getMessage());
    }
    Files.createDirectories(config.socketDir());
    removeContents(config.socketDir());
    synchronized (lock) {
      if (server != null || closed) {
        throw new IllegalStateException("DeviceManager: start called twice or after close");
      }
      server = grpc.serve(kubeletSocket(), executor, new RegistrationService());
    }
  }

  private void removeContents(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (p.equals(checkpointFile) || Files.isDirectory(p)) {
          continue;
        }
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          LOG.log(Level.ERROR, "Failed to remove file " + p + ": " + e);
        }
      }
    }
  }

  private final class RegistrationService extends RegistrationGrpc.RegistrationImplBase {
    @Override
    public void register(RegisterRequest r, StreamObserver<Empty> out) {
      String err = validateRegistration(r);
      if (err != null) {
        LOG.log(
            Level.INFO,
            "Bad registration request from device plugin with resource name \""
                + r.getResourceName()
                + "\": "
                + err);
        out.onError(Status.UNKNOWN.withDescription(err).asRuntimeException());
        return;
      }
      LOG.log(
          Level.INFO,
          "Got registration request from device plugin with resource name \""
              + r.getResourceName()
              + "\"");
      executor.execute(() -> addEndpoint(r));
      out.onNext(Empty.getDefaultInstance());
      out.onCompleted();
    }
  }

  /** Upstream {@code Register}'s checks: null when the request is acceptable, else the error. */
  static String validateRegistration(RegisterRequest r) {
    if (!DevicePlugins.SUPPORTED_VERSIONS.contains(r.getVersion())) {
      return String.format(
          DevicePlugins.ERR_UNSUPPORTED_VERSION,
          r.getVersion(),
          goQuoted(DevicePlugins.SUPPORTED_VERSIONS));
    }
    if (!ResourceNames.isExtendedResourceName(r.getResourceName())) {
      return String.format(DevicePlugins.ERR_INVALID_RESOURCE_NAME, r.getResourceName());
    }
    return null;
  }

  /** Go's {@code %q} of a string slice: {@code ["v1beta1"]}. */
  private static String goQuoted(List<String> l) {
    return "[" + String.join(" ", l.stream().map(v -> '"' + v + '"').toList()) + "]";
  }

  /** Upstream {@code addEndpoint}: dial, register (the newest wins), then run ListAndWatch. */
  private void addEndpoint(RegisterRequest r) {
    Endpoint e;
    try {
      e =
          Endpoint.dial(
              grpc,
              executor,
              config.socketDir().resolve(r.getEndpoint()),
              r.getResourceName(),
              clock,
              config);
    } catch (DeviceManagerException ex) {
      LOG.log(Level.ERROR, "Failed to dial device plugin with request " + r + ": " + ex);
      return;
    }
    synchronized (lock) {
      if (closed) {
        e.stop();
        e.awaitTermination();
        return;
      }
      open.add(e);
      endpoints.put(r.getResourceName(), new EndpointInfo(e, r.getOptions()));
    }
    runEndpoint(r.getResourceName(), e);
    changed();
  }

  /**
   * The "DevicePlugin" handler for the plugin manager: the registration path through the plugin
   * registry directory instead of {@code kubelet.sock}. Upstream {@code GetWatcherHandler} with
   * {@code ValidatePlugin}, {@code RegisterPlugin} and {@code DeRegisterPlugin}.
   */
  public PluginHandler pluginHandler() {
    return new PluginHandler() {
      @Override
      public void validatePlugin(String name, String endpoint, List<String> versions)
          throws DeviceManagerException {
        if (versions.stream().noneMatch(DevicePlugins.SUPPORTED_VERSIONS::contains)) {
          throw new DeviceManagerException(
              "manager version, "
                  + DevicePlugins.VERSION
                  + ", is not among plugin supported versions ["
                  + String.join(" ", versions)
                  + "]");
        }
        if (!ResourceNames.isExtendedResourceName(name)) {
          throw new DeviceManagerException(
              "invalid name of device plugin socket: "
                  + String.format(DevicePlugins.ERR_INVALID_RESOURCE_NAME, name));
        }
      }

      @Override
      public void registerPlugin(String name, String endpoint, List<String> versions)
          throws DeviceManagerException {
        Endpoint e;
        try {
          e = Endpoint.dial(grpc, executor, Path.of(endpoint), name, clock, config);
        } catch (DeviceManagerException ex) {
          throw new DeviceManagerException(
              "failed to dial device plugin with socketPath " + endpoint + ": " + ex.getMessage());
        }
        DevicePluginOptions options;
        try {
          options = e.options();
        } catch (DeviceManagerException ex) {
          e.stop();
          e.awaitTermination();
          throw new DeviceManagerException(
              "failed to get device plugin options: " + ex.getMessage());
        }
        synchronized (lock) {
          if (closed) {
            e.stop();
            e.awaitTermination();
            return;
          }
          open.add(e);
          endpoints.put(name, new EndpointInfo(e, options));
        }
        runEndpoint(name, e);
        changed();
      }

      @Override
      public void deRegisterPlugin(String name) {
        synchronized (lock) {
          EndpointInfo ei = endpoints.get(name);
          if (ei != null) {
            ei.e().stop(); // the stream ends and runEndpoint marks the devices unhealthy
          }
        }
      }
    };
  }

  /** Upstream {@code runEndpoint}: when the stream ends, stop; if still current, mark unhealthy. */
  void runEndpoint(String resource, Endpoint e) {
    e.run(
        this::genericDeviceUpdateCallback,
        err -> {
          LOG.log(
              Level.ERROR,
              String.format(DevicePlugins.ERR_LIST_AND_WATCH, resource, err == null ? "EOF" : err));
          e.stop();
          synchronized (lock) {
            open.remove(e);
            EndpointInfo cur = endpoints.get(resource);
            if (cur != null && cur.e() == e) {
              markResourceUnhealthy(resource);
            }
          }
          changed();
        });
  }

  private void markResourceUnhealthy(String resource) {
    Set<String> healthy = healthyDevices.put(resource, new TreeSet<>());
    Set<String> unhealthy = unhealthyDevices.computeIfAbsent(resource, k -> new TreeSet<>());
    if (healthy != null) {
      unhealthy.addAll(healthy);
    }
  }

  /**
   * Upstream {@code genericDeviceUpdateCallback}: a ListAndWatch response replaces the resource's
   * whole device set; only health "Healthy" exactly counts as healthy.
   */
  void genericDeviceUpdateCallback(String resource, List<Device> devices) {
    synchronized (lock) {
      Set<String> healthy = new TreeSet<>();
      Set<String> unhealthy = new TreeSet<>();
      Map<String, Device> all = new HashMap<>();
      for (Device d : devices) {
        all.put(d.getID(), d);
        if (DevicePlugins.HEALTHY.equals(d.getHealth())) {
          healthy.add(d.getID());
        } else {
          unhealthy.add(d.getID());
        }
      }
      healthyDevices.put(resource, healthy);
      unhealthyDevices.put(resource, unhealthy);
      allDevices.put(resource, all);
    }
    writeCheckpointLogged();
    changed();
  }

  /**
   * Upstream {@code GetCapacity}, called on every node status update: capacity counts healthy and
   * unhealthy devices, allocatable only healthy ones; a resource whose plugin stopped more than
   * {@link DevicePlugins#ENDPOINT_STOP_GRACE_PERIOD} ago is dropped and reported as deleted.
   */
  public Capacity getCapacity() {
    boolean needsCheckpoint = false;
    Map<String, Long> capacity = new TreeMap<>();
    Map<String, Long> allocatable = new TreeMap<>();
    Set<String> deleted = new TreeSet<>();
    synchronized (lock) {
      for (var it = healthyDevices.entrySet().iterator(); it.hasNext(); ) {
        var e = it.next();
        EndpointInfo ei = endpoints.get(e.getKey());
        if (ei == null || ei.e().stopGracePeriodExpired()) {
          endpoints.remove(e.getKey());
          it.remove();
          deleted.add(e.getKey());
          needsCheckpoint = true;
        } else {
          capacity.put(e.getKey(), (long) e.getValue().size());
          allocatable.put(e.getKey(), (long) e.getValue().size());
        }
      }
      for (var it = unhealthyDevices.entrySet().iterator(); it.hasNext(); ) {
        var e = it.next();
        EndpointInfo ei = endpoints.get(e.getKey());
        if (ei == null || ei.e().stopGracePeriodExpired()) {
          endpoints.remove(e.getKey());
          it.remove();
          deleted.add(e.getKey());
          needsCheckpoint = true;
        } else {
          capacity.merge(e.getKey(), (long) e.getValue().size(), Long::sum);
        }
      }
    }
    if (needsCheckpoint) {
      writeCheckpointLogged();
    }
    return new Capacity(capacity, allocatable, new ArrayList<>(deleted));
  }

  private void writeCheckpointLogged() {
    try {
      writeCheckpoint();
    } catch (IOException e) {
      LOG.log(Level.ERROR, "writing checkpoint encountered " + e);
    }
  }

  /** Replaces how checkpoint files are written (tests only). */
  void checkpointWriter(CheckpointWriter writer) {
    this.checkpointWriter = java.util.Objects.requireNonNull(writer, "writer");
  }

  /**
   * Upstream {@code writeCheckpoint}: the allocations and each resource's healthy devices.
   *
   * <p>Upstream takes the snapshot under its mutex and writes it after unlocking, so two writers
   * (an allocation and a plugin's device update) can finish in the other order and leave the older
   * snapshot on the disk. Here the snapshot and its write happen under {@link #checkpointLock}: the
   * file always ends with the newest state.
   */
  void writeCheckpoint() throws IOException {
    synchronized (checkpointLock) {
      Checkpoint.Data data;
      synchronized (lock) {
        Map<String, List<String>> registered = new TreeMap<>();
        healthyDevices.forEach((r, ids) -> registered.put(r, List.copyOf(ids)));
        data = new Checkpoint.Data(podDevices.toCheckpointData(), registered);
      }
      try {
        checkpointWriter.write(checkpointFile, data);
      } catch (IOException e) {
        throw new IOException(
            "failed to write checkpoint file \"" + DevicePlugins.CHECKPOINT + "\": " + e, e);
      }
    }
  }

  /**
   * Upstream {@code readCheckpoint}: restores the allocations; each registered resource gets empty
   * device sets and a stopped endpoint, so its capacity reads 0 until the plugin registers again
   * and it is dropped after the grace period if it never does.
   */
  private void readCheckpoint() throws IOException {
    Checkpoint.Data data = Checkpoint.read(checkpointFile);
    if (data == null) {
      LOG.log(
          Level.WARNING,
          "Failed to retrieve checkpoint for \""
              + DevicePlugins.CHECKPOINT
              + "\": checkpoint is not found");
      return;
    }
    synchronized (lock) {
      podDevices.fromCheckpointData(data.podDeviceEntries());
      allocatedDevices = podDevices.devices();
      for (String resource : data.registeredDevices().keySet()) {
        healthyDevices.put(resource, new TreeSet<>());
        unhealthyDevices.put(resource, new TreeSet<>());
        endpoints.put(resource, new EndpointInfo(Endpoint.stopped(resource, clock), null));
      }
    }
  }

  /** Upstream {@code UpdateAllocatedDevices}: frees the devices of pods no longer active. */
  public void updateAllocatedDevices() {
    List<Pod> active = activePods.get();
    if (!sourcesReady.getAsBoolean()) {
      return;
    }
    synchronized (lock) {
      Set<String> toRemove = podDevices.pods();
      for (Pod p : active) {
        toRemove.remove(p.getMetadata().getUid());
      }
      if (toRemove.isEmpty()) {
        return;
      }
      podDevices.delete(toRemove);
      allocatedDevices = podDevices.devices();
    }
  }

  private boolean isDevicePluginResource(String resource) {
    synchronized (lock) {
      return healthyDevices.containsKey(resource) || allocatedDevices.containsKey(resource);
    }
  }

  /**
   * Upstream {@code devicesToAllocate}: the IDs to send in an Allocate call, already marked
   * allocated; empty when the container holds them from before (a restart). Reusable devices (an
   * init container's) come first, then healthy devices nobody holds, in ID order.
   */
  Set<String> devicesToAllocate(
      String podUid, String container, String resource, int required, Set<String> reusable)
      throws DeviceManagerException {
    synchronized (lock) {
      int needed = required;
      Set<String> have = podDevices.containerDevices(podUid, container, resource);
      if (have != null) {
        needed -= have.size();
        if (needed != 0) {
          throw new DeviceManagerException(
              String.format(
                  "pod \"%s\" container \"%s\" changed request for resource \"%s\" from %d to %d",
                  podUid, container, resource, have.size(), required));
        }
      }
      if (needed == 0) {
        return Set.of();
      }
      if (!healthyDevices.containsKey(resource)) {
        throw new DeviceManagerException("can't allocate unregistered device " + resource);
      }
      Set<String> inUse = allocatedDevices.computeIfAbsent(resource, k -> new TreeSet<>());
      Set<String> allocated = new TreeSet<>();
      if (reusable != null) {
        for (String d : new TreeSet<>(reusable)) {
          inUse.add(d);
          allocated.add(d);
          if (--needed == 0) {
            return allocated;
          }
        }
      }
      Set<String> available = new TreeSet<>(healthyDevices.get(resource));
      available.removeAll(inUse);
      if (available.size() < needed) {
        // Upstream leaves the reused devices marked; the caller's rollback rebuilds the set.
        throw new DeviceManagerException(
            String.format(
                "requested number of devices unavailable for %s. Requested: %d, Available: %d",
                resource, needed, available.size()));
      }
      for (String d : available) {
        inUse.add(d);
        allocated.add(d);
        if (--needed == 0) {
          break;
        }
      }
      return allocated;
    }
  }

  /**
   * Upstream {@code Allocate(pod, container)}: called for the init containers, then the app
   * containers, in spec order. An init container's devices join the pod's reuse pool; an app
   * container's leave it. The pool of any other pod is forgotten.
   */
  public void allocate(Pod pod, Container container) throws DeviceManagerException {
    String uid = pod.getMetadata().getUid();
    Map<String, Set<String>> pool;
    synchronized (lock) {
      devicesToReuse.keySet().removeIf(k -> !k.equals(uid));
      pool = devicesToReuse.computeIfAbsent(uid, k -> new HashMap<>());
    }
    boolean init = false;
    for (Container ic : pod.getSpec().getInitContainers()) {
      if (ic.getName().equals(container.getName())) {
        init = true;
        break;
      }
    }
    allocateContainerResources(pod, container, pool);
    synchronized (lock) {
      if (init) {
        podDevices.addContainerAllocatedResources(uid, container.getName(), pool);
      } else {
        podDevices.removeContainerAllocatedResources(uid, container.getName(), pool);
      }
    }
  }

  private void allocateContainerResources(
      Pod pod, Container container, Map<String, Set<String>> reuse) throws DeviceManagerException {
    String uid = pod.getMetadata().getUid();
    String name = container.getName();
    boolean updated = false;
    boolean needsCheckpoint = false;
    Map<String, Quantity> limits =
        container.getResources() == null || container.getResources().getLimits() == null
            ? Map.of()
            : new TreeMap<>(container.getResources().getLimits());
    for (Map.Entry<String, Quantity> l : limits.entrySet()) {
      String resource = l.getKey();
      if (!isDevicePluginResource(resource)) {
        continue;
      }
      int needed =
          (int)
              Quantities.value(
                  l.getValue(),
                  "Pod " + uid + " container " + name + ": resources.limits." + resource);
      if (!updated) {
        updateAllocatedDevices();
        updated = true;
      }
      Set<String> devs = devicesToAllocate(uid, name, resource, needed, reuse.get(resource));
      if (devs.isEmpty()) {
        continue;
      }
      needsCheckpoint = true;
      EndpointInfo ei;
      synchronized (lock) {
        ei = endpoints.get(resource);
      }
      if (ei == null) {
        rollback();
        throw new DeviceManagerException("unknown Device Plugin " + resource);
      }
      AllocateResponse resp;
      try {
        resp = ei.e().allocate(List.copyOf(devs));
      } catch (DeviceManagerException e) {
        rollback();
        throw e;
      }
      if (resp.getContainerResponsesCount() == 0) {
        throw new DeviceManagerException("no containers return in allocation response " + resp);
      }
      synchronized (lock) {
        podDevices.insert(uid, name, resource, devs, resp.getContainerResponses(0));
      }
    }
    if (needsCheckpoint) {
      try {
        writeCheckpoint();
      } catch (IOException e) {
        throw new DeviceManagerException(e.getMessage(), e);
      }
    }
  }

  private void rollback() {
    synchronized (lock) {
      allocatedDevices = podDevices.devices();
    }
  }

  /**
   * Upstream {@code GetDeviceRunContainerOptions}, before a container starts: PreStartContainer for
   * each resource whose plugin asked for it, a fresh Allocate if the allocation was lost, then the
   * merged run options (null when the container holds no devices).
   */
  public DeviceRunContainerOptions getDeviceRunContainerOptions(Pod pod, Container container)
      throws DeviceManagerException {
    String uid = pod.getMetadata().getUid();
    boolean needsReAllocate = false;
    Map<String, Quantity> limits =
        container.getResources() == null || container.getResources().getLimits() == null
            ? Map.of()
            : new TreeMap<>(container.getResources().getLimits());
    for (String resource : limits.keySet()) {
      if (!isDevicePluginResource(resource)) {
        continue;
      }
      callPreStartContainerIfNeeded(uid, container.getName(), resource);
      synchronized (lock) {
        if (podDevices.containerDevices(uid, container.getName(), resource) == null) {
          needsReAllocate = true;
        }
      }
    }
    if (needsReAllocate) {
      allocate(pod, container);
    }
    synchronized (lock) {
      return podDevices.deviceRunContainerOptions(uid, container.getName());
    }
  }

  private void callPreStartContainerIfNeeded(String uid, String container, String resource)
      throws DeviceManagerException {
    EndpointInfo ei;
    Set<String> devs;
    synchronized (lock) {
      ei = endpoints.get(resource);
      if (ei == null) {
        throw new DeviceManagerException(
            "endpoint not found in cache for a registered resource: " + resource);
      }
      if (ei.opts() == null || !ei.opts().getPreStartRequired()) {
        return;
      }
      devs = podDevices.containerDevices(uid, container, resource);
      if (devs == null) {
        throw new DeviceManagerException(
            String.format(
                "no devices found allocated in local cache for pod %s, container %s, resource %s",
                uid, container, resource));
      }
    }
    try {
      ei.e().preStartContainer(List.copyOf(devs));
    } catch (DeviceManagerException e) {
      throw new DeviceManagerException(
          "device plugin PreStartContainer rpc failed with err: " + e.getMessage(), e);
    }
  }

  /**
   * Upstream {@code resourceAllocator}: the admit handler that allocates devices for the init
   * containers, then the app containers; a failure refuses the pod.
   */
  public PodAdmitHandler admitHandler() {
    return attrs -> {
      Pod pod = attrs.pod();
      List<Container> all = new ArrayList<>(pod.getSpec().getInitContainers());
      all.addAll(pod.getSpec().getContainers());
      for (Container c : all) {
        try {
          allocate(pod, c);
        } catch (DeviceManagerException e) {
          return PodAdmitHandler.Result.reject(
              "UnexpectedAdmissionError",
              "Allocate failed due to " + e.getMessage() + ", which is unexpected");
        }
      }
      return PodAdmitHandler.Result.ADMIT;
    };
  }

  /**
   * Upstream {@code sanitizeNodeAllocatable} (through {@code UpdatePluginResources}): raises each
   * device resource's allocatable to at least the number of devices allocated, so pods admitted
   * before a plugin went away still fit.
   *
   * @return the resources whose allocatable must be raised, with the new value
   */
  public Map<String, Long> allocatedCounts() {
    synchronized (lock) {
      Map<String, Long> out = new LinkedHashMap<>();
      new TreeMap<>(allocatedDevices).forEach((r, ids) -> out.put(r, (long) ids.size()));
      return out;
    }
  }

  /** The devices a container holds of a resource, empty if none (for tests and the chapter). */
  public Set<String> containerDevices(String podUid, String container, String resource) {
    synchronized (lock) {
      Set<String> s = podDevices.containerDevices(podUid, container, resource);
      return s == null ? Set.of() : Set.copyOf(s);
    }
  }

  /** Stops the registration server and every endpoint, and waits for their threads. */
  @Override
  public void close() {
    List<Endpoint> toStop;
    Server s;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      toStop = new ArrayList<>(open);
      open.clear();
      for (EndpointInfo ei : endpoints.values()) {
        ei.e().stop();
      }
      s = server;
      server = null;
    }
    if (s != null) {
      UnixGrpc.shutdown(s);
    }
    for (Endpoint e : toStop) {
      e.stop();
      e.awaitTermination();
    }
    executor.close();
    grpc.close();
  }
}
