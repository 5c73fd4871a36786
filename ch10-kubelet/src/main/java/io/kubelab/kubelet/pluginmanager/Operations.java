package io.kubelab.kubelet.pluginmanager;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.kubelab.kubelet.pluginregistration.v1.InfoRequest;
import io.kubelab.kubelet.pluginregistration.v1.PluginInfo;
import io.kubelab.kubelet.pluginregistration.v1.RegistrationGrpc;
import io.kubelab.kubelet.pluginregistration.v1.RegistrationStatus;
import io.kubelab.kubelet.util.UnixGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The register and unregister operations on one plugin socket.
 *
 * <p>Upstream: {@code pkg/kubelet/pluginmanager/operationexecutor/operation_generator.go} ({@code
 * GenerateRegisterPluginFunc}, {@code GenerateUnregisterPluginFunc}, {@code notifyPlugin}, {@code
 * dial}); error texts as upstream's.
 */
final class Operations {

  static final Duration DIAL_TIMEOUT = Duration.ofSeconds(10);
  static final Duration GET_INFO_TIMEOUT = Duration.ofSeconds(1);
  static final Duration NOTIFY_TIMEOUT = Duration.ofSeconds(5);

  private final UnixGrpc grpc;
  private final Executor executor;
  private final Duration dialTimeout;

  Operations(UnixGrpc grpc, Executor executor, Duration dialTimeout) {
    this.grpc = grpc;
    this.executor = executor;
    this.dialTimeout = dialTimeout;
  }

  /** Upstream's register function: dial, GetInfo, validate, record, register, notify. */
  void register(
      String socketPath,
      io.kubelab.kubelet.pluginmanager.PluginInfo desired,
      Map<String, PluginHandler> handlers,
      StatesOfWorld.Actual asw)
      throws Exception {
    ManagedChannel ch = grpc.channel(Path.of(socketPath), executor);
    try {
      if (!UnixGrpc.awaitReady(ch, dialTimeout)) {
        throw new Exception(
            "RegisterPlugin error -- dial failed at socket "
                + socketPath
                + ", err: failed to dial socket "
                + socketPath
                + ", err: context deadline exceeded");
      }
      var client = RegistrationGrpc.newBlockingStub(ch);
      PluginInfo info;
      try {
        info =
            client
                .withDeadlineAfter(GET_INFO_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)
                .getInfo(InfoRequest.getDefaultInstance());
      } catch (StatusRuntimeException e) {
        throw new Exception(
            "RegisterPlugin error -- failed to get plugin info using RPC GetInfo at socket "
                + socketPath
                + ", err: "
                + e.getStatus());
      }
      PluginHandler handler = handlers.get(info.getType());
      if (handler == null) {
        String msg =
            "RegisterPlugin error -- no handler registered for plugin type: "
                + info.getType()
                + " at socket "
                + socketPath;
        notify(client, socketPath, false, msg);
        throw new Exception(msg);
      }
      String endpoint = info.getEndpoint().isEmpty() ? socketPath : info.getEndpoint();
      try {
        handler.validatePlugin(info.getName(), endpoint, info.getSupportedVersionsList());
      } catch (Exception e) {
        notify(
            client,
            socketPath,
            false,
            "RegisterPlugin error -- plugin validation failed with err: " + e.getMessage());
        throw new Exception("RegisterPlugin error -- pluginHandler.ValidatePluginFunc failed");
      }
      // Recorded before the handler runs, so a delete that arrives meanwhile unregisters it.
      asw.addPlugin(
          new io.kubelab.kubelet.pluginmanager.PluginInfo(
              socketPath, desired.timestamp(), desired.generation(), handler, info.getName()));
      try {
        handler.registerPlugin(info.getName(), endpoint, info.getSupportedVersionsList());
      } catch (Exception e) {
        notify(
            client,
            socketPath,
            false,
            "RegisterPlugin error -- plugin registration failed with err: " + e.getMessage());
        return; // upstream returns notifyPlugin's result
      }
      notify(client, socketPath, true, "");
    } finally {
      UnixGrpc.shutdown(ch);
    }
  }

  private static void notify(
      RegistrationGrpc.RegistrationBlockingStub client,
      String socketPath,
      boolean registered,
      String error)
      throws Exception {
    try {
      client
          .withDeadlineAfter(NOTIFY_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)
          .notifyRegistrationStatus(
              RegistrationStatus.newBuilder()
                  .setPluginRegistered(registered)
                  .setError(error)
                  .build());
    } catch (StatusRuntimeException e) {
      throw new Exception(
          "RegisterPlugin error -- failed to send "
              + (error.isEmpty() ? "registration status" : "error")
              + " at socket "
              + socketPath
              + ", err: "
              + e.getStatus());
    }
  }

  /** Upstream's unregister function: forget the plugin, then tell its handler. */
  static void unregister(
      io.kubelab.kubelet.pluginmanager.PluginInfo registered, StatesOfWorld.Actual asw)
      throws Exception {
    if (registered.handler() == null) {
      throw new Exception(
          "UnregisterPlugin error -- failed to get plugin handler for " + registered.socketPath());
    }
    asw.removePlugin(registered.socketPath());
    registered.handler().deRegisterPlugin(registered.name());
  }
}
