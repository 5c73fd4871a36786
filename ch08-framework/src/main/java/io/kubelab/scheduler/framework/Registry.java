package io.kubelab.scheduler.framework;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Every plugin a framework can be built with, by name.
 *
 * <p>Upstream: {@code Registry}, {@code Register}, {@code Unregister} and {@code Merge} in {@code
 * pkg/scheduler/framework/v1alpha1/registry.go} (v1.18). Out-of-tree plugins are added by merging a
 * registry into the in-tree one. Not thread-safe: fill it, then build frameworks from it.
 */
public final class Registry {

  private final Map<String, PluginFactory> factories = new LinkedHashMap<>();

  /**
   * {@code Register}.
   *
   * @throws IllegalArgumentException {@code a plugin named X already exists}
   */
  public Registry register(String name, PluginFactory factory) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(factory, "factory");
    if (factories.containsKey(name)) {
      throw new IllegalArgumentException("a plugin named " + name + " already exists");
    }
    factories.put(name, factory);
    return this;
  }

  /**
   * {@code Unregister}.
   *
   * @throws IllegalArgumentException {@code no plugin named X exists}
   */
  public Registry unregister(String name) {
    if (factories.remove(name) == null) {
      throw new IllegalArgumentException("no plugin named " + name + " exists");
    }
    return this;
  }

  /**
   * {@code Merge}: registers every plugin of {@code in}; stops at the first name already here.
   *
   * @throws IllegalArgumentException {@code a plugin named X already exists}
   */
  public Registry merge(Registry in) {
    in.factories.forEach(this::register);
    return this;
  }

  /** The factory registered under {@code name}, or null. */
  public PluginFactory factory(String name) {
    return factories.get(name);
  }

  /** The registered names, in registration order. */
  public Set<String> names() {
    return Collections.unmodifiableSet(factories.keySet());
  }
}
