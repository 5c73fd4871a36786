package io.kubelab.kubelet.cm.devicemanager;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.kubelet.deviceplugin.v1beta1.AllocateRequest;
import io.kubelab.kubelet.deviceplugin.v1beta1.AllocateResponse;
import io.kubelab.kubelet.deviceplugin.v1beta1.ContainerAllocateRequest;
import io.kubelab.kubelet.deviceplugin.v1beta1.Device;
import io.kubelab.kubelet.deviceplugin.v1beta1.DevicePluginGrpc;
import io.kubelab.kubelet.deviceplugin.v1beta1.Empty;
import io.kubelab.kubelet.deviceplugin.v1beta1.ListAndWatchResponse;
import io.kubelab.kubelet.deviceplugin.v1beta1.PreStartContainerRequest;
import io.kubelab.kubelet.util.UnixGrpc;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The kubelet's side of one device plugin: a gRPC client on the plugin's socket, the ListAndWatch
 * stream feeding the manager's callback, and the stop time that starts the grace period.
 *
 * <p>Upstream: {@code pkg/kubelet/cm/devicemanager/endpoint.go} ({@code endpointImpl}, v1.18).
 */
final class Endpoint {

  private final String resourceName;
  private final String socketPath;
  private final ManagedChannel channel; // null for a stopped placeholder
  private final Clock clock;
  private final Duration allocateTimeout; // null: no deadline, as upstream
  private final Duration preStartTimeout;
  private Instant stopTime; // guarded by this

  private Endpoint(
      String resourceName,
      String socketPath,
      ManagedChannel channel,
      Clock clock,
      Duration allocateTimeout,
      Duration preStartTimeout,
      Instant stopTime) {
    this.resourceName = resourceName;
    this.socketPath = socketPath;
    this.channel = channel;
    this.clock = clock;
    this.allocateTimeout = allocateTimeout;
    this.preStartTimeout = preStartTimeout;
    this.stopTime = stopTime;
  }

  /** Upstream {@code newEndpointImpl} with {@code dial}: a blocking dial with a timeout. */
  static Endpoint dial(
      UnixGrpc grpc,
      java.util.concurrent.Executor executor,
      java.nio.file.Path socket,
      String resourceName,
      Clock clock,
      DeviceManager.Config config)
      throws DeviceManagerException {
    ManagedChannel ch = grpc.channel(socket, executor);
    boolean ready;
    try {
      ready = UnixGrpc.awaitReady(ch, config.dialTimeout());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ready = false;
    }
    if (!ready) {
      UnixGrpc.shutdown(ch);
      throw new DeviceManagerException(
          DevicePlugins.ERR_FAILED_TO_DIAL
              + " context deadline exceeded (no answer on "
              + socket
              + " within "
              + config.dialTimeout().toSeconds()
              + "s)");
    }
    return new Endpoint(
        resourceName,
        socket.toString(),
        ch,
        clock,
        config.allocateTimeout(),
        config.preStartTimeout(),
        null);
  }

  /** Upstream {@code newStoppedEndpointImpl}: a resource restored from the checkpoint. */
  static Endpoint stopped(String resourceName, Clock clock) {
    return new Endpoint(resourceName, "", null, clock, null, Duration.ZERO, clock.now());
  }

  String resourceName() {
    return resourceName;
  }

  /**
   * Upstream {@code run}: opens ListAndWatch; each response goes to {@code callback} (on a gRPC
   * executor thread, in order); {@code ended} runs once when the stream ends, with its error.
   */
  void run(
      BiConsumer<String, List<Device>> callback, java.util.function.Consumer<Throwable> ended) {
    DevicePluginGrpc.newStub(channel)
        .listAndWatch(
            Empty.getDefaultInstance(),
            new StreamObserver<ListAndWatchResponse>() {
              @Override
              public void onNext(ListAndWatchResponse r) {
                callback.accept(resourceName, r.getDevicesList());
              }

              @Override
              public void onError(Throwable t) {
                ended.accept(t);
              }

              @Override
              public void onCompleted() {
                ended.accept(null);
              }
            });
  }

  synchronized boolean isStopped() {
    return stopTime != null;
  }

  /** Upstream {@code stopGracePeriodExpired}: stopped more than five minutes ago. */
  synchronized boolean stopGracePeriodExpired() {
    return stopTime != null
        && clock.since(stopTime).compareTo(DevicePlugins.ENDPOINT_STOP_GRACE_PERIOD) > 0;
  }

  /** Upstream {@code stop}: closes the connection (ending ListAndWatch) and notes the time. */
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    synchronized (this) {
      stopTime = clock.now();
    }
  }

  /** Waits (bounded) until the connection's calls have ended; after {@link #stop()}. */
  void awaitTermination() {
    if (channel != null) {
      UnixGrpc.shutdown(channel);
    }
  }

  AllocateResponse allocate(List<String> devs) throws DeviceManagerException {
    if (isStopped()) {
      throw new DeviceManagerException(String.format(DevicePlugins.ERR_ENDPOINT_STOPPED, this));
    }
    var stub = DevicePluginGrpc.newBlockingStub(channel);
    if (allocateTimeout != null) {
      stub = stub.withDeadlineAfter(allocateTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }
    try {
      return stub.allocate(
          AllocateRequest.newBuilder()
              .addContainerRequests(ContainerAllocateRequest.newBuilder().addAllDevicesIDs(devs))
              .build());
    } catch (StatusRuntimeException e) {
      throw new DeviceManagerException("rpc error: " + e.getStatus(), e);
    }
  }

  /** GetDevicePluginOptions (no deadline, as upstream's plugin-watcher path). */
  io.kubelab.kubelet.deviceplugin.v1beta1.DevicePluginOptions options()
      throws DeviceManagerException {
    try {
      return DevicePluginGrpc.newBlockingStub(channel)
          .getDevicePluginOptions(Empty.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      throw new DeviceManagerException("rpc error: " + e.getStatus(), e);
    }
  }

  void preStartContainer(List<String> devs) throws DeviceManagerException {
    if (isStopped()) {
      throw new DeviceManagerException(String.format(DevicePlugins.ERR_ENDPOINT_STOPPED, this));
    }
    try {
      DevicePluginGrpc.newBlockingStub(channel)
          .withDeadlineAfter(preStartTimeout.toNanos(), TimeUnit.NANOSECONDS)
          .preStartContainer(PreStartContainerRequest.newBuilder().addAllDevicesIDs(devs).build());
    } catch (StatusRuntimeException e) {
      throw new DeviceManagerException("rpc error: " + e.getStatus(), e);
    }
  }

  @Override
  public String toString() {
    return "&{" + resourceName + " " + socketPath + "}";
  }
}
