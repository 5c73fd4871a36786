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
 * <p>Upstream: {@code Plugins}, {@code Append}, {@code Apply}, {@code appendPluginSet} and {@code
 * mergePluginSets} in {@code pkg/scheduler/apis/config/types.go} (v1.18). Immutable here: {@link
 * #append} and {@link #apply} return new values where upstream changes the receiver.
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
   * {@code Append}: every set of {@code src} appended to this one's (a missing set counts as
   * empty), enabled to enabled and disabled to disabled; duplicates are kept.
   */
  public Plugins append(Plugins src) {
    Map<ExtensionPoint, PluginSet> m = new EnumMap<>(ExtensionPoint.class);
    for (ExtensionPoint p : ExtensionPoint.values()) {
      PluginSet dst = sets.get(p);
      PluginSet add = src == null ? null : src.sets.get(p);
      List<Plugin> enabled = new ArrayList<>(dst == null ? List.of() : dst.enabled());
      List<Plugin> disabled = new ArrayList<>(dst == null ? List.of() : dst.disabled());
      if (add != null) {
        enabled.addAll(add.enabled());
        disabled.addAll(add.disabled());
      }
      m.put(p, new PluginSet(enabled, disabled));
    }
    return new Plugins(m);
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
