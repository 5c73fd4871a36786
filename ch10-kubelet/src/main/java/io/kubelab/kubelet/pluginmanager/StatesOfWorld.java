package io.kubelab.kubelet.pluginmanager;

import io.kubelab.apimachinery.clock.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The desired state of the world (the sockets the watcher has seen) and the actual state (the
 * plugins registered), each a map keyed by socket path.
 *
 * <p>Upstream: {@code pkg/kubelet/pluginmanager/cache/desired_state_of_world.go} and {@code
 * actual_state_of_world.go}.
 */
final class StatesOfWorld {

  private StatesOfWorld() {}

  /** Upstream {@code DesiredStateOfWorld}. */
  static final class Desired {
    private final Clock clock;
    private final Map<String, PluginInfo> plugins = new TreeMap<>();
    private long generation;

    Desired(Clock clock) {
      this.clock = clock;
    }

    /** Adds a socket, or refreshes its timestamp (a delete and re-create). */
    synchronized void addOrUpdatePlugin(String socketPath) {
      if (socketPath == null || socketPath.isEmpty()) {
        throw new IllegalArgumentException("socket path is empty");
      }
      plugins.put(socketPath, new PluginInfo(socketPath, clock.now(), ++generation, null, null));
    }

    synchronized void removePlugin(String socketPath) {
      plugins.remove(socketPath);
    }

    synchronized boolean pluginExists(String socketPath) {
      return plugins.containsKey(socketPath);
    }

    synchronized List<PluginInfo> pluginsToRegister() {
      return new ArrayList<>(plugins.values());
    }
  }

  /** Upstream {@code ActualStateOfWorld}. */
  static final class Actual {
    private final Map<String, PluginInfo> plugins = new TreeMap<>();

    synchronized void addPlugin(PluginInfo p) {
      if (p.socketPath().isEmpty()) {
        throw new IllegalArgumentException("socket path is empty");
      }
      plugins.put(p.socketPath(), p);
    }

    synchronized void removePlugin(String socketPath) {
      plugins.remove(socketPath);
    }

    synchronized List<PluginInfo> registeredPlugins() {
      return new ArrayList<>(plugins.values());
    }

    /** Upstream {@code PluginExistsWithCorrectTimestamp}. */
    synchronized boolean pluginExistsWithCorrectTimestamp(PluginInfo desired) {
      PluginInfo p = plugins.get(desired.socketPath());
      return p != null && p.sameCreation(desired);
    }
  }
}
