package io.kubelab.scheduler.framework.config;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The plugin sets of a profile, one per extension point; a point may have none (null).
 *
 * <p>Upstream: {@code Plugins}, {@code Apply} and {@code mergePluginSets} in {@code
 * pkg/scheduler/apis/config/types.go} (v1.18). Immutable here: {@link #with} and {@link #apply}
 * return new values where upstream changes the receiver. (Upstream's {@code Append} is what {@code
 * createFromConfig} joins a Policy's plugins with; {@link
 * io.kubelab.scheduler.framework.plugins.LegacyRegistry} builds its lists in one go instead.)
 */
public final class Plugins {

  private final Map<ExtensionPoint, PluginSet> sets;

  private Plugins(Map<ExtensionPoint, PluginSet> sets) {
    this.sets = sets;
  }

  /** No plugin set at any point. */
  public static Plugins empty() {
    return new Plugins(new EnumMap<>(ExtensionPoint.class));
  }

  /** A copy with {@code set} at {@code point} (null removes it). */
  public Plugins with(ExtensionPoint point, PluginSet set) {
    Map<ExtensionPoint, PluginSet> m = copy();
    if (set == null) {
      m.remove(point);
    } else {
      m.put(point, set);
    }
    return new Plugins(m);
  }

  /** The set at {@code point}, or null when there is none. */
  public PluginSet get(ExtensionPoint point) {
    return sets.get(point);
  }

  /** The enabled plugins at {@code point}; empty when there is no set. */
  public List<Plugin> enabled(ExtensionPoint point) {
    PluginSet s = sets.get(point);
    return s == null ? List.of() : s.enabled();
  }

  /**
   * {@code Apply}: this configuration (the defaults) with {@code custom} merged in at every point:
   * the defaults minus the disabled ones (all of them for {@code "*"}), then the custom enabled
   * ones. The result has a set at every point and no disabled lists.
   */
  public Plugins apply(Plugins custom) {
    if (custom == null) {
      return this;
    }
    Map<ExtensionPoint, PluginSet> m = new EnumMap<>(ExtensionPoint.class);
    for (ExtensionPoint p : ExtensionPoint.values()) {
      m.put(p, mergePluginSets(sets.get(p), custom.sets.get(p)));
    }
    return new Plugins(m);
  }

  private static PluginSet mergePluginSets(PluginSet defaults, PluginSet custom) {
    if (custom == null) {
      custom = PluginSet.EMPTY;
    }
    if (defaults == null) {
      defaults = PluginSet.EMPTY;
    }
    Set<String> disabled = new HashSet<>();
    for (Plugin d : custom.disabled()) {
      disabled.add(d.name());
    }
    List<Plugin> enabled = new ArrayList<>();
    if (!disabled.contains("*")) {
      for (Plugin d : defaults.enabled()) {
        if (!disabled.contains(d.name())) {
          enabled.add(d);
        }
      }
    }
    enabled.addAll(custom.enabled());
    return new PluginSet(enabled, List.of());
  }

  private Map<ExtensionPoint, PluginSet> copy() {
    Map<ExtensionPoint, PluginSet> m = new EnumMap<>(ExtensionPoint.class);
    m.putAll(sets);
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Plugins p && p.sets.equals(sets);
  }

  @Override
  public int hashCode() {
    return sets.hashCode();
  }

  @Override
  public String toString() {
    return "Plugins" + sets;
  }
}
