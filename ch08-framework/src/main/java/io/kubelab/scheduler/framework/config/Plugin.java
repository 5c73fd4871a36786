package io.kubelab.scheduler.framework.config;

import java.util.Objects;

/**
 * A plugin named in a profile: its name and, for Score plugins, its weight.
 *
 * <p>Upstream: {@code Plugin} in {@code pkg/scheduler/apis/config/types.go} (v1.18). A weight of 0
 * means unset; the framework turns it into 1. {@code origin} is not upstream's: it is where the
 * entry came from (a field path such as {@code profiles[0].plugins.filter.enabled[2]}, or null for
 * the built-in defaults), so that an error about the entry names the field that caused it.
 *
 * @param name the registered plugin name
 * @param weight the score weight; 0 means unset
 * @param origin the configuration field it was read from, or null
 */
public record Plugin(String name, int weight, String origin) {
  public Plugin {
    Objects.requireNonNull(name, "name");
  }

  /** A built-in entry without a weight. */
  public static Plugin of(String name) {
    return new Plugin(name, 0, null);
  }

  /** A built-in entry with a weight. */
  public static Plugin of(String name, int weight) {
    return new Plugin(name, weight, null);
  }
}
