package io.kubelab.kubelet.pluginmanager;

import java.util.List;

/**
 * What a kind of plugin ("DevicePlugin", "CSIPlugin") does when one appears or goes away.
 *
 * <p>Upstream: {@code PluginHandler} in {@code pkg/kubelet/pluginmanager/cache/types.go} (v1.18: no
 * deprecated-directory argument).
 */
public interface PluginHandler {

  /** The plugin type the device manager handles. */
  String DEVICE_PLUGIN = "DevicePlugin";

  /** The plugin type CSI drivers register with (no handler in kubelab). */
  String CSI_PLUGIN = "CSIPlugin";

  /** Whether the plugin may register; the exception's message goes back to the plugin. */
  void validatePlugin(String name, String endpoint, List<String> versions) throws Exception;

  /** Registers the plugin; the exception's message goes back to the plugin. */
  void registerPlugin(String name, String endpoint, List<String> versions) throws Exception;

  /** The plugin is gone. */
  void deRegisterPlugin(String name);
}
