package io.kubelab.scheduler.framework.config;

import java.util.List;

/**
 * The plugins enabled and disabled at one extension point.
 *
 * <p>Upstream: {@code PluginSet} in {@code pkg/scheduler/apis/config/types.go} (v1.18). In a
 * profile, {@code enabled} plugins run after the default ones, in the order given, and {@code
 * disabled} removes default ones; a single {@code "*"} disables every default plugin of the point.
 *
 * @param enabled in order
 * @param disabled by name; weights are ignored
 */
public record PluginSet(List<Plugin> enabled, List<Plugin> disabled) {

  /** Nothing enabled, nothing disabled. */
  public static final PluginSet EMPTY = new PluginSet(List.of(), List.of());

  public PluginSet {
    enabled = enabled == null ? List.of() : List.copyOf(enabled);
    disabled = disabled == null ? List.of() : List.copyOf(disabled);
  }

  /** These plugins enabled, none disabled. */
  public static PluginSet enabled(Plugin... plugins) {
    return new PluginSet(List.of(plugins), List.of());
  }
}
