package io.kubelab.scheduler.framework.config;

import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * The arguments one plugin is built with.
 *
 * <p>Upstream: {@code PluginConfig} in {@code pkg/scheduler/apis/config/types.go} (v1.18), whose
 * {@code Args} is a {@code runtime.Unknown}: raw JSON that the plugin's factory decodes. Here it is
 * a Jackson tree, decoded by the factory through {@link io.kubelab.scheduler.framework.PluginArgs}.
 * {@code origin} is where it was read from, for error messages (not upstream's).
 *
 * @param name the plugin the arguments are for
 * @param args the arguments, or null for none
 * @param origin the configuration field it was read from, or null
 */
public record PluginConfig(String name, JsonNode args, String origin) {
  public PluginConfig {
    Objects.requireNonNull(name, "name");
  }
}
