package io.kubelab.kubelet.cm.devicemanager;

import java.util.List;

/**
 * What the runtime adds to a container for its devices: the merge of every plugin's {@code
 * ContainerAllocateResponse}.
 *
 * <p>Upstream: {@code DeviceRunContainerOptions} in {@code pkg/kubelet/cm/devicemanager/types.go},
 * built by {@code podDevices.deviceRunContainerOptions} ({@code pod_devices.go}).
 */
public record DeviceRunContainerOptions(
    List<EnvVar> envs, List<Mount> mounts, List<DeviceInfo> devices, List<Annotation> annotations) {

  public DeviceRunContainerOptions {
    envs = List.copyOf(envs);
    mounts = List.copyOf(mounts);
    devices = List.copyOf(devices);
    annotations = List.copyOf(annotations);
  }

  /** An environment variable. */
  public record EnvVar(String name, String value) {}

  /** A bind mount; upstream names it by its container path. */
  public record Mount(String name, String containerPath, String hostPath, boolean readOnly) {}

  /** A device node; permissions any of "r", "w", "m". */
  public record DeviceInfo(String pathOnHost, String pathInContainer, String permissions) {}

  /** A container annotation. */
  public record Annotation(String name, String value) {}
}
