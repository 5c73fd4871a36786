package io.kubelab.kubelet.pluginmanager;

import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.kubelet.util.NamedThreads;
import io.kubelab.kubelet.util.UnixGrpc;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The kubelet's plugin manager: a watcher over the plugin registry directory fills the desired
 * state of the world; every second the reconciler unregisters what is registered but no longer
 * desired (or was re-created), then registers what is desired but not registered, through an
 * operation executor that runs one operation per socket with exponential back-off.
 *
 * <p>Upstream: {@code pkg/kubelet/pluginmanager/plugin_manager.go} and {@code
 * reconciler/reconciler.go} (v1.18; upstream's default directory is {@code
 * /var/lib/kubelet/plugins_registry}).
 */
public final class PluginManager implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(PluginManager.class.getName());

  /** Upstream {@code loopSleepDuration}. */
  public static final Duration RECONCILE_PERIOD = Duration.ofSeconds(1);

  /** Upstream's plugin registry directory; kubelab takes it as a parameter. */
  public static final String DEFAULT_SOCKET_DIR = "/var/lib/kubelet/plugins_registry";

  private final Clock clock;
  private final StatesOfWorld.Desired dsw;
  private final StatesOfWorld.Actual asw = new StatesOfWorld.Actual();
  private final Map<String, PluginHandler> handlers = new ConcurrentHashMap<>();
  private final PluginWatcher watcher;
  private final UnixGrpc grpc = new UnixGrpc("plugin-manager");
  private final NamedThreads executor = new NamedThreads("plugin-manager", 4);
  private final OperationExecutor operations;
  private final Operations ops;
  private Clock.Timer reconciler;

  public PluginManager(Path socketDir, Clock clock) {
    this(socketDir, clock, Operations.DIAL_TIMEOUT);
  }

  PluginManager(Path socketDir, Clock clock, Duration dialTimeout) {
    this.clock = Objects.requireNonNull(clock);
    this.dsw = new StatesOfWorld.Desired(clock);
    this.watcher = new PluginWatcher(socketDir, dsw);
    this.operations = new OperationExecutor(clock, executor);
    this.ops = new Operations(grpc, executor, dialTimeout);
  }

  /** Upstream {@code AddHandler}: the handler for one plugin type. */
  public void addHandler(String type, PluginHandler handler) {
    handlers.put(type, handler);
  }

  /** Upstream {@code Run}: starts the watcher and the reconciler's loop on the clock. */
  public synchronized void start() throws IOException {
    watcher.start();
    reconciler = clock.every(Duration.ZERO, RECONCILE_PERIOD, this::reconcile);
  }

  /** Upstream {@code reconcile}: unregistrations before registrations. */
  void reconcile() {
    List<PluginInfo> desired = dsw.pluginsToRegister();
    for (PluginInfo registered : asw.registeredPlugins()) {
      boolean unregister = !dsw.pluginExists(registered.socketPath());
      for (PluginInfo d : desired) {
        if (d.socketPath().equals(registered.socketPath()) && !d.sameCreation(registered)) {
          unregister = true;
          break;
        }
      }
      if (unregister) {
        submit(registered.socketPath(), () -> Operations.unregister(registered, asw));
      }
    }
    for (PluginInfo d : desired) {
      if (!asw.pluginExistsWithCorrectTimestamp(d)) {
        Map<String, PluginHandler> hs = Map.copyOf(handlers);
        submit(d.socketPath(), () -> ops.register(d.socketPath(), d, hs, asw));
      }
    }
  }

  private interface Op {
    void run() throws Exception;
  }

  private void submit(String key, Op op) {
    try {
      operations.run(
          key,
          () -> {
            op.run();
            return null;
          });
    } catch (OperationExecutor.RefusedException e) {
      // Expected: an operation in flight or backing off; the next pass tries again.
      LOG.log(Level.TRACE, e.getMessage());
    }
  }

  /** The plugins registered now (socket paths); for tests and the chapter. */
  public List<String> registeredSockets() {
    return asw.registeredPlugins().stream().map(PluginInfo::socketPath).toList();
  }

  /** The back-off in force for a socket's operations (zero when none). */
  public Duration backOff(String socketPath) {
    return operations.durationBeforeRetry(socketPath);
  }

  /** Stops the reconciler and the watcher, then the operations' threads. */
  @Override
  public synchronized void close() throws IOException {
    if (reconciler != null) {
      reconciler.close();
    }
    watcher.close();
    executor.close();
    grpc.close();
  }
}
