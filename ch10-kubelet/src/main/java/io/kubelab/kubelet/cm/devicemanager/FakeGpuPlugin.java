package io.kubelab.kubelet.cm.devicemanager;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kubelab.kubelet.deviceplugin.v1beta1.AllocateRequest;
import io.kubelab.kubelet.deviceplugin.v1beta1.AllocateResponse;
import io.kubelab.kubelet.deviceplugin.v1beta1.ContainerAllocateRequest;
import io.kubelab.kubelet.deviceplugin.v1beta1.ContainerAllocateResponse;
import io.kubelab.kubelet.deviceplugin.v1beta1.Device;
import io.kubelab.kubelet.deviceplugin.v1beta1.DevicePluginGrpc;
import io.kubelab.kubelet.deviceplugin.v1beta1.DevicePluginOptions;
import io.kubelab.kubelet.deviceplugin.v1beta1.DeviceSpec;
import io.kubelab.kubelet.deviceplugin.v1beta1.Empty;
import io.kubelab.kubelet.deviceplugin.v1beta1.ListAndWatchResponse;
import io.kubelab.kubelet.deviceplugin.v1beta1.PreStartContainerRequest;
import io.kubelab.kubelet.deviceplugin.v1beta1.PreStartContainerResponse;
import io.kubelab.kubelet.deviceplugin.v1beta1.RegisterRequest;
import io.kubelab.kubelet.deviceplugin.v1beta1.RegistrationGrpc;
import io.kubelab.kubelet.pluginregistration.v1.InfoRequest;
import io.kubelab.kubelet.pluginregistration.v1.PluginInfo;
import io.kubelab.kubelet.pluginregistration.v1.RegistrationStatus;
import io.kubelab.kubelet.pluginregistration.v1.RegistrationStatusResponse;
import io.kubelab.kubelet.util.NamedThreads;
import io.kubelab.kubelet.util.UnixGrpc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A sample device plugin, {@code kubelab.io/fake-gpu}: N devices {@code gpu-0 .. gpu-(N-1)} whose
 * health a test can toggle. It serves the DevicePlugin service on its own socket in the device
 * plugin directory and registers with the kubelet on {@code kubelet.sock}, as a real plugin does
 * (compare upstream's {@code pkg/kubelet/cm/devicemanager/device_plugin_stub.go}). Allocate answers
 * with an environment variable, a device node per device and a mount; with {@link #hang} it never
 * answers Allocate or PreStartContainer.
 */
public final class FakeGpuPlugin implements AutoCloseable {

  /** The resource this plugin serves. */
  public static final String RESOURCE = "kubelab.io/fake-gpu";

  private final Path socketDir;
  private final String socketName;
  private final String resource;
  private final boolean preStartRequired;
  private final Map<String, String> health = new LinkedHashMap<>(); // guarded by this
  private final List<StreamObserver<ListAndWatchResponse>> watchers = new CopyOnWriteArrayList<>();
  private final List<List<String>> allocateCalls = new CopyOnWriteArrayList<>();
  private final List<List<String>> preStartCalls = new CopyOnWriteArrayList<>();
  private volatile boolean hang;
  private final List<RegistrationStatus> statuses = new CopyOnWriteArrayList<>();
  private volatile Runnable statusListener = () -> {};
  private volatile String infoType = "DevicePlugin";
  private volatile List<String> infoVersions = DevicePlugins.SUPPORTED_VERSIONS;
  private final UnixGrpc grpc;
  private final NamedThreads executor;
  private Server server;

  /**
   * @param socketDir the kubelet's device plugin directory
   * @param socketName this plugin's socket file name in it
   * @param devices how many devices, all healthy at first
   */
  public FakeGpuPlugin(
      Path socketDir, String socketName, String resource, int devices, boolean preStartRequired) {
    if (devices < 0) {
      throw new IllegalArgumentException("FakeGpuPlugin: devices must be >= 0, got " + devices);
    }
    this.socketDir = socketDir;
    this.socketName = socketName;
    this.resource = resource;
    this.preStartRequired = preStartRequired;
    for (int i = 0; i < devices; i++) {
      health.put("gpu-" + i, DevicePlugins.HEALTHY);
    }
    this.grpc = new UnixGrpc("fake-gpu-" + socketName);
    this.executor = new NamedThreads("fake-gpu-" + socketName, 4);
  }

  public FakeGpuPlugin(Path socketDir, int devices) {
    this(socketDir, "fake-gpu.sock", RESOURCE, devices, false);
  }

  public Path socket() {
    return socketDir.resolve(socketName);
  }

  /** Serves the DevicePlugin service on {@link #socket()} (replacing a stale file). */
  public synchronized void start() throws IOException {
    if (server != null) {
      throw new IllegalStateException("FakeGpuPlugin " + socketName + " already started");
    }
    Files.deleteIfExists(socket());
    // Every handler is short and never blocks (a hung call simply never answers), so calls run
    // on the event loop: one thread hand-off less per RPC.
    server = grpc.serve(socket(), Runnable::run, new Service(), new WatcherRegistration());
  }

  /**
   * Registers with the kubelet: a Register call on {@code kubelet.sock}.
   *
   * @throws StatusRuntimeException with the kubelet's error if it refused the registration
   */
  public void register() {
    register(DevicePlugins.VERSION, resource);
  }

  /** Registers with the given version and resource name (to see the kubelet refuse them). */
  public void register(String version, String resourceName) {
    ManagedChannel ch = grpc.channel(socketDir.resolve(DevicePlugins.KUBELET_SOCKET), executor);
    try {
      RegistrationGrpc.newBlockingStub(ch)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .register(
              RegisterRequest.newBuilder()
                  .setVersion(version)
                  .setEndpoint(socketName)
                  .setResourceName(resourceName)
                  .setOptions(
                      DevicePluginOptions.newBuilder().setPreStartRequired(preStartRequired))
                  .build());
    } finally {
      UnixGrpc.shutdown(ch);
    }
  }

  /** Sets a device's health (any string; the kubelet counts only "Healthy") and pushes it. */
  public void setHealth(String id, String h) {
    synchronized (this) {
      if (!health.containsKey(id)) {
        throw new IllegalArgumentException("FakeGpuPlugin: no device " + id);
      }
      health.put(id, h);
    }
    push();
  }

  /** Replaces the whole device list (ID to health) and pushes it. */
  public void setDevices(Map<String, String> devices) {
    synchronized (this) {
      health.clear();
      health.putAll(devices);
    }
    push();
  }

  /** While true, Allocate and PreStartContainer never answer. */
  public void hang(boolean on) {
    hang = on;
  }

  /** The device IDs of every Allocate call, in order. */
  public List<List<String>> allocateCalls() {
    return List.copyOf(allocateCalls);
  }

  /** The device IDs of every PreStartContainer call, in order. */
  public List<List<String>> preStartCalls() {
    return List.copyOf(preStartCalls);
  }

  private synchronized ListAndWatchResponse snapshot() {
    ListAndWatchResponse.Builder b = ListAndWatchResponse.newBuilder();
    health.forEach((id, h) -> b.addDevices(Device.newBuilder().setID(id).setHealth(h)));
    return b.build();
  }

  private void push() {
    ListAndWatchResponse r = snapshot();
    for (StreamObserver<ListAndWatchResponse> w : watchers) {
      synchronized (w) {
        try {
          w.onNext(r);
        } catch (RuntimeException e) {
          watchers.remove(w); // the kubelet went away
        }
      }
    }
  }

  private final class Service extends DevicePluginGrpc.DevicePluginImplBase {
    @Override
    public void getDevicePluginOptions(Empty req, StreamObserver<DevicePluginOptions> out) {
      out.onNext(DevicePluginOptions.newBuilder().setPreStartRequired(preStartRequired).build());
      out.onCompleted();
    }

    @Override
    public void listAndWatch(Empty req, StreamObserver<ListAndWatchResponse> out) {
      ServerCallStreamObserver<ListAndWatchResponse> s =
          (ServerCallStreamObserver<ListAndWatchResponse>) out;
      s.setOnCancelHandler(() -> watchers.remove(out));
      synchronized (out) {
        watchers.add(out);
        out.onNext(snapshot());
      }
    }

    @Override
    public void allocate(AllocateRequest req, StreamObserver<AllocateResponse> out) {
      List<String> ids = new ArrayList<>();
      req.getContainerRequestsList().forEach(c -> ids.addAll(c.getDevicesIDsList()));
      allocateCalls.add(List.copyOf(ids));
      if (hang) {
        return; // never answers; the caller's deadline ends the call
      }
      AllocateResponse.Builder b = AllocateResponse.newBuilder();
      for (ContainerAllocateRequest c : req.getContainerRequestsList()) {
        ContainerAllocateResponse.Builder cr =
            ContainerAllocateResponse.newBuilder()
                .putEnvs("KUBELAB_FAKE_GPUS", String.join(",", c.getDevicesIDsList()))
                .addMounts(
                    io.kubelab.kubelet.deviceplugin.v1beta1.Mount.newBuilder()
                        .setContainerPath("/usr/local/fake-gpu")
                        .setHostPath("/opt/fake-gpu")
                        .setReadOnly(true));
        for (String id : c.getDevicesIDsList()) {
          cr.addDevices(
              DeviceSpec.newBuilder()
                  .setContainerPath("/dev/" + id)
                  .setHostPath("/dev/fake-" + id)
                  .setPermissions("rw"));
        }
        b.addContainerResponses(cr);
      }
      out.onNext(b.build());
      out.onCompleted();
    }

    @Override
    public void preStartContainer(
        PreStartContainerRequest req, StreamObserver<PreStartContainerResponse> out) {
      preStartCalls.add(List.copyOf(req.getDevicesIDsList()));
      if (hang) {
        return;
      }
      out.onNext(PreStartContainerResponse.getDefaultInstance());
      out.onCompleted();
    }
  }

  /** The statuses the kubelet's plugin manager sent back (registered, error), in order. */
  public List<RegistrationStatus> registrationStatuses() {
    return List.copyOf(statuses);
  }

  /** Overrides what GetInfo reports (to see the plugin manager refuse it). */
  public void pluginInfo(String type, List<String> versions) {
    infoType = type;
    infoVersions = List.copyOf(versions);
  }

  /**
   * The plugin-watcher path (pluginregistration v1, served on the same socket): the kubelet finds
   * the socket in its plugin registry directory, asks GetInfo, and reports the outcome.
   */
  private final class WatcherRegistration
      extends io.kubelab.kubelet.pluginregistration.v1.RegistrationGrpc.RegistrationImplBase {
    @Override
    public void getInfo(InfoRequest req, StreamObserver<PluginInfo> out) {
      out.onNext(
          PluginInfo.newBuilder()
              .setType(infoType)
              .setName(resource)
              .addAllSupportedVersions(infoVersions)
              .build()); // no endpoint: the kubelet dials this same socket
      out.onCompleted();
    }

    @Override
    public void notifyRegistrationStatus(
        RegistrationStatus status, StreamObserver<RegistrationStatusResponse> out) {
      statuses.add(status);
      statusListener.run();
      out.onNext(RegistrationStatusResponse.getDefaultInstance());
      out.onCompleted();
    }
  }

  /** Runs after each NotifyRegistrationStatus (tests wait on it). */
  public void onRegistrationStatus(Runnable r) {
    statusListener = r;
  }

  /** Stops serving (ending every ListAndWatch stream) and removes the socket file. */
  public synchronized void stop() throws IOException {
    if (server != null) {
      UnixGrpc.shutdown(server);
      server = null;
    }
    watchers.clear();
    Files.deleteIfExists(socket());
  }

  /** {@link #stop()}, then ends this plugin's threads. */
  @Override
  public void close() throws IOException {
    stop();
    executor.close();
    grpc.close();
  }
}
