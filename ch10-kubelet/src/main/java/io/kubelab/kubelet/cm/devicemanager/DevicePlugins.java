package io.kubelab.kubelet.cm.devicemanager;

import java.time.Duration;
import java.util.List;

/**
 * The device plugin API's constants and the device manager's own.
 *
 * <p>Upstream: {@code staging/src/k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1/constants.go} and
 * {@code pkg/kubelet/cm/devicemanager/types.go} (v1.18).
 */
public final class DevicePlugins {

  private DevicePlugins() {}

  /** A device's health when it can be allocated. */
  public static final String HEALTHY = "Healthy";

  /** A device's health when it cannot; anything but {@link #HEALTHY} counts as unhealthy. */
  public static final String UNHEALTHY = "Unhealthy";

  /** The API version this kubelet speaks. */
  public static final String VERSION = "v1beta1";

  /** The versions a plugin may register with. */
  public static final List<String> SUPPORTED_VERSIONS = List.of(VERSION);

  /** Upstream's socket directory; kubelab takes it from {@link DeviceManager.Config}. */
  public static final String DEVICE_PLUGIN_PATH = "/var/lib/kubelet/device-plugins/";

  /** The registration socket's file name in the socket directory. */
  public static final String KUBELET_SOCKET = "kubelet.sock";

  /** The checkpoint's file name in the socket directory. */
  public static final String CHECKPOINT = "kubelet_internal_checkpoint";

  /** {@code KubeletPreStartContainerRPCTimeoutInSecs}. */
  public static final Duration PRE_START_CONTAINER_TIMEOUT = Duration.ofSeconds(30);

  /** {@code endpointStopGracePeriod}: how long a stopped plugin's resource stays on the node. */
  public static final Duration ENDPOINT_STOP_GRACE_PERIOD = Duration.ofMinutes(5);

  /** The blocking dial's timeout in {@code dial}. */
  public static final Duration DIAL_TIMEOUT = Duration.ofSeconds(10);

  // Upstream's error texts (types.go).
  static final String ERR_UNSUPPORTED_VERSION =
      "requested API version \"%s\" is not supported by kubelet. Supported version is %s";
  static final String ERR_INVALID_RESOURCE_NAME = "the ResourceName \"%s\" is invalid";
  static final String ERR_ENDPOINT_STOPPED = "endpoint %s has been stopped";
  static final String ERR_FAILED_TO_DIAL = "failed to dial device plugin:";
  static final String ERR_LIST_AND_WATCH =
      "listAndWatch ended unexpectedly for device plugin %s with error %s";
}
