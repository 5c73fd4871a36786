package io.kubelab.kubelet.pluginmanager;

import java.time.Instant;

/**
 * A plugin socket as the states of the world hold it. The timestamp tells a re-created socket from
 * the old one; {@code generation} breaks ties when the clock has not moved (a {@code FakeClock}),
 * where upstream's nanosecond {@code time.Now()} always differs.
 *
 * <p>Upstream: {@code PluginInfo} in {@code pkg/kubelet/pluginmanager/cache/types.go}.
 *
 * @param handler null in the desired state; the handler that registered it in the actual state
 * @param name null in the desired state; the plugin's name in the actual state
 */
public record PluginInfo(
    String socketPath, Instant timestamp, long generation, PluginHandler handler, String name) {

  /** Same socket, same creation: the actual state is up to date with the desired one. */
  boolean sameCreation(PluginInfo o) {
    return socketPath.equals(o.socketPath)
        && timestamp.equals(o.timestamp)
        && generation == o.generation;
  }
}
