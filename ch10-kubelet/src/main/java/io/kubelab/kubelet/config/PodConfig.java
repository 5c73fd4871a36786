package io.kubelab.kubelet.config;

import io.kubelab.apimachinery.clock.Clock;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A pod source that passes on only what changed: the updates of {@code source} (typically whole
 * lists, {@code SET}s, as the API server's source sends them) merged by a {@link PodStorage} into
 * the {@code ADD}, {@code UPDATE}, {@code DELETE}, {@code REMOVE} and {@code RECONCILE} updates the
 * kubelet's sync loop takes.
 *
 * <p>Upstream: {@code pkg/kubelet/config/config.go} ({@code PodConfig}, {@code NewPodConfig(
 * PodConfigNotificationIncremental, ...)}), here for one source.
 */
public final class PodConfig implements PodSource {

  private final PodSource source;
  private final PodStorage storage;

  /** Merges what {@code source} sends; first-seen times come from {@code clock}. */
  public PodConfig(PodSource source, Clock clock) {
    this.source = Objects.requireNonNull(source, "source");
    this.storage = new PodStorage(clock);
  }

  @Override
  public AutoCloseable watch(Consumer<PodUpdate> updates) {
    // The source does not call its consumer concurrently, so neither is the storage.
    return source.watch(u -> storage.merge(u, updates));
  }
}
