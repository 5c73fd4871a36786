package io.kubelab.scheduler.framework.plugins;

import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.config.ExtensionPoint;
import io.kubelab.scheduler.framework.config.Plugin;
import io.kubelab.scheduler.framework.config.PluginSet;
import io.kubelab.scheduler.framework.config.Plugins;

/** The framework handle the plugin tests hand their plugins: a snapshot, and nothing else real. */
final class PluginHandles {

  private PluginHandles() {}

  /** One worker, the caller: no thread, nothing to close, so test classes can share it. */
  private static final Parallelizer CALLER_ONLY = new Parallelizer("plugin-tests", 1);

  /** A framework over {@code snapshot} whose parallel work runs on the calling thread. */
  static FrameworkImpl onCaller(Snapshot snapshot) {
    return builder(snapshot, CALLER_ONLY).build();
  }

  /**
   * A framework over {@code snapshot} with the two plugins every profile needs (PrioritySort,
   * DefaultBinder), a fake clock and a binder that does nothing; add components before building.
   */
  static FrameworkImpl.Builder builder(Snapshot snapshot, Parallelizer parallelizer) {
    return FrameworkImpl.builder(InTreeRegistry.create())
        .plugins(
            Plugins.empty()
                .with(ExtensionPoint.QUEUE_SORT, PluginSet.enabled(Plugin.of(PrioritySort.NAME)))
                .with(ExtensionPoint.BIND, PluginSet.enabled(Plugin.of(DefaultBinder.NAME))))
        .snapshot(snapshot)
        .clock(new FakeClock())
        .parallelizer(parallelizer)
        .component(PodBinder.class, pod -> {});
  }
}
