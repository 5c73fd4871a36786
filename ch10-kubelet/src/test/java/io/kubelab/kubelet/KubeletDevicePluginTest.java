package io.kubelab.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.kubelet.cm.devicemanager.DeviceManager;
import io.kubelab.kubelet.cm.devicemanager.DevicePlugins;
import io.kubelab.kubelet.cm.devicemanager.FakeGpuPlugin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device manager inside the kubelet: the node's capacity shows the plugin's devices, and pods
 * asking for them are admitted while devices last, then refused with upstream's reason.
 */
@Timeout(60)
class KubeletDevicePluginTest {

  private static final String GPU = FakeGpuPlugin.RESOURCE;

  @TempDir Path dir;

  private static Pod gpuPod(String name, int gpus) {
    Pod p = Fixtures.pod(name).uid("u-" + name).requests("100m", "10Mi").build();
    var res = p.getSpec().getContainers().get(0).getResources();
    Map<String, Quantity> limits =
        new HashMap<>(res.getLimits() == null ? Map.of() : res.getLimits());
    limits.put(GPU, new Quantity(Integer.toString(gpus)));
    Map<String, Quantity> requests = new HashMap<>(res.getRequests());
    requests.put(GPU, new Quantity(Integer.toString(gpus)));
    res.setLimits(limits);
    res.setRequests(requests);
    return p;
  }

  private static void await(Semaphore updates, String what, BooleanSupplier cond)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!cond.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      assertThat(left).as("waiting for " + what).isPositive();
      updates.tryAcquire(left, TimeUnit.NANOSECONDS);
    }
  }

  @Test
  void theNodeShowsThePluginsDevicesAndPodsAreAdmittedWhileDevicesLast() throws Exception {
    Semaphore updates = new Semaphore(0);
    DeviceManager dm =
        new DeviceManager(
            DeviceManager.Config.of(dir), new io.kubelab.apimachinery.clock.FakeClock());
    dm.addUpdateListener(updates::release);
    try (KubeletRig rig = new KubeletRig(KubeletRig.node(), b -> b.deviceManager(dm));
        FakeGpuPlugin plugin = new FakeGpuPlugin(dir, 3)) {
      plugin.start();
      plugin.register();
      await(
          updates,
          "3 allocatable devices",
          () ->
              new Quantity("3")
                  .equals(rig.kubelet.nodeStatus().getStatus().getAllocatable().get(GPU)));
      assertThat(rig.kubelet.nodeStatus().getStatus().getCapacity())
          .containsEntry(GPU, new Quantity("3"));
      assertThat(rig.kubelet.nodeStatus().getStatus().getAllocatable())
          .containsEntry("cpu", new Quantity("4"));

      plugin.setHealth("gpu-2", DevicePlugins.UNHEALTHY);
      await(
          updates,
          "2 allocatable devices",
          () ->
              new Quantity("2")
                  .equals(rig.kubelet.nodeStatus().getStatus().getAllocatable().get(GPU)));
      assertThat(rig.kubelet.nodeStatus().getStatus().getCapacity())
          .containsEntry(GPU, new Quantity("3"));

      rig.api.create(gpuPod("a", 1));
      rig.runSeconds(3);
      rig.api.create(gpuPod("b", 1));
      rig.runSeconds(3);
      rig.api.create(gpuPod("c", 1));
      rig.runSeconds(3);
      assertThat(rig.phase("a")).isEqualTo("Running");
      assertThat(rig.phase("b")).isEqualTo("Running");
      Pod c = rig.pod("c");
      assertThat(c.getStatus().getPhase()).isEqualTo("Failed");
      assertThat(c.getStatus().getReason()).isEqualTo("UnexpectedAdmissionError");
      assertThat(c.getStatus().getMessage())
          .isEqualTo(
              "Pod Allocate failed due to requested number of devices unavailable for "
                  + GPU
                  + ". Requested: 1, Available: 0, which is unexpected");
      assertThat(plugin.allocateCalls()).hasSize(2);
      String ca = rig.pod("a").getSpec().getContainers().get(0).getName();
      String cb = rig.pod("b").getSpec().getContainers().get(0).getName();
      assertThat(dm.containerDevices("u-a", ca, GPU)).hasSize(1);
      assertThat(dm.containerDevices("u-b", cb, GPU))
          .hasSize(1)
          .doesNotContainAnyElementsOf(dm.containerDevices("u-a", ca, GPU));
    }
  }

  /**
   * Upstream {@code sanitizeNodeAllocatable}: the predicates see at least as many devices as are
   * allocated, so a device that turned unhealthy under a running pod does not keep the last healthy
   * one from the next pod.
   */
  @Test
  void aDeviceTurningUnhealthyUnderItsPodDoesNotKeepTheLastHealthyOneFromTheNext()
      throws Exception {
    Semaphore updates = new Semaphore(0);
    DeviceManager dm =
        new DeviceManager(
            DeviceManager.Config.of(dir), new io.kubelab.apimachinery.clock.FakeClock());
    dm.addUpdateListener(updates::release);
    // A node whose status reports allocatable only: the devices appear in a capacity of their own.
    var node = KubeletRig.node();
    node.getStatus().setCapacity(null);
    try (KubeletRig rig = new KubeletRig(node, b -> b.deviceManager(dm));
        FakeGpuPlugin plugin = new FakeGpuPlugin(dir, 3)) {
      plugin.start();
      plugin.register();
      await(
          updates,
          "3 allocatable devices",
          () ->
              new Quantity("3")
                  .equals(rig.kubelet.nodeStatus().getStatus().getAllocatable().get(GPU)));
      assertThat(rig.kubelet.nodeStatus().getStatus().getCapacity())
          .containsExactly(Map.entry(GPU, new Quantity("3")));
      rig.api.create(gpuPod("a", 1));
      rig.runSeconds(3);
      rig.api.create(gpuPod("b", 1));
      rig.runSeconds(3);
      String ca = rig.pod("a").getSpec().getContainers().get(0).getName();
      String held = dm.containerDevices("u-a", ca, GPU).iterator().next();
      plugin.setHealth(held, DevicePlugins.UNHEALTHY);
      await(
          updates,
          "2 allocatable devices",
          () ->
              new Quantity("2")
                  .equals(rig.kubelet.nodeStatus().getStatus().getAllocatable().get(GPU)));

      rig.api.create(gpuPod("c", 1));
      rig.runSeconds(3);
      assertThat(rig.phase("c")).isEqualTo("Running");
      // The node's reported status is not raised: only admission sees the allocated count.
      assertThat(rig.kubelet.nodeStatus().getStatus().getAllocatable())
          .containsEntry(GPU, new Quantity("2"));
    }
  }
}
