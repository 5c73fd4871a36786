package io.kubelab.kubelet.cm.devicemanager.exercises;

import java.util.Set;

/**
 * Exercise: the device manager's choice of devices for one container (upstream {@code
 * devicesToAllocate}, without the restart case and the topology hints).
 */
public final class DeviceChoice {

  private DeviceChoice() {}

  /**
   * Chooses {@code required} devices of {@code resource} for a container: first devices from {@code
   * reusable} (an init container's, in ID order), then healthy devices nobody holds (in ID order).
   * Every reused device counts, even if {@code allocated} lists it.
   *
   * @param healthy the resource's healthy device IDs
   * @param allocated the device IDs held by containers now
   * @param reusable the pod's reuse pool for this resource (may be empty)
   * @return the chosen IDs, exactly {@code required} of them
   * @throws IllegalStateException with upstream's message {@code requested number of devices
   *     unavailable for <resource>. Requested: <n>, Available: <m>}, where n is what is still
   *     needed after the reusable devices and m the healthy devices nobody holds
   */
  public static Set<String> choose(
      String resource,
      int required,
      Set<String> healthy,
      Set<String> allocated,
      Set<String> reusable) {
    throw new UnsupportedOperationException("exercise");
  }
}
